#pragma once
/// Writing files so that readers see either the old file or the complete new one: the
/// content goes to a temporary name in the same directory, is flushed, then renamed.

#include <filesystem>
#include <string_view>

namespace norn {

/// Writes `content` to `path` through a temporary file and a rename.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// A temporary path next to `path` (same directory, so rename is atomic).
std::filesystem::path temporary_sibling(const std::filesystem::path& path);

}  // namespace norn
