// conv2d: each step's [C, H, W] map convolved (cross-correlated) into [O, H', W'], as
// PyTorch's Conv2d: weight [O, C, kh, kw], bias [O], both initialized uniform in
// ±1/√(C·kh·kw). Dense inputs go through one GEMM per block of rows (the rows' patches side
// by side); sparse ones (spikes: at most 10 % non-zero) are scattered, each input event
// adding its weights to the outputs it reaches. A static (repeated) input is convolved once.
#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/layers/grid.hpp>

#include <algorithm>
#include <cmath>
#include <omp.h>

namespace norn {

namespace {

/// Rows whose patches one GEMM takes together: about this many output positions.
constexpr std::size_t conv_columns_per_gemm = 1024;
/// Output channels are padded to a multiple of this for the scatter's vector loops.
constexpr std::size_t conv_lane_pad = 16;

class conv2d_layer final : public layer {
 public:
  conv2d_layer(map_shape in, std::size_t out_channels, window2d w, bool bias, std::uint64_t seed)
      : in_(in),
        out_(w.output(in, out_channels)),
        w_(w),
        patch_(in.channels * w.kh * w.kw),
        padded_((out_channels + conv_lane_pad - 1) / conv_lane_pad * conv_lane_pad),
        weight_(Eigen::Index(out_channels), Eigen::Index(patch_)),
        weight_grad_(matrix::Zero(Eigen::Index(out_channels), Eigen::Index(patch_))),
        bias_(vector::Zero(bias ? Eigen::Index(out_channels) : 0)),
        bias_grad_(vector::Zero(bias ? Eigen::Index(out_channels) : 0)) {
    const double bound = 1.0 / std::sqrt(double(patch_));
    std::uint64_t k = 0;
    for (Eigen::Index r = 0; r < weight_.rows(); ++r)
      for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k) weight_(r, c) = float((2.0 * uniform01(seed, k) - 1.0) * bound);
    for (Eigen::Index r = 0; r < bias_.size(); ++r, ++k) bias_(r) = float((2.0 * uniform01(seed, k) - 1.0) * bound);
  }

  std::string type() const override { return "conv2d"; }
  std::size_t in_features() const override { return in_.size(); }
  std::size_t out_features() const override { return out_.size(); }
  bool takes_repeated() const override { return true; }

  void forward(const sequence& x, sequence& y, bool keep) override {
    if (x.features() != in_features())
      fail("norn: conv2d layer expects {} input features ({}), got {}", in_features(), npy::shape_text(in_.dims()),
           x.features());
    const std::size_t rows = std::size_t(x.values.rows());
    if (x.repeated) y.reshape_repeated(x.steps, x.batch, out_features());
    else y.reshape(x.steps, x.batch, out_features());
    last_event_driven_ = sparse(x.values);
    if (last_event_driven_) forward_events(x.values, y.values, rows);
    else forward_dense(x.values, y.values, rows);
    if (keep) input_ = &x;
  }

