// The .npy reader: any bytes are refused with bad_input or read within bounds.
#include "harness.hpp"

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = norn::fuzz::as_file(data, size, "input.npy");
  try {
    const norn::npy::mapped m(file);
    std::vector<float> row(std::min<std::size_t>(m.size(), 4096));
    m.read(0, row);
    (void)m.first_non_finite();
    if (m.size()) (void)m.at(m.size() - 1);
  } catch (const norn::bad_input&) {
  }
  return 0;
}
