// The plotting module, libnorn_plot.so: the figures drawn with PLplot. It is loaded only
// when a picture is asked for (runtime/io/plot.cpp), so that runs without pictures do not pay
// for loading PLplot and the dozen libraries it brings.

#include <runtime/io/plot.hpp>
#include <runtime/io/plot_module.hpp>

#include <runtime/io/atomic_file.hpp>
#include <runtime/core/errors.hpp>

#include <plplot/plstream.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace norn::plot::module {

namespace {

// Colour map 0: 0 background, 1 axes and text, 2.. the curves (the "tab10" palette).
constexpr int palette[][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                              {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                              {188, 189, 34},  {23, 190, 207}};
constexpr int palette_size = sizeof(palette) / sizeof(palette[0]);

/// A PLplot stream drawing into a temporary PNG that becomes `file` on finish().
class canvas {
 public:
  canvas(const std::filesystem::path& file, const options& opt)
      : file_(file), tmp_(temporary_sibling(file)) {
    tmp_ += ".png";
    stream_.emplace();
    plstream& pls_ = *stream_;
    pls_.sdev("pngcairo");
    pls_.sfnam(tmp_.c_str());
    pls_.spage(0, 0, opt.width, opt.height, 0, 0);
    pls_.scol0(0, 255, 255, 255);
    pls_.scol0(1, 0, 0, 0);
    for (int k = 0; k < palette_size; ++k)
      pls_.scol0(2 + k, palette[k][0], palette[k][1], palette[k][2]);
    pls_.scol0(12, 170, 170, 170);
    pls_.init();
    pls_.schr(0, 0.9);
  }
  plstream& operator*() { return *stream_; }
  plstream* operator->() { return &*stream_; }

  /// Axes with box, ticks, labels and title.
  void axes(double x0, double x1, double y0, double y1, const options& opt) {
    plstream& pls_ = *stream_;
    if (!(x1 > x0)) x1 = x0 + 1;
    if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
    pls_.adv(0);
    pls_.vpor(0.1, 0.95, 0.12, 0.9);
    pls_.wind(x0, x1, y0, y1);
    pls_.col0(1);
    pls_.box(opt.log_y ? "bcnst" : "bcnst", 0, 0, opt.log_y ? "bcnstvl" : "bcnstv", 0, 0);
    pls_.lab(opt.xlabel.c_str(), opt.ylabel.c_str(), opt.title.c_str());
  }
  void dashed_hline(double y, double x0, double x1) {
    plstream& pls_ = *stream_;
    pls_.col0(1);
    pls_.lsty(2);
    PLFLT xs[2] = {x0, x1}, ys[2] = {y, y};
    pls_.line(2, xs, ys);
    pls_.lsty(1);
  }
  void dashed_vline(double x, double y0, double y1, int colour) {
    plstream& pls_ = *stream_;
    pls_.col0(colour);
    pls_.lsty(2);
    PLFLT xs[2] = {x, x}, ys[2] = {y0, y1};
    pls_.line(2, xs, ys);
    pls_.lsty(1);
  }

  /// Closes the stream and renames the picture into place.
  void finish() {
    stream_.reset();  // PLplot writes the file when the stream ends
    finished_ = true;
    std::error_code ec;
    std::filesystem::rename(tmp_, file_, ec);
    if (ec) {
      std::filesystem::remove(tmp_);
      throw std::runtime_error("norn: cannot write " + file_.string() + ": " + ec.message());
    }
  }
  ~canvas() {
    if (!finished_) {
      stream_.reset();
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }

 private:
  std::filesystem::path file_;
  std::filesystem::path tmp_;
  std::optional<plstream> stream_;
  bool finished_ = false;
};

std::pair<double, double> range_of(const std::vector<series>& curves, bool x_axis, bool log_y) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& c : curves)
    for (double v : x_axis ? c.x : c.y) {
      if (!std::isfinite(v) || (log_y && !x_axis && v <= 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  return {lo, hi};
}

}  // namespace

void lines(const std::filesystem::path& file, const std::vector<series>& curves, const options& opt) {
  auto [x0, x1] = range_of(curves, true, false);
  auto [y0, y1] = range_of(curves, false, opt.log_y);
  if (opt.hline && !opt.log_y) y0 = std::min(y0, *opt.hline), y1 = std::max(y1, *opt.hline);
  const double pad = (y1 - y0) * 0.05;
  canvas c(file, opt);
  if (opt.log_y) {
    c.axes(x0, x1, std::log10(y0) - 0.05, std::log10(y1) + 0.05, opt);
  } else {
    c.axes(x0, x1, y0 - pad, y1 + pad, opt);
  }
  for (double v : opt.vlines) c.dashed_vline(v, opt.log_y ? std::log10(y0) : y0 - pad, opt.log_y ? std::log10(y1) : y1 + pad, 5);
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const auto& s = curves[k];
    std::vector<PLFLT> ys(s.y.begin(), s.y.end());
    if (opt.log_y)
      for (auto& v : ys) v = std::log10(std::max(v, 1e-300));
    c->col0(2 + int((s.colour >= 0 ? std::size_t(s.colour) : k) % palette_size));
    if (s.points) {
      c->ssym(0, 0.8);
      if (!s.x.empty()) c->poin(PLINT(s.x.size()), s.x.data(), ys.data(), 17);
    } else {
      c->width(1.5);
      c->line(int(s.x.size()), s.x.data(), ys.data());
    }
  }
  if (opt.hline && !opt.log_y) c.dashed_hline(*opt.hline, x0, x1);
  // legend, top right, for labelled curves
  std::vector<const char*> texts;
  std::vector<PLINT> opts, colours, text_colours, styles;
  std::vector<PLFLT> widths;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    if (curves[k].label.empty()) continue;
    texts.push_back(curves[k].label.c_str());
    opts.push_back(PL_LEGEND_LINE);
    colours.push_back(2 + PLINT((curves[k].colour >= 0 ? std::size_t(curves[k].colour) : k) % palette_size));
    text_colours.push_back(1);
    styles.push_back(1);
    widths.push_back(1.5);
  }
  if (!texts.empty()) {
    PLFLT w, h;
    const PLINT n = PLINT(texts.size());
    std::vector<PLFLT> scales(n, 1.0), text_scales(n, 1.0);
    c->legend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_RIGHT | PL_POSITION_TOP,
              0.02, 0.02, 0.1, 0, 1, 1, 0, 0, n, opts.data(), 1.0, 0.8, 2.0, 1.0, text_colours.data(),
              texts.data(), nullptr, nullptr, nullptr, nullptr, colours.data(), styles.data(),
              widths.data(), nullptr, nullptr, nullptr, nullptr);
  }
  c.finish();
}

