#pragma once
// What the harnesses share: a private scratch directory and a file holding the input.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace norn::fuzz {

/// A directory of this process's own, created once.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("norn-fuzz." + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes the input to `name` in the scratch directory and returns its path.
inline std::filesystem::path as_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  const auto path = scratch() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace norn::fuzz
