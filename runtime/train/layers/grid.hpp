#pragma once
/// What the 2-D layers (convolution, pooling) share: the [channels, height, width] map each
/// row of a sequence holds (in PyTorch's order: channel, then row, then column) and the
/// sliding window over it (kernel, stride, padding), read from a configuration.

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/train/layer_kind.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace norn {

/// A [C, H, W] map.
struct map_shape {
  std::size_t channels = 1, height = 1, width = 1;
  std::size_t size() const { return channels * height * width; }
  std::size_t plane() const { return height * width; }
  std::vector<std::size_t> dims() const { return {channels, height, width}; }
};

/// A window of kh × kw moved by (sh, sw) over a map padded by (ph, pw) on each side.
struct window2d {
  std::size_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0;
  std::size_t out_height(std::size_t h) const { return (h + 2 * ph - kh) / sh + 1; }
  std::size_t out_width(std::size_t w) const { return (w + 2 * pw - kw) / sw + 1; }
  map_shape output(const map_shape& in, std::size_t channels) const {
    return {channels, out_height(in.height), out_width(in.width)};
  }
};

/// bad_input unless x's rows hold the map `in`.
template <class T>
void check_map_input(std::string_view kind, const basic_sequence<T>& x, const map_shape& in) {
  if (x.features() != in.size())
    fail("norn: {} layer expects {} input features ({}), got {}", kind, in.size(), npy::shape_text(in.dims()), x.features());
}

/// The map a 2-D layer reads: the previous layer's shape, or for a first layer the
/// configuration's "input_shape"; [H, W] is one channel. bad_input naming `kind` otherwise.
inline map_shape input_map(const config_object& c, const layer_context& context, std::string_view kind) {
  const auto& s = context.in_shape;
  if (s.empty())
    c.error("a first {} layer needs the shape of the data: give \"input_shape\": [channels, height, width] at the top level",
            kind);
  if (s.size() == 3) return {s[0], s[1], s[2]};
  if (s.size() == 2) return {1, s[0], s[1]};
  c.error("{} takes a [channels, height, width] map, but its input is {} (give \"input_shape\" for a first layer)", kind,
          npy::shape_text(s));
}

/// Key `key` as one count for both dimensions or as [h, w]; `fallback` when absent.
inline std::array<std::size_t, 2> read_pair(const config_object& c, std::string_view key,
                                            std::array<std::size_t, 2> fallback, std::size_t minimum) {
  if (!c.has(key)) return fallback;
  const auto& j = c.json(key);
  const auto where = c.place(key);
  if (j.is_array()) {
    if (j.size() != 2) where.error("expected a number or [height, width]");
    return {read_count(j[0], where.at(std::size_t(0)), minimum), read_count(j[1], where.at(std::size_t(1)), minimum)};
  }
  const auto n = read_count(j, where, minimum);
  return {n, n};
}

/// "kernel" (required), "stride" (default: the kernel's when `stride_is_kernel`, else 1) and
/// "padding" (default 0), checked against the map: the window fits, padding < kernel/2 + 1.
inline window2d read_window(const config_object& c, const map_shape& in, bool stride_is_kernel) {
  if (!c.has("kernel")) c.error("needs \"kernel\"");
  const auto k = read_pair(c, "kernel", {1, 1}, 1);
  const auto s = read_pair(c, "stride", stride_is_kernel ? k : std::array<std::size_t, 2>{1, 1}, 1);
  const auto p = read_pair(c, "padding", {0, 0}, 0);
  const window2d w{k[0], k[1], s[0], s[1], p[0], p[1]};
  if (w.ph > w.kh / 2 || w.pw > w.kw / 2)
    c.place("padding").error("padding {}×{} is more than half the kernel {}×{}", w.ph, w.pw, w.kh, w.kw);
  if (in.height + 2 * w.ph < w.kh || in.width + 2 * w.pw < w.kw)
    c.place("kernel").error("a {}×{} kernel does not fit the {}×{} input (padded by {}×{})", w.kh, w.kw, in.height, in.width,
                            w.ph, w.pw);
  return w;
}

}  // namespace norn
