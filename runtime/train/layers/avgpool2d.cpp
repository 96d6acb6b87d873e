// avgpool2d: the mean of each window of each channel, as PyTorch's AvgPool2d with its
// defaults (padding counts as zeros in the mean); sumpool2d: the sum (NIR's SumPool2d).
// The stride defaults to the kernel. A static (repeated) input is pooled once.
#include <runtime/core/errors.hpp>
#include <runtime/train/layers/grid.hpp>

namespace norn {

namespace {

template <class T>
class avgpool2d_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;

  avgpool2d_layer(map_shape in, window2d w, bool sum)
      : in_(in), out_(w.output(in, in.channels)), w_(w), sum_(sum) {}

  std::string type() const override { return sum_ ? "sumpool2d" : "avgpool2d"; }
  std::size_t in_features() const override { return in_.size(); }
  std::size_t out_features() const override { return out_.size(); }
  bool takes_repeated() const override { return true; }

  void forward(const sequence& x, sequence& y, bool keep) override {
    check_map_input(sum_ ? "sumpool2d" : "avgpool2d", x, in_);
    reshape_like(x, y, this->out_features());
    const std::size_t rows = std::size_t(x.values.rows());
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
      const T* xr = x.values.data() + r * in_.size();
      T* yr = y.values.data() + r * out_.size();
      for (std::size_t k = 0; k < out_.size(); ++k) yr[k] = T(0);
      visit([&](std::size_t i, std::size_t k) { yr[k] += xr[i]; });
      const T scale = factor();
      for (std::size_t k = 0; k < out_.size(); ++k) yr[k] *= scale;
    }
    if (keep) input_repeated_ = x.repeated;
  }

  void backward(const sequence& dy_in, sequence* dx) override {
    if (!dx) return;
    // linear and the same at every step: a repeated input's gradient is that of the sum over steps
    sequence summed;
    const sequence& dy = gradient_for_input(input_repeated_, dy_in, summed);
    reshape_like(dy, *dx, this->in_features());
    dx->values.setZero();
    const std::size_t rows = std::size_t(dy.values.rows());
    const T scale = factor();
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
      const T* d = dy.values.data() + r * out_.size();
      T* g = dx->values.data() + r * in_.size();
      visit([&](std::size_t i, std::size_t k) { g[i] += scale * d[k]; });
    }
  }

 private:
  T factor() const { return sum_ ? T(1) : T(1) / T(w_.kh * w_.kw); }

  /// f(input index, output index) for every input inside every window (not the padding).
  template <class F>
  void visit(F&& f) const {
    const std::ptrdiff_t H = std::ptrdiff_t(in_.height), W = std::ptrdiff_t(in_.width);
    for (std::size_t c = 0, k = 0; c < out_.channels; ++c)
      for (std::size_t oh = 0; oh < out_.height; ++oh)
        for (std::size_t ow = 0; ow < out_.width; ++ow, ++k)
          for (std::size_t ki = 0; ki < w_.kh; ++ki) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            if (ih < 0 || ih >= H) continue;
            for (std::size_t kj = 0; kj < w_.kw; ++kj) {
              const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
              if (iw >= 0 && iw < W) f((c * in_.height + std::size_t(ih)) * in_.width + std::size_t(iw), k);
            }
          }
  }

  map_shape in_, out_;
  window2d w_;
  bool sum_;
  bool input_repeated_ = false;
};

template <bool sum>
layer_plan parse_pool(const nlohmann::json& j, const config_place& where, const layer_context& context) {
  constexpr const char* kind = sum ? "sumpool2d" : "avgpool2d";
  const config_object c(j, where, {"type", "kernel", "stride", "padding"});
  const map_shape in = input_map(c, context, kind);
  const window2d w = read_window(c, in, true);
  return layer_plan{kind, in.dims(), w.output(in, in.channels).dims(),
                    [=]<class T>(std::type_identity<T>, std::uint64_t) {
                      return std::make_unique<avgpool2d_layer<T>>(in, w, sum);
                    }};
}

}  // namespace

extern const layer_kind avgpool2d_layer_kind{
    .name = "avgpool2d",
    .summary = "the mean of each window of [C, H, W] maps, as PyTorch's AvgPool2d: \"kernel\", \"stride\" (default: the "
               "kernel), \"padding\" (default 0, counted as zeros; each a number or [h, w])",
    .parse = parse_pool<false>,
    .example = R"({"type": "avgpool2d", "kernel": [2, 3], "stride": 1, "padding": [1, 0]})",
    .example_input = {2, 4, 5}};

extern const layer_kind sumpool2d_layer_kind{
    .name = "sumpool2d",
    .summary = "the sum of each window of [C, H, W] maps (NIR's SumPool2d): keys as avgpool2d's",
    .parse = parse_pool<true>,
    .example = R"({"type": "sumpool2d", "kernel": 2})",
    .example_input = {2, 4, 4}};

}  // namespace norn
