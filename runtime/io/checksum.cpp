#include <runtime/io/checksum.hpp>

#include <runtime/core/errors.hpp>

#include <array>
#include <fstream>
#include <vector>

namespace norn {

namespace {

/// The byte-at-a-time table of the reflected polynomial 0xEDB88320.
constexpr std::array<std::uint32_t, 256> crc_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}();

}  // namespace

std::uint32_t crc32(std::span<const unsigned char> bytes, std::uint32_t crc) {
  crc = ~crc;
  for (unsigned char b : bytes) crc = crc_table[(crc ^ b) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

std::uint32_t file_crc32(const std::filesystem::path& file, std::uint64_t& size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("norn: cannot read {}", file.string());
  std::vector<unsigned char> buffer(1 << 16);
  std::uint32_t crc = 0;
  size = 0;
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), std::streamsize(buffer.size()));
    const auto n = std::size_t(in.gcount());
    crc = crc32({buffer.data(), n}, crc);
    size += n;
  }
  return crc;
}

}  // namespace norn
