// conv2d: each step's [C, H, W] map convolved (cross-correlated) into [O, H', W'], as
// PyTorch's Conv2d: weight [O, C, kh, kw], bias [O], both initialized uniform in
// ±1/√(C·kh·kw). Dense inputs go through one GEMM per block of rows (the rows' patches side
// by side); sparse ones (spikes) from their events, with sums kept in registers: each output
// position adds the weights of the events in its window, each weight the output gradients
// its events reached. The path is chosen per batch from the measured density; the input
// gradient is always a GEMM (a sparse one from max pooling's gradient gained at most 7 %).
// A static (repeated) input is convolved once.
#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/layers/grid.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <omp.h>

namespace norn {

namespace {

/// Rows whose patches one GEMM takes together: about this many output positions.
constexpr std::size_t conv_columns_per_gemm = 1024;
/// Inputs at most this dense are convolved from their events (measured on the shape of
/// MNIST's second convolution, [12, 12, 12] → 64 × 5 × 5, T·B = 3,200 rows, 2 threads:
/// events take 30 / 43 / 65 ms for the forward at 2 / 5 / 10 % density, the GEMM 73 ms;
/// the weight gradient gains less). Above it, the GEMM.
constexpr double conv_event_density = 0.08;

/// Sixteen floats: one AVX-512 register, or two AVX2 ones (GCC vector extension).
using conv_lanes = float __attribute__((vector_size(64)));
constexpr std::size_t conv_width = 16;
inline conv_lanes conv_load(const float* p) {
  conv_lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void conv_store(float* p, conv_lanes v) { std::memcpy(p, &v, sizeof v); }

/// The fraction of non-zero entries of m.
double density(const matrix& m) {
  std::size_t nonzero = 0;
  const float* v = m.data();
  const std::size_t n = std::size_t(m.size());
#pragma omp parallel for reduction(+ : nonzero) schedule(static)
  for (std::size_t k = 0; k < n; ++k) nonzero += v[k] != 0.0f;
  return n ? double(nonzero) / double(n) : 0.0;
}

/// Calls f(std::integral_constant<int, n>) for a run-time n in 1 … 8, so that kernels keep
/// n registers of sums.
template <class F>
void with_registers(std::size_t n, F&& f) {
  switch (n) {
    case 1: return f(std::integral_constant<int, 1>{});
    case 2: return f(std::integral_constant<int, 2>{});
    case 3: return f(std::integral_constant<int, 3>{});
    case 4: return f(std::integral_constant<int, 4>{});
    case 5: return f(std::integral_constant<int, 5>{});
    case 6: return f(std::integral_constant<int, 6>{});
    case 7: return f(std::integral_constant<int, 7>{});
    default: return f(std::integral_constant<int, 8>{});
  }
}

/// Computing in T; the event kernels are float32 only (a float64 layer takes the GEMMs).
template <class T>
class conv2d_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;
  using typename basic_layer<T>::matrix;
  using typename basic_layer<T>::vector;
  using typename basic_layer<T>::parameter_ref;

  conv2d_layer(map_shape in, std::size_t out_channels, window2d w, bool bias, std::uint64_t seed)
      : in_(in),
        out_(w.output(in, out_channels)),
        w_(w),
        patch_(in.channels * w.kh * w.kw),
        padded_((out_channels + conv_width - 1) / conv_width * conv_width),
        weight_(Eigen::Index(out_channels), Eigen::Index(patch_)),
        weight_grad_(matrix::Zero(Eigen::Index(out_channels), Eigen::Index(patch_))),
        bias_(vector::Zero(bias ? Eigen::Index(out_channels) : 0)),
        bias_grad_(vector::Zero(bias ? Eigen::Index(out_channels) : 0)),
        // the event kernels find a row's events in one 64-bit word per input row
        events_fit_(in.width + w.pw <= 64 && w.kw <= 64) {
    const double bound = 1.0 / std::sqrt(double(patch_));
    std::uint64_t k = 0;
    for (Eigen::Index r = 0; r < weight_.rows(); ++r)
      for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k) weight_(r, c) = T(float((2.0 * uniform01(seed, k) - 1.0) * bound));
    for (Eigen::Index r = 0; r < bias_.size(); ++r, ++k) bias_(r) = T(float((2.0 * uniform01(seed, k) - 1.0) * bound));
  }

