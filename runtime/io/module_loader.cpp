#include <runtime/io/module_loader.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace norn {

namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : self.parent_path();
}

std::filesystem::path this_library_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<const void*>(&executable_dir), &info) == 0 || !info.dli_fname) return {};
  return std::filesystem::path(info.dli_fname).parent_path();
}

}  // namespace

const void* load_module(const std::string& file, const char* env, const char* symbol, int version) {
  std::vector<std::string> candidates;
  if (const char* explicit_path = std::getenv(env)) candidates.emplace_back(explicit_path);
  for (const auto& dir : {executable_dir(), this_library_dir()})
    if (!dir.empty())
      for (const auto& sub : {".", "..", "../lib"}) candidates.push_back((dir / sub / file).lexically_normal().string());
  candidates.push_back(file);
  std::string errors;
  for (const auto& c : candidates) {
    if (c.find('/') != std::string::npos && !std::filesystem::exists(c)) continue;
    void* handle = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      errors += std::string("; ") + ::dlerror();
      continue;
    }
    struct header {
      int version;
    };
    auto entry = reinterpret_cast<const header* (*)()>(::dlsym(handle, symbol));
    if (!entry) {
      errors += "; " + c + " has no " + symbol;
      continue;
    }
    if (entry()->version != version) {
      errors += "; " + c + " is of another version of Norn";
      continue;
    }
    return entry();
  }
  throw std::runtime_error("cannot load Norn's module " + file + errors);
}

}  // namespace norn