  void backward(const sequence& dy_in, sequence* dx) override {
    // for a repeated (static) input, the gradient of its one convolution is the sum over steps
    sequence summed;
    if (input_->repeated && !dy_in.repeated) {
      summed.steps = dy_in.steps, summed.batch = dy_in.batch, summed.repeated = true;
      summed.values = sum_steps(dy_in);
    }
    const sequence& dy = summed.repeated ? summed : dy_in;
    const matrix& x = input_->values;
    const std::size_t rows = std::size_t(dy.values.rows()), O = out_.channels, P = out_.plane();
    if (dx) {
      if (dy.repeated) dx->reshape_repeated(dy.steps, dy.batch, in_features());
      else dx->reshape(dy.steps, dy.batch, in_features());
    }
    const std::size_t per = std::max<std::size_t>(1, conv_columns_per_gemm / P);
    const std::size_t chunks = (rows + per - 1) / per;
    const int threads = omp_get_max_threads();
    std::vector<matrix> grads(std::size_t(threads), matrix::Zero(weight_.rows(), weight_.cols()));
    std::vector<std::vector<float>> event_grads(last_event_driven_ ? std::size_t(threads) : 0);
#pragma omp parallel num_threads(threads)
    {
      const std::size_t me = std::size_t(omp_get_thread_num());
      matrix dY, patches, dpatches;
      std::vector<float> transposed(P * padded_);
      if (last_event_driven_) event_grads[me].assign(patch_ * padded_, 0.0f);
#pragma omp for schedule(static)
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
        const std::size_t r0 = chunk * per, n = std::min(per, rows - r0);
        dY.resize(Eigen::Index(O), Eigen::Index(n * P));
        for (std::size_t q = 0; q < n; ++q)
          for (std::size_t o = 0; o < O; ++o)
            dY.row(Eigen::Index(o)).segment(Eigen::Index(q * P), Eigen::Index(P)) =
                dy.values.row(Eigen::Index(r0 + q)).segment(Eigen::Index(o * P), Eigen::Index(P));
        if (last_event_driven_) {
          for (std::size_t q = 0; q < n; ++q)
            scatter_gradient(x.data() + (r0 + q) * in_.size(), dy.values.data() + (r0 + q) * out_.size(), transposed.data(),
                             event_grads[me].data());
        } else {
          patches.resize(Eigen::Index(patch_), Eigen::Index(n * P));
          for (std::size_t q = 0; q < n; ++q) im2col(x.data() + (r0 + q) * in_.size(), patches, q * P);
          grads[me].noalias() += dY * patches.transpose();
        }
        if (dx) {
          dpatches.noalias() = weight_.transpose() * dY;
          for (std::size_t q = 0; q < n; ++q) col2im(dpatches, q * P, dx->values.data() + (r0 + q) * in_.size());
        }
      }
    }
    // the threads' sums, in thread order
    for (std::size_t t = 0; t < grads.size(); ++t) {
      if (last_event_driven_) {
        for (std::size_t k = 0; k < patch_; ++k)
          for (std::size_t o = 0; o < O; ++o) weight_grad_(Eigen::Index(o), Eigen::Index(k)) += event_grads[t][k * padded_ + o];
      } else {
        weight_grad_ += grads[t];
      }
    }
    if (bias_.size())
      for (std::size_t o = 0; o < O; ++o)
        bias_grad_(Eigen::Index(o)) += dy.values.middleCols(Eigen::Index(o * P), Eigen::Index(P)).sum();
  }

  std::vector<parameter_ref> parameters() override {
    std::vector<parameter_ref> p;
    p.push_back({"weight", {out_.channels, in_.channels, w_.kh, w_.kw}, {weight_.data(), std::size_t(weight_.size())},
                 {weight_grad_.data(), std::size_t(weight_grad_.size())}});
    if (bias_.size())
      p.push_back({"bias", {std::size_t(bias_.size())}, {bias_.data(), std::size_t(bias_.size())},
                   {bias_grad_.data(), std::size_t(bias_grad_.size())}});
    return p;
  }

 private:
  /// Whether x is sparse enough for the scatter: at most 10 % non-zero.
  static bool sparse(const matrix& x) {
    std::size_t nonzero = 0;
    const float* v = x.data();
    const std::size_t n = std::size_t(x.size());
#pragma omp parallel for reduction(+ : nonzero) schedule(static)
    for (std::size_t k = 0; k < n; ++k) nonzero += v[k] != 0.0f;
    return nonzero * 10 <= n;
  }

