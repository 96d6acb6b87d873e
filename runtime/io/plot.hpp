#pragma once
/// Figures as PNG files, drawn with PLplot (its cairo PNG driver): line plots (traces with
/// an optional threshold line, loss curves), spike rasters, histograms and grouped bars.
/// Each file is written under a temporary name and renamed into place.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace norn::plot {

/// One curve (or, with `points`, a set of markers).
struct series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  bool points = false;  ///< draw markers instead of a line
  int colour = -1;      ///< palette index; -1 takes the series' position
};

/// Titles, axes and extras common to all figures.
struct options {
  std::string title;
  std::string xlabel;
  std::string ylabel;
  std::optional<double> hline;  ///< a dashed horizontal line (e.g. the threshold)
  std::vector<double> vlines;   ///< dashed vertical lines (e.g. target times)
  bool log_y = false;
  int width = 1000;
  int height = 600;
};

/// Curves on one pair of axes, with a legend when they have labels.
void lines(const std::filesystem::path& file, const std::vector<series>& curves, const options& opt);

/// Spike raster: a dot at (times[k], neurons[k]) for every spike; the axes span
/// [0, duration] × [0, n).
void raster(const std::filesystem::path& file, std::span<const double> times, std::span<const double> neurons,
            double duration, std::size_t n, const options& opt);

/// Histogram of values in `bins` equal bins over [lo, hi] (the data's range when equal).
void histogram(const std::filesystem::path& file, std::span<const double> values, int bins,
               const options& opt, double lo = 0, double hi = 0);

/// Bars of several groups side by side at each category (e.g. sampled vs target p(z)).
void bars(const std::filesystem::path& file, const std::vector<std::string>& categories,
          const std::vector<series>& groups, const options& opt);

/// A square matrix of counts (a confusion matrix: row = true class, column = predicted), as
/// cells shaded by their count with the count written in each.
void counts(const std::filesystem::path& file, std::span<const std::int64_t> values, std::size_t n, const options& opt);

}  // namespace norn::plot