  std::string type() const override { return "conv2d"; }
  std::size_t in_features() const override { return in_.size(); }
  std::size_t out_features() const override { return out_.size(); }
  bool takes_repeated() const override { return true; }

  void forward(const sequence& x, sequence& y, bool keep) override {
    check_map_input("conv2d", x, in_);
    const std::size_t rows = std::size_t(x.values.rows());
    reshape_like(x, y, this->out_features());
    if constexpr (std::is_same_v<T, float>) {
      last_event_driven_ = events_fit_ && density(x.values) <= conv_event_density;
      if (last_event_driven_) {
        forward_events(x.values, y.values, rows);
        if (keep) input_ = &x;
        return;
      }
    }
    forward_dense(x.values, y.values, rows);
    if (keep) input_ = &x;
  }

  void backward(const sequence& dy_in, sequence* dx) override {
    // for a repeated (static) input, the gradient of its one convolution is the sum over steps
    sequence summed;
    const sequence& dy = gradient_for_input(input_->repeated, dy_in, summed);
    const matrix& x = input_->values;
    const std::size_t rows = std::size_t(dy.values.rows()), O = out_.channels, P = out_.plane();
    if (dx) {
      reshape_like(dy, *dx, this->in_features());
    }
    const bool dense_dw = !last_event_driven_;
    const std::size_t per = std::max<std::size_t>(1, conv_columns_per_gemm / P);
    const std::size_t chunks = (rows + per - 1) / per;
    const int threads = omp_get_max_threads();
    std::vector<matrix> grads(dense_dw ? std::size_t(threads) : 0);
    std::vector<std::vector<float>> event_grads(dense_dw ? 0 : std::size_t(threads));
#pragma omp parallel num_threads(threads)
    {
      const std::size_t me = std::size_t(omp_get_thread_num());
      matrix dY, patches, dpatches;
      scratch s;
      if (dense_dw) grads[me] = matrix::Zero(weight_.rows(), weight_.cols());
      else event_grads[me].assign(patch_ * padded_, 0.0f);
#pragma omp for schedule(static)
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
        const std::size_t r0 = chunk * per, n = std::min(per, rows - r0);
        if (dense_dw || dx) {
          dY.resize(Eigen::Index(O), Eigen::Index(n * P));
          for (std::size_t q = 0; q < n; ++q)
            for (std::size_t o = 0; o < O; ++o)
              std::copy_n(dy.values.data() + (r0 + q) * out_.size() + o * P, P, dY.data() + o * n * P + q * P);
        }
        if (dense_dw) {
          patches.resize(Eigen::Index(patch_), Eigen::Index(n * P));
          for (std::size_t q = 0; q < n; ++q) im2col(x.data() + (r0 + q) * in_.size(), patches, q * P);
          grads[me].noalias() += dY * patches.transpose();
        } else if constexpr (std::is_same_v<T, float>) {
          for (std::size_t q = 0; q < n; ++q)
            weight_gradient_events(x.data() + (r0 + q) * in_.size(), dy.values.data() + (r0 + q) * out_.size(), s,
                                   event_grads[me].data());
        }
        if (dx) {
          dpatches.noalias() = weight_.transpose() * dY;
          for (std::size_t q = 0; q < n; ++q) col2im(dpatches, q * P, dx->values.data() + (r0 + q) * in_.size());
        }
      }
    }
    // the threads' sums, in thread order
    for (std::size_t t = 0; t < std::size_t(threads); ++t) {
      if (dense_dw) {
        weight_grad_ += grads[t];
      } else {
        for (std::size_t o = 0; o < O; ++o)
          for (std::size_t k = 0; k < patch_; ++k) weight_grad_(Eigen::Index(o), Eigen::Index(k)) += event_grads[t][k * padded_ + o];
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
  /// One thread's working memory for the event kernels.
  struct scratch {
    std::vector<std::uint64_t> mask;       // per (c, ih): bit iw + pw set when x[c, ih, iw] ≠ 0
    std::vector<float> tile;               // [P][channel block] sums, position-major
    std::vector<float> transposed;         // dy of one row as [P][O padded]
    std::vector<std::uint32_t> event_at;   // one row's events: flat input index, by channel
    std::vector<std::uint32_t> event_start;
  };

  /// For stride 1 and kernel column kj: the outputs [lo, hi) whose input column ow + kj − pw
  /// lies inside the map.
  std::pair<std::size_t, std::size_t> inside(std::size_t kj) const {
    const std::size_t lo = w_.pw > kj ? w_.pw - kj : 0;
    const std::size_t hi = in_.width + w_.pw > kj ? std::min(out_.width, in_.width + w_.pw - kj) : 0;
    return {std::min(lo, hi), hi};
  }

  /// The patches of one input row as columns [first, first + P) of `patches` ([K, ·]):
  /// patches(k, first + p) = x[c, oh·sh − ph + ki, ow·sw − pw + kj], 0 in the padding.
  void im2col(const T* x, matrix& patches, std::size_t first) const {
    const std::size_t Ho = out_.height, Wo = out_.width;
    for (std::size_t c = 0, k = 0; c < in_.channels; ++c)
      for (std::size_t ki = 0; ki < w_.kh; ++ki)
        for (std::size_t kj = 0; kj < w_.kw; ++kj, ++k) {
          T* dst = patches.data() + k * std::size_t(patches.cols()) + first;
          for (std::size_t oh = 0; oh < Ho; ++oh) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            T* d = dst + oh * Wo;
            if (ih < 0 || ih >= std::ptrdiff_t(in_.height)) {
              std::fill_n(d, Wo, T(0));
              continue;
            }
            const T* src = x + (c * in_.height + std::size_t(ih)) * in_.width;
            if (w_.sw == 1) {  // a contiguous run of the input row, zeros either side
              const auto [lo, hi] = inside(kj);
              std::fill_n(d, lo, T(0));
              std::copy(src + lo + kj - w_.pw, src + hi + kj - w_.pw, d + lo);
              std::fill(d + hi, d + Wo, T(0));
              continue;
            }
            for (std::size_t ow = 0; ow < Wo; ++ow) {
              const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
              d[ow] = iw >= 0 && iw < std::ptrdiff_t(in_.width) ? src[iw] : T(0);
            }
          }
        }
  }

  /// The adjoint of im2col: dx[c, ih, iw] = Σ of the patch entries that read it.
  void col2im(const matrix& dpatches, std::size_t first, T* dx) const {
    std::fill_n(dx, in_.size(), T(0));
    const std::size_t Ho = out_.height, Wo = out_.width;
    for (std::size_t c = 0, k = 0; c < in_.channels; ++c)
      for (std::size_t ki = 0; ki < w_.kh; ++ki)
        for (std::size_t kj = 0; kj < w_.kw; ++kj, ++k) {
          const T* src = dpatches.data() + k * std::size_t(dpatches.cols()) + first;
          for (std::size_t oh = 0; oh < Ho; ++oh) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            if (ih < 0 || ih >= std::ptrdiff_t(in_.height)) continue;
            T* d = dx + (c * in_.height + std::size_t(ih)) * in_.width;
            if (w_.sw == 1) {
              const auto [lo, hi] = inside(kj);
              T* dd = d + kj - w_.pw;  // dd[ow] is the input ow + kj − pw, for ow in [lo, hi)
              const T* ss = src + oh * Wo;
              for (std::size_t ow = lo; ow < hi; ++ow) dd[ow] += ss[ow];
              continue;
            }
            for (std::size_t ow = 0; ow < Wo; ++ow) {
              const std::ptrdiff_t iw = std::ptrdiff_t(ow * w_.sw + kj) - std::ptrdiff_t(w_.pw);
              if (iw >= 0 && iw < std::ptrdiff_t(in_.width)) d[iw] += src[oh * Wo + ow];
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
            const T b = bias_.size() ? bias_(Eigen::Index(o)) : T(0);
            const T* src = out.data() + o * n * P + q * P;
            T* dst = y.data() + (r0 + q) * out_.size() + o * P;
            for (std::size_t p = 0; p < P; ++p) dst[p] = src[p] + b;
          }
      }
    }
  }