  /// The patches of one input row as columns [first, first + P) of `patches` ([K, ·]):
  /// patches(k, first + p) = x[c, oh·sh − ph + ki, ow·sw − pw + kj], 0 in the padding.
  void im2col(const float* x, matrix& patches, std::size_t first) const {
    const std::size_t Ho = out_.height, Wo = out_.width;
    for (std::size_t c = 0, k = 0; c < in_.channels; ++c)
      for (std::size_t ki = 0; ki < w_.kh; ++ki)
        for (std::size_t kj = 0; kj < w_.kw; ++kj, ++k) {
          float* dst = patches.data() + k * std::size_t(patches.cols()) + first;
          for (std::size_t oh = 0; oh < Ho; ++oh) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            for (std::size_t ow = 0; ow < Wo; ++ow) {
              const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
              const bool inside = ih >= 0 && ih < std::ptrdiff_t(in_.height) && iw >= 0 && iw < std::ptrdiff_t(in_.width);
              dst[oh * Wo + ow] = inside ? x[(c * in_.height + std::size_t(ih)) * in_.width + std::size_t(iw)] : 0.0f;
            }
          }
        }
  }

  /// The adjoint of im2col: dx[c, ih, iw] = Σ of the patch entries that read it.
  void col2im(const matrix& dpatches, std::size_t first, float* dx) const {
    std::fill_n(dx, in_.size(), 0.0f);
    const std::size_t Ho = out_.height, Wo = out_.width;
    for (std::size_t c = 0, k = 0; c < in_.channels; ++c)
      for (std::size_t ki = 0; ki < w_.kh; ++ki)
        for (std::size_t kj = 0; kj < w_.kw; ++kj, ++k) {
          const float* src = dpatches.data() + k * std::size_t(dpatches.cols()) + first;
          for (std::size_t oh = 0; oh < Ho; ++oh) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            if (ih < 0 || ih >= std::ptrdiff_t(in_.height)) continue;
            for (std::size_t ow = 0; ow < Wo; ++ow) {
              const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
              if (iw >= 0 && iw < std::ptrdiff_t(in_.width))
                dx[(c * in_.height + std::size_t(ih)) * in_.width + std::size_t(iw)] += src[oh * Wo + ow];
            }
          }
        }
  }

  void forward_dense(const matrix& x, matrix& y, std::size_t rows) const {
    const std::size_t O = out_.channels, P = out_.plane();
    const std::size_t per = std::max<std::size_t>(1, conv_columns_per_gemm / P);
    const std::size_t chunks = (rows + per - 1) / per;
#pragma omp parallel
    {
      matrix patches, out;
#pragma omp for schedule(static)
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
        const std::size_t r0 = chunk * per, n = std::min(per, rows - r0);
        patches.resize(Eigen::Index(patch_), Eigen::Index(n * P));
        for (std::size_t q = 0; q < n; ++q) im2col(x.data() + (r0 + q) * in_.size(), patches, q * P);
        out.noalias() = weight_ * patches;
        for (std::size_t q = 0; q < n; ++q)
          for (std::size_t o = 0; o < O; ++o) {
            auto dst = y.row(Eigen::Index(r0 + q)).segment(Eigen::Index(o * P), Eigen::Index(P));
            dst = out.row(Eigen::Index(o)).segment(Eigen::Index(q * P), Eigen::Index(P));
            if (bias_.size()) dst.array() += bias_(Eigen::Index(o));
          }
      }
    }
  }

  /// Calls f(k, p) for every weight k = (c, ki, kj) and output position p an input at
  /// (c, ih, iw) reaches.
  template <class F>
  void reach(std::size_t c, std::size_t ih, std::size_t iw, F&& f) const {
    for (std::size_t ki = 0; ki < w_.kh; ++ki) {
      const std::ptrdiff_t th = std::ptrdiff_t(ih + w_.ph) - std::ptrdiff_t(ki);
      if (th < 0 || std::size_t(th) % w_.sh) continue;
      const std::size_t oh = std::size_t(th) / w_.sh;
      if (oh >= out_.height) continue;
      for (std::size_t kj = 0; kj < w_.kw; ++kj) {
        const std::ptrdiff_t tw = std::ptrdiff_t(iw + w_.pw) - std::ptrdiff_t(kj);
        if (tw < 0 || std::size_t(tw) % w_.sw) continue;
        const std::size_t ow = std::size_t(tw) / w_.sw;
        if (ow >= out_.width) continue;
        f((c * w_.kh + ki) * w_.kw + kj, oh * out_.width + ow);
      }
    }
  }

  void forward_events(const matrix& x, matrix& y, std::size_t rows) {
    // the weights as [K][O padded]: the weights one event adds at one position are contiguous
    const std::size_t O = out_.channels, P = out_.plane(), Op = padded_;
    packed_.assign(patch_ * Op, 0.0f);
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t k = 0; k < patch_; ++k) packed_[k * Op + o] = weight_(Eigen::Index(o), Eigen::Index(k));
#pragma omp parallel
    {
      std::vector<float> acc(P * Op);  // one row's output, position-major
#pragma omp for schedule(static)
      for (std::size_t r = 0; r < rows; ++r) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        const float* xr = x.data() + r * in_.size();
        for (std::size_t c = 0, i = 0; c < in_.channels; ++c)
          for (std::size_t ih = 0; ih < in_.height; ++ih)
            for (std::size_t iw = 0; iw < in_.width; ++iw, ++i) {
              const float v = xr[i];
              if (v == 0.0f) continue;
              reach(c, ih, iw, [&](std::size_t k, std::size_t p) {
                float* __restrict a = acc.data() + p * Op;
                const float* __restrict w = packed_.data() + k * Op;
#pragma omp simd
                for (std::size_t o = 0; o < Op; ++o) a[o] += v * w[o];
              });
            }
        float* yr = y.data() + r * out_.size();
        for (std::size_t o = 0; o < O; ++o) {
          const float b = bias_.size() ? bias_(Eigen::Index(o)) : 0.0f;
          for (std::size_t p = 0; p < P; ++p) yr[o * P + p] = acc[p * Op + o] + b;
        }
      }
    }
  }

  /// Adds one row's weight gradient over its input events: g[k][o] += x · dy[o, p].
  void scatter_gradient(const float* xr, const float* dyr, float* transposed, float* g) const {
    const std::size_t O = out_.channels, P = out_.plane(), Op = padded_;
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t p = 0; p < P; ++p) transposed[p * Op + o] = dyr[o * P + p];
    for (std::size_t c = 0, i = 0; c < in_.channels; ++c)
      for (std::size_t ih = 0; ih < in_.height; ++ih)
        for (std::size_t iw = 0; iw < in_.width; ++iw, ++i) {
          const float v = xr[i];
          if (v == 0.0f) continue;
          reach(c, ih, iw, [&](std::size_t k, std::size_t p) {
            float* __restrict a = g + k * Op;
            const float* __restrict d = transposed + p * Op;
#pragma omp simd
            for (std::size_t o = 0; o < Op; ++o) a[o] += v * d[o];
          });
        }
  }

  map_shape in_, out_;
  window2d w_;
  std::size_t patch_, padded_;  // K = C·kh·kw; output channels padded for the scatter
  matrix weight_, weight_grad_;
  vector bias_, bias_grad_;
  std::vector<float> packed_;
  bool last_event_driven_ = false;
  const sequence* input_ = nullptr;  // the last kept forward's input
};

}  // namespace

