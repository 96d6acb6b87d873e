// The plot functions: forwarded to the plotting module, loaded with dlopen on first use.
// NORN_PLOT_MODULE names it explicitly; otherwise it is looked for next to the executable
// (and in ../ and ../lib from it, as `cmake --install` lays it out), then on the library path.

#include <runtime/io/plot.hpp>
#include <runtime/io/plot_module.hpp>

#include <runtime/core/errors.hpp>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace norn::plot {

namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : self.parent_path();
}

const module_api& api() {
  static const module_api* loaded = [] {
    std::vector<std::string> candidates;
    if (const char* explicit_path = std::getenv("NORN_PLOT_MODULE")) candidates.emplace_back(explicit_path);
    const auto dir = executable_dir();
    if (!dir.empty())
      for (const auto& sub : {".", "..", "../lib"})
        candidates.push_back((dir / sub / "libnorn_plot.so").lexically_normal().string());
#ifdef NORN_PLOT_MODULE_INSTALLED
    candidates.emplace_back(NORN_PLOT_MODULE_INSTALLED);
#endif
    candidates.emplace_back("libnorn_plot.so");
    std::string errors;
    for (const auto& c : candidates) {
      if (c.find('/') != std::string::npos && !std::filesystem::exists(c)) continue;
      void* handle = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        errors += std::string("; ") + ::dlerror();
        continue;
      }
      auto entry = reinterpret_cast<const module_api* (*)()>(::dlsym(handle, "norn_plot_module"));
      if (entry && entry()->version == module_api::current_version) return entry();
    }
    throw std::runtime_error("cannot load the plotting module libnorn_plot.so" + errors);
  }();
  return *loaded;
}

}  // namespace

void lines(const std::filesystem::path& file, const std::vector<series>& curves, const options& opt) {
  api().lines(file, curves, opt);
}
void raster(const std::filesystem::path& file, std::span<const double> times, std::span<const double> neurons,
            double duration, std::size_t n, const options& opt) {
  api().raster(file, times, neurons, duration, n, opt);
}
void histogram(const std::filesystem::path& file, std::span<const double> values, int bins, const options& opt,
               double lo, double hi) {
  api().histogram(file, values, bins, opt, lo, hi);
}
void counts(const std::filesystem::path& file, std::span<const std::int64_t> values, std::size_t n, const options& opt) {
  api().counts(file, values, n, opt);
}

void bars(const std::filesystem::path& file, const std::vector<std::string>& categories,
          const std::vector<series>& groups, const options& opt) {
  api().bars(file, categories, groups, opt);
}

}  // namespace norn::plot
