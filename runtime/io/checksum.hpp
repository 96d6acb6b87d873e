#pragma once
/// CRC-32 (the polynomial of zlib, PNG and gzip) of a file's bytes, for checkpoint manifests:
/// a flipped byte in a saved array is found before it is loaded.

#include <cstdint>
#include <filesystem>
#include <span>

namespace norn {

/// CRC-32 of `bytes`, continuing from `crc` (0 to start).
std::uint32_t crc32(std::span<const unsigned char> bytes, std::uint32_t crc = 0);

/// CRC-32 of a whole file and its size; bad_input when it cannot be read.
std::uint32_t file_crc32(const std::filesystem::path& file, std::uint64_t& size);

}  // namespace norn
