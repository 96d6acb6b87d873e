#pragma once
/// Writing files so that readers see either the old file or the complete new one: the
/// content goes to a temporary name in the same directory, is written and closed, then
/// renamed.

#include <filesystem>
#include <initializer_list>
#include <string_view>

namespace norn {

/// Writes `content` to `path` through a temporary file and a rename.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);
/// The same for content in several pieces (a header and the data), written without copying.
void write_file_atomically(const std::filesystem::path& path, std::initializer_list<std::string_view> parts);

/// A temporary path next to `path` (same directory, so rename is atomic).
std::filesystem::path temporary_sibling(const std::filesystem::path& path);

}  // namespace norn