void raster(const std::filesystem::path& file, std::span<const double> times, std::span<const double> neurons,
            double duration, std::size_t n, const options& opt) {
  std::vector<PLFLT> xs(times.begin(), times.end()), ys(neurons.begin(), neurons.end());
  canvas c(file, opt);
  c.axes(0, duration, -0.5, double(n) - 0.5, opt);
  c->col0(2);
  c->ssym(0, 0.35);
  if (!xs.empty()) c->poin(PLINT(xs.size()), xs.data(), ys.data(), 17);
  c.finish();
}

void histogram(const std::filesystem::path& file, std::span<const double> values, int bins,
               const options& opt, double lo, double hi) {
  if (lo == hi && !values.empty()) {
    lo = *std::min_element(values.begin(), values.end());
    hi = *std::max_element(values.begin(), values.end());
    if (lo == hi) lo -= 0.5, hi += 0.5;
  }
  if (bins < 1) bins = 1;
  std::vector<double> counts(std::size_t(bins), 0.0);
  const double width = (hi - lo) / bins;
  for (double v : values) {
    if (!std::isfinite(v) || v < lo || v > hi) continue;
    counts[std::min(std::size_t(bins) - 1, std::size_t((v - lo) / width))] += 1;
  }
  const double top = counts.empty() ? 1 : *std::max_element(counts.begin(), counts.end());
  canvas c(file, opt);
  c.axes(lo, hi, 0, top * 1.08 + 1e-9, opt);
  for (int b = 0; b < bins; ++b) {
    const double x0 = lo + b * width, x1 = x0 + width, h = counts[std::size_t(b)];
    PLFLT xs[4] = {x0, x0, x1, x1}, ys[4] = {0, h, h, 0};
    c->col0(2);
    c->fill(4, xs, ys);
    c->col0(1);
    c->line(4, xs, ys);
  }
  c.finish();
}

