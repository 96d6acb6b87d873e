// The training configuration parser: any JSON text is refused with bad_input or parsed,
// and a parsed configuration's size estimate is computed without overflow.
#include "harness.hpp"

#include <runtime/core/errors.hpp>
#include <runtime/train/config.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = norn::fuzz::as_file(data, size, "config.json");
  try {
    const auto c = norn::load_config(file, {});
    (void)norn::network_bytes(c, 25, true);
  } catch (const norn::bad_input&) {
  }
  return 0;
}