extern const layer_kind conv2d_layer_kind{
    .name = "conv2d",
    .summary = "2-D convolution of [C, H, W] maps, as PyTorch's Conv2d: \"in_channels\", \"out_channels\", \"kernel\", "
               "\"stride\" (default 1), \"padding\" (default 0; each a number or [h, w]), \"bias\" (default true)",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type", "in_channels", "out_channels", "kernel", "stride", "padding", "bias"});
      const map_shape in = input_map(c, context, "conv2d");
      if (c.has("in_channels") && *c.count("in_channels") != in.channels)
        c.place("in_channels").error("{} channels, but the input {} has {}", *c.count("in_channels"),
                                     npy::shape_text(in.dims()), in.channels);
      const auto out = c.count("out_channels");
      if (!out) c.error("a conv2d layer needs \"out_channels\"");
      const window2d w = read_window(c, in, false);
      const bool bias = c.boolean("bias", true);
      return layer_plan{"conv2d", in.dims(), w.output(in, *out).dims(), [=](std::uint64_t seed) -> std::unique_ptr<layer> {
                          return std::make_unique<conv2d_layer>(in, *out, w, bias, seed);
                        }};
    },
    .example = R"({"type": "conv2d", "in_channels": 2, "out_channels": 3, "kernel": 3, "padding": 1, "stride": [1, 2]})",
    .example_input = {2, 4, 5}};

}  // namespace norn
