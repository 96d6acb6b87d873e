// maxpool2d: the largest value of each window of each channel, as PyTorch's MaxPool2d (the
// padding never wins; of equal values the first in the window, row by row, is the one taken
// and receives the gradient). The stride defaults to the kernel. A static (repeated) input is
// pooled once.
#include <runtime/core/errors.hpp>
#include <runtime/train/layers/grid.hpp>

#include <cstdint>
#include <limits>

namespace norn {

namespace {

template <class T>
class maxpool2d_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;

  maxpool2d_layer(map_shape in, window2d w) : in_(in), out_(w.output(in, in.channels)), w_(w) {}

  std::string type() const override { return "maxpool2d"; }
  std::size_t in_features() const override { return in_.size(); }
  std::size_t out_features() const override { return out_.size(); }
  bool takes_repeated() const override { return true; }

  void forward(const sequence& x, sequence& y, bool keep) override {
    check_map_input("maxpool2d", x, in_);
    const std::size_t rows = std::size_t(x.values.rows());
    reshape_like(x, y, this->out_features());
    winner_.resize(rows * out_.size());
    const std::ptrdiff_t H = std::ptrdiff_t(in_.height), W = std::ptrdiff_t(in_.width);
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
      const T* xr = x.values.data() + r * in_.size();
      T* yr = y.values.data() + r * out_.size();
      std::uint32_t* win = winner_.data() + r * out_.size();
      if (w_.ph == 0 && w_.pw == 0) {
        // every window inside the map: no bounds to check (sizes in locals: the stores below
        // could alias the members otherwise)
        const std::size_t C = out_.channels, Ho = out_.height, Wo = out_.width, Hi = in_.height, Wi = in_.width;
        const std::size_t kh = w_.kh, kw = w_.kw, sh = w_.sh, sw = w_.sw;
        for (std::size_t c = 0, k = 0; c < C; ++c)
          for (std::size_t oh = 0; oh < Ho; ++oh)
            for (std::size_t ow = 0; ow < Wo; ++ow, ++k) {
              std::size_t at = (c * Hi + oh * sh) * Wi + ow * sw;
              T best = xr[at];
              const std::size_t first = at;
              for (std::size_t ki = 0; ki < kh; ++ki)
                for (std::size_t kj = 0; kj < kw; ++kj) {
                  const std::size_t i = first + ki * Wi + kj;
                  if (xr[i] > best) best = xr[i], at = i;
                }
              yr[k] = best;
              win[k] = std::uint32_t(at);
            }
        continue;
      }
      for (std::size_t c = 0, k = 0; c < out_.channels; ++c)
        for (std::size_t oh = 0; oh < out_.height; ++oh)
          for (std::size_t ow = 0; ow < out_.width; ++ow, ++k) {
            T best = -std::numeric_limits<T>::infinity();
            std::uint32_t at = 0;
            bool found = false;
            for (std::size_t ki = 0; ki < w_.kh; ++ki) {
              const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
              if (ih < 0 || ih >= H) continue;
              for (std::size_t kj = 0; kj < w_.kw; ++kj) {
                const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
                if (iw < 0 || iw >= W) continue;
                const std::size_t i = (c * in_.height + std::size_t(ih)) * in_.width + std::size_t(iw);
                if (!found || xr[i] > best) best = xr[i], at = std::uint32_t(i), found = true;
              }
            }
            yr[k] = best;
            win[k] = at;
          }
    }
    if (keep) input_repeated_ = x.repeated;
  }

  void backward(const sequence& dy_in, sequence* dx) override {
    if (!dx) return;
    // a repeated input took the same winners at every step: its gradient is the sum over steps
    sequence summed;
    const sequence& dy = gradient_for_input(input_repeated_, dy_in, summed);
    const std::size_t rows = std::size_t(dy.values.rows());
    reshape_like(dy, *dx, this->in_features());
    dx->values.setZero();
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
      const T* d = dy.values.data() + r * out_.size();
      const std::uint32_t* win = winner_.data() + r * out_.size();
      T* g = dx->values.data() + r * in_.size();
      for (std::size_t k = 0; k < out_.size(); ++k) g[win[k]] += d[k];
    }
  }

 private:
  map_shape in_, out_;
  window2d w_;
  std::vector<std::uint32_t> winner_;  // per row and output, the input index that won
  bool input_repeated_ = false;
};

}  // namespace

extern const layer_kind maxpool2d_layer_kind{
    .name = "maxpool2d",
    .summary = "the maximum of each window of [C, H, W] maps, as PyTorch's MaxPool2d: \"kernel\", \"stride\" (default: "
               "the kernel), \"padding\" (default 0; each a number or [h, w])",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type", "kernel", "stride", "padding"});
      const map_shape in = input_map(c, context, "maxpool2d");
      const window2d w = read_window(c, in, true);
      return layer_plan{"maxpool2d", in.dims(), w.output(in, in.channels).dims(),
                        [=]<class T>(std::type_identity<T>, std::uint64_t) { return std::make_unique<maxpool2d_layer<T>>(in, w); }};
    },
    .example = R"({"type": "maxpool2d", "kernel": 2})",
    .example_input = {2, 4, 5}};

}  // namespace norn