  /// Marks one row's events: mask[c·H + ih] has bit iw + pw set when x[c, ih, iw] ≠ 0.
  void mark(const float* xr, std::vector<std::uint64_t>& mask) const {
    mask.assign(in_.channels * in_.height, 0);
    for (std::size_t r = 0; r < mask.size(); ++r) {
      const float* row = xr + r * in_.width;
      std::uint64_t m = 0;
      for (std::size_t iw = 0; iw < in_.width; ++iw) m |= std::uint64_t(row[iw] != 0.0f) << (iw + w_.pw);
      mask[r] = m;
    }
  }

  /// Output-stationary convolution of one row from its events: for each output position,
  /// the sums of a block of NV·16 channels stay in registers while the weights of each
  /// input event in its window are added.
  template <int NV>
  void forward_block(const float* xr, const scratch& s, std::size_t o0, float* tile) const {
    const std::uint64_t kmask = w_.kw == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << w_.kw) - 1;
    const std::size_t Op = padded_;
    for (std::size_t oh = 0, p = 0; oh < out_.height; ++oh)
      for (std::size_t ow = 0; ow < out_.width; ++ow, ++p) {
        conv_lanes acc[NV] = {};
        for (std::size_t c = 0; c < in_.channels; ++c)
          for (std::size_t ki = 0; ki < w_.kh; ++ki) {
            const std::ptrdiff_t ih = std::ptrdiff_t(oh * w_.sh + ki) - std::ptrdiff_t(w_.ph);
            if (ih < 0 || ih >= std::ptrdiff_t(in_.height)) continue;
            std::uint64_t bits = (s.mask[c * in_.height + std::size_t(ih)] >> (ow * w_.sw)) & kmask;
            const float* row = xr + (c * in_.height + std::size_t(ih)) * in_.width + ow * w_.sw - w_.pw;
            const float* wk = packed_.data() + ((c * w_.kh + ki) * w_.kw) * Op + o0;
            while (bits) {
              const std::size_t kj = std::size_t(__builtin_ctzll(bits));
              bits &= bits - 1;
              const float v = row[kj];
              const float* wv = wk + kj * Op;
              for (int j = 0; j < NV; ++j) acc[j] += v * conv_load(wv + conv_width * std::size_t(j));
            }
          }
        for (int j = 0; j < NV; ++j) conv_store(tile + p * 8 * conv_width + conv_width * std::size_t(j), acc[j]);
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
      scratch s;
      s.tile.resize(P * 8 * conv_width);
#pragma omp for schedule(static)
      for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x.data() + r * in_.size();
        float* yr = y.data() + r * out_.size();
        mark(xr, s.mask);
        for (std::size_t o0 = 0; o0 < Op; o0 += 8 * conv_width) {
          const std::size_t nv = std::min<std::size_t>(8, (Op - o0) / conv_width);
          with_registers(nv, [&](auto n) { forward_block<decltype(n)::value>(xr, s, o0, s.tile.data()); });
          for (std::size_t o = o0; o < std::min(O, o0 + 8 * conv_width); ++o) {
            const float b = bias_.size() ? bias_(Eigen::Index(o)) : 0.0f;
            for (std::size_t p = 0; p < P; ++p) yr[o * P + p] = s.tile[p * 8 * conv_width + (o - o0)] + b;
          }
        }
      }
    }
  }

  /// Adds one row's weight gradient from its input events: g[k][o] += Σ_p x · dy[o, p], the
  /// sums of a block of channels in registers while the events of one channel pass.
  void weight_gradient_events(const float* xr, const float* dyr, scratch& s, float* g) const {
    const std::size_t O = out_.channels, P = out_.plane(), Op = padded_;
    s.transposed.assign(P * Op, 0.0f);
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t p = 0; p < P; ++p) s.transposed[p * Op + o] = dyr[o * P + p];
    s.event_at.clear();
    s.event_start.assign(1, 0);
    for (std::size_t c = 0; c < in_.channels; ++c) {
      for (std::size_t i = c * in_.plane(); i < (c + 1) * in_.plane(); ++i)
        if (xr[i] != 0.0f) s.event_at.push_back(std::uint32_t(i));
      s.event_start.push_back(std::uint32_t(s.event_at.size()));
    }
    for (std::size_t o0 = 0; o0 < Op; o0 += 8 * conv_width) {
      const std::size_t nv = std::min<std::size_t>(8, (Op - o0) / conv_width);
      with_registers(nv, [&](auto n) {
        constexpr int NV = decltype(n)::value;
        for (std::size_t c = 0, k = 0; c < in_.channels; ++c)
          for (std::size_t ki = 0; ki < w_.kh; ++ki)
            for (std::size_t kj = 0; kj < w_.kw; ++kj, ++k) {
              conv_lanes acc[NV] = {};
              for (std::uint32_t e = s.event_start[c]; e < s.event_start[c + 1]; ++e) {
                const std::size_t i = s.event_at[e] - c * in_.plane(), ih = i / in_.width, iw = i % in_.width;
                const std::ptrdiff_t th = std::ptrdiff_t(ih + w_.ph) - std::ptrdiff_t(ki);
                const std::ptrdiff_t tw = std::ptrdiff_t(iw + w_.pw) - std::ptrdiff_t(kj);
                if (th < 0 || tw < 0 || std::size_t(th) % w_.sh || std::size_t(tw) % w_.sw) continue;
                const std::size_t oh = std::size_t(th) / w_.sh, ow = std::size_t(tw) / w_.sw;
                if (oh >= out_.height || ow >= out_.width) continue;
                const float v = xr[s.event_at[e]];
                const float* d = s.transposed.data() + (oh * out_.width + ow) * Op + o0;
                for (int j = 0; j < NV; ++j) acc[j] += v * conv_load(d + conv_width * std::size_t(j));
              }
              float* gk = g + k * Op + o0;
              for (int j = 0; j < NV; ++j)
                conv_store(gk + conv_width * std::size_t(j), conv_load(gk + conv_width * std::size_t(j)) + acc[j]);
            }
      });
    }
  }

  map_shape in_, out_;
  window2d w_;
  std::size_t patch_, padded_;  // K = C·kh·kw; O padded to whole registers
  matrix weight_, weight_grad_;
  vector bias_, bias_grad_;
  bool events_fit_;
  std::vector<float> packed_;  // the weights as [K][O padded]
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
      return layer_plan{"conv2d", in.dims(), w.output(in, *out).dims(),
                        [=]<class T>(std::type_identity<T>, std::uint64_t seed) {
                          return std::make_unique<conv2d_layer<T>>(in, *out, w, bias, seed);
                        },
                        double(*out) * double(in.channels * w.kh * w.kw + 1)};
    },
    .example = R"({"type": "conv2d", "in_channels": 2, "out_channels": 3, "kernel": 3, "padding": 1, "stride": [1, 2]})",
    .example_input = {2, 4, 5}};

}  // namespace norn
