// The plot functions: forwarded to the plotting module, loaded with dlopen on first use
// (module_loader.hpp says where it is looked for; NORN_PLOT_MODULE names it explicitly).

#include <runtime/io/plot.hpp>
#include <runtime/io/module_loader.hpp>
#include <runtime/io/plot_module.hpp>

#include <runtime/core/errors.hpp>

namespace norn::plot {

namespace {

const module_api& api() {
  static const auto* loaded = static_cast<const module_api*>(
      load_module("libnorn_plot.so", "NORN_PLOT_MODULE", "norn_plot_module", module_api::current_version));
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
