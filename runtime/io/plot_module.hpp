#pragma once
/// The interface between norn and its plotting module (libnorn_plot.so, loaded on first
/// use): one C entry point, `norn_plot_module`, returning this table of functions.

#include <runtime/io/plot.hpp>

namespace norn::plot {

struct module_api {
  static constexpr int current_version = 3;
  int version;
  void (*lines)(const std::filesystem::path&, const std::vector<series>&, const options&);
  void (*raster)(const std::filesystem::path&, std::span<const double>, std::span<const double>, double, std::size_t,
                 const options&);
  void (*histogram)(const std::filesystem::path&, std::span<const double>, int, const options&, double, double);
  void (*bars)(const std::filesystem::path&, const std::vector<std::string>&, const std::vector<series>&, const options&);
  void (*counts)(const std::filesystem::path&, std::span<const std::int64_t>, std::size_t, const options&);
};

}  // namespace norn::plot
