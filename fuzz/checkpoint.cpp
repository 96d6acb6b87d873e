// A checkpoint's manifest.json: any text is refused with bad_input or names files that
// exist inside the checkpoint and match their sizes and CRC-32.
#include "harness.hpp"

#include <runtime/core/errors.hpp>
#include <runtime/train/checkpoint.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path ck = [] {
    const auto dir = norn::fuzz::scratch() / "ck";
    std::filesystem::create_directories(dir / "params");
    std::ofstream(dir / "NORN_CHECKPOINT") << "norn checkpoint 1\n";
    std::ofstream(dir / "params" / "0.weight.npy") << "not really an array";
    std::ofstream(dir / "trainer.json") << "{}";
    return dir;
  }();
  std::ofstream(ck / "manifest.json", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), std::streamsize(size));
  try {
    (void)norn::checkpoint_to_resume(ck);
  } catch (const norn::bad_input&) {
  }
  return 0;
}