void bars(const std::filesystem::path& file, const std::vector<std::string>& categories,
          const std::vector<series>& groups, const options& opt) {
  double top = 0;
  for (const auto& g : groups)
    for (double v : g.y) top = std::max(top, v);
  const double n = double(categories.size());
  canvas c(file, opt);
  c->adv(0);
  c->vpor(0.1, 0.95, 0.15, 0.9);
  c->wind(-0.6, n - 0.4, 0, top * 1.15 + 1e-12);
  c->col0(1);
  c->box("bc", 0, 0, "bcnstv", 0, 0);
  c->lab(opt.xlabel.c_str(), opt.ylabel.c_str(), opt.title.c_str());
  for (std::size_t k = 0; k < categories.size(); ++k)
    c->mtex("b", 1.2, (double(k) + 0.6) / n, 0.5, categories[k].c_str());
  const double width = 0.8 / double(std::max<std::size_t>(groups.size(), 1));
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t k = 0; k < groups[g].y.size() && k < categories.size(); ++k) {
      const double x0 = double(k) - 0.4 + double(g) * width, x1 = x0 + width, h = groups[g].y[k];
      PLFLT xs[4] = {x0, x0, x1, x1}, ys[4] = {0, h, h, 0};
      c->col0(2 + int(g % palette_size));
      c->fill(4, xs, ys);
    }
  std::vector<const char*> texts;
  std::vector<PLINT> opts, colours, text_colours, patterns;
  std::vector<PLFLT> scales;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    texts.push_back(groups[g].label.c_str());
    opts.push_back(PL_LEGEND_COLOR_BOX);
    colours.push_back(2 + PLINT(g % palette_size));
    text_colours.push_back(1);
    patterns.push_back(0);
    scales.push_back(0.8);
  }
  if (!texts.empty()) {
    PLFLT w, h;
    std::vector<PLFLT> widths(texts.size(), 1.0);
    c->legend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_RIGHT | PL_POSITION_TOP,
              0.02, 0.02, 0.1, 0, 1, 1, 0, 0, PLINT(texts.size()), opts.data(), 1.0, 0.8, 2.0, 1.0,
              text_colours.data(), texts.data(), colours.data(), patterns.data(), scales.data(),
              widths.data(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  }
  c.finish();
}

void counts(const std::filesystem::path& file, std::span<const std::int64_t> values, std::size_t n, const options& opt) {
  std::int64_t top = 1;
  for (auto v : values) top = std::max(top, v);
  canvas c(file, opt);
  c->adv(0);
  c->vpor(0.12, 0.92, 0.12, 0.9);
  c->wind(-0.5, double(n) - 0.5, double(n) - 0.5, -0.5);  // row 0 at the top
  // white to the first palette colour by count
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t k = 0; k < n; ++k) {
      const double f = double(values[r * n + k]) / double(top);
      c->scol0(13, int(255 - f * (255 - palette[0][0])), int(255 - f * (255 - palette[0][1])),
               int(255 - f * (255 - palette[0][2])));
      c->col0(13);
      const double x0 = double(k) - 0.5, x1 = x0 + 1, y0 = double(r) - 0.5, y1 = y0 + 1;
      PLFLT xs[4] = {x0, x0, x1, x1}, ys[4] = {y0, y1, y1, y0};
      c->fill(4, xs, ys);
      c->col0(f > 0.5 ? 0 : 1);
      const std::string text = std::to_string(values[r * n + k]);
      c->ptex(double(k), double(r) + 0.15, 1, 0, 0.5, text.c_str());
    }
  c->col0(1);
  c->box("bcnt", 1, 0, "bcnt", 1, 0);
  c->lab(opt.xlabel.c_str(), opt.ylabel.c_str(), opt.title.c_str());
  c.finish();
}

}  // namespace norn::plot::module

/// The module's one entry point: its functions.
extern "C" const norn::plot::module_api* norn_plot_module() {
  static const norn::plot::module_api api{norn::plot::module_api::current_version, &norn::plot::module::lines,
                                          &norn::plot::module::raster, &norn::plot::module::histogram,
                                          &norn::plot::module::bars, &norn::plot::module::counts};
  return &api;
}
