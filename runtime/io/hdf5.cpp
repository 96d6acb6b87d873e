// The HDF5 tree and its reading and writing, forwarded to libnorn_hdf5.so (hdf5_module.cpp).
#include <runtime/io/hdf5.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/io/atomic_file.hpp>
#include <runtime/io/module_loader.hpp>

#include <system_error>

namespace norn::hdf5 {

namespace {
const module_api& api() {
  static const auto* loaded = static_cast<const module_api*>(
      load_module("libnorn_hdf5.so", "NORN_HDF5_MODULE", "norn_hdf5_module", module_api::current_version));
  return *loaded;
}
}  // namespace

node read(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) fail("norn: {}: no such file", file.string());
  node out;
  std::string error;
  if (!api().read(file, out, error)) fail("norn: {}: {}", file.string(), error);
  return out;
}

void write(const std::filesystem::path& file, const node& root) {
  const auto temporary = temporary_sibling(file);
  std::string error;
  std::error_code ignored;
  if (!api().write(temporary, root, error)) {
    std::filesystem::remove(temporary, ignored);
    fail("norn: cannot write {}: {}", file.string(), error);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary, ignored);
    fail("norn: cannot write {}: {}", file.string(), ec.message());
  }
}

}  // namespace norn::hdf5
