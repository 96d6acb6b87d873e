#pragma once
/// What a run may take from this machine: checked before it allocates or writes, so that a
/// run too large for the machine stops at once with one line (exit 2) instead of being
/// killed, or filling the disk, half-way.

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace norn {

/// Memory the kernel can still give without swapping (MemAvailable of /proc/meminfo), in
/// bytes; 0 when unknown.
std::uint64_t available_memory();

/// bad_input when `bytes` exceed the available memory: "norn: <what> needs 16.0 GiB, this
/// machine has 3.2 GiB available".
void require_memory(double bytes, std::string_view what);

/// bad_input when `bytes` exceed the free space of the file system holding `path` (or its
/// nearest existing ancestor).
void require_disk(double bytes, const std::filesystem::path& path, std::string_view what);

}  // namespace norn
