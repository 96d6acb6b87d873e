#include <runtime/train/layers/linear.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/layer_kind.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#ifdef __AVX2__
#include <immintrin.h>
#endif
#include <omp.h>

namespace norn {

namespace {

/// Output columns per block of the event-driven products: the block of one row fits in the
/// registers (4 AVX2 vectors), and a block of Wᵀ (in × 32 floats, 128 KB for in = 1,000)
/// stays in a core's L2 cache while every row's events add into it.
constexpr Eigen::Index block_width = 32;

/// Eight floats in one AVX2 register (GCC vector extension: plain C++ arithmetic on it).
using lanes = float __attribute__((vector_size(32)));
inline lanes load(const float* p) {
  lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, lanes v) { std::memcpy(p, &v, sizeof v); }

}  // namespace

template <class T>
bool linear_layer<T>::events::gather(const matrix_of<float>& x, double max_density) {
  const std::size_t rows = std::size_t(x.rows()), cols = std::size_t(x.cols());
  const std::size_t limit = std::size_t(max_density * double(rows * cols)) + 1;
  // each thread gathers a contiguous range of rows; the parts are then joined in order
  const std::size_t parts = std::size_t(omp_get_max_threads());
  per_thread.resize(parts);
  row_start.assign(rows + 1, 0);
  bool dense = false;
#pragma omp parallel num_threads(int(parts))
  {
    const std::size_t me = std::size_t(omp_get_thread_num());
    const std::size_t r0 = rows * me / parts, r1 = rows * (me + 1) / parts;
    auto& col = per_thread[me].column;
    auto& val = per_thread[me].value;
    col.clear();
    val.clear();
    const std::size_t my_limit = limit / parts + 1;
    for (std::size_t r = r0; r < r1; ++r) {
      const float* row = x.data() + r * cols;
      std::size_t c = 0;
#ifdef __AVX2__
      // eight at a time: a mask of the non-zero lanes, then one step per set bit
      const __m256 zero = _mm256_setzero_ps();
      for (; c + 8 <= cols; c += 8) {
        unsigned mask = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + c), zero, _CMP_NEQ_UQ)));
        while (mask) {
          const unsigned k = unsigned(__builtin_ctz(mask));
          col.push_back(std::uint32_t(c + k));
          val.push_back(row[c + k]);
          mask &= mask - 1;
        }
      }
#endif
      for (; c < cols; ++c)
        if (row[c] != 0.0f) col.push_back(std::uint32_t(c)), val.push_back(row[c]);
      row_start[r + 1] = std::uint32_t(col.size());  // counted within the part; offset below
      if (col.size() > my_limit) {
#pragma omp atomic write
        dense = true;
        break;
      }
    }
  }
  if (dense) return false;
  column.clear();
  value.clear();
  for (std::size_t p = 0; p < parts; ++p) {
    const std::size_t r0 = rows * p / parts, r1 = rows * (p + 1) / parts;
    const std::uint32_t base = std::uint32_t(column.size());
    for (std::size_t r = r0; r < r1; ++r) row_start[r + 1] += base;
    column.insert(column.end(), per_thread[p].column.begin(), per_thread[p].column.end());
    value.insert(value.end(), per_thread[p].value.begin(), per_thread[p].value.end());
  }
  binary = std::all_of(value.begin(), value.end(), [](float v) { return v == 1.0f; });
  return true;
}

template <class T>
std::string linear_layer<T>::type() const {
  return "linear";
}

template <class T>
linear_layer<T>::linear_layer(std::size_t in, std::size_t out, bool bias, std::uint64_t seed, double init_std)
    : weight_(Eigen::Index(out), Eigen::Index(in)),
      weight_grad_(matrix::Zero(Eigen::Index(out), Eigen::Index(in))),
      bias_(vector::Zero(bias ? Eigen::Index(out) : 0)),
      bias_grad_(vector::Zero(bias ? Eigen::Index(out) : 0)),
      has_bias_(bias) {
  const double bound = 1.0 / std::sqrt(double(in));
  std::uint64_t k = 0;
  for (Eigen::Index r = 0; r < weight_.rows(); ++r)
    for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k)
      weight_(r, c) = init_std > 0 ? T(float(init_std * normal01(seed, k)))
                                   : T(float((2.0 * uniform01(seed, k) - 1.0) * bound));
  // a float64 layer starts from the float32 layer's values, so that both precisions train
  // the same network
  for (Eigen::Index r = 0; r < bias_.size(); ++r, ++k) bias_(r) = T(float((2.0 * uniform01(seed, k) - 1.0) * bound));
}

template <class T>
void linear_layer<T>::forward(const sequence& x, sequence& y, bool keep) {
  if (x.features() != in_features())
    fail("norn: linear layer expects {} input features, got {}", in_features(), x.features());
  y.steps = x.steps;
  y.batch = x.batch;
  y.repeated = x.repeated;  // a static input's product is computed once, not once per step
  // a narrow layer (a readout of ≤ 32 outputs) saves too little per skipped zero to pay for
  // finding the events: MNIST fc's 1,000 → 10 readout took 2.2 ms per batch from its events,
  // 0.9 ms by the GEMM
  if constexpr (std::is_same_v<T, float>)
    last_event_driven_ = event_driven_ && weight_.rows() > block_width && events_.gather(x.values, sparse_density_);
  if (last_event_driven_) {
    y.values.resize(x.values.rows(), weight_.rows());
    forward_events(x, y);
  }
  else {
    y.values.noalias() = x.values * weight_.transpose();
    if (has_bias_) y.values.rowwise() += bias_.transpose();
  }
  if (keep) input_ = &x;
}

template <>
void linear_layer<float>::forward_events(const sequence& x, sequence& y) {
  (void)x;
  const events& e = events_;  // gathered from x by forward()
  const Eigen::Index rows = y.values.rows(), out = weight_.rows(), in = weight_.cols();
  const Eigen::Index blocks = (out + block_width - 1) / block_width;
  pack_weights();
  float* Y = y.values.data();
  const float* b = has_bias_ ? bias_.data() : nullptr;
  const bool binary = e.binary;
  // For each panel, every row starts from the bias and adds the weights of its events, in
  // four AVX2 registers; spikes (every event 1) skip the multiplication.
#pragma omp parallel
  for (Eigen::Index p = 0; p < blocks; ++p) {
    const Eigen::Index c0 = p * block_width, width = std::min(block_width, out - c0);
    const float* panel = packed_.data() + p * in * block_width;
    alignas(32) float start[block_width] = {};
    if (b)
      for (Eigen::Index c = 0; c < width; ++c) start[c] = b[c0 + c];
#pragma omp for schedule(static) nowait
    for (Eigen::Index r = 0; r < rows; ++r) {
      const std::uint32_t k0 = e.row_start[std::size_t(r)], k1 = e.row_start[std::size_t(r) + 1];
      lanes a[4];
      for (int q = 0; q < 4; ++q) a[q] = load(start + 8 * q);
      for (std::uint32_t k = k0; k < k1; ++k) {
        const float* w = panel + Eigen::Index(e.column[k]) * block_width;
        if (binary) {
          for (int q = 0; q < 4; ++q) a[q] += load(w + 8 * q);
        } else {
          const float v = e.value[k];
          for (int q = 0; q < 4; ++q) a[q] += v * load(w + 8 * q);
        }
      }
      float* yr = Y + r * out + c0;
      if (width == block_width) {
        for (int q = 0; q < 4; ++q) store(yr + 8 * q, a[q]);
      } else {
        alignas(32) float tail[block_width];
        for (int q = 0; q < 4; ++q) store(tail + 8 * q, a[q]);
        std::copy_n(tail, width, yr);
      }
    }
  }
}

template <>
void linear_layer<float>::pack_weights() {
  // Wᵀ packed in panels of 32 columns: panel p holds, for each input j, the weights of
  // outputs 32p … 32p + 31 (zero-padded), so the weights an event adds are 128 contiguous
  // bytes and a panel is one contiguous stretch of memory (cache- and TLB-friendly).
  const Eigen::Index out = weight_.rows(), in = weight_.cols();
  const Eigen::Index blocks = (out + block_width - 1) / block_width;
  packed_.resize(std::size_t(blocks * in * block_width));
#pragma omp parallel for schedule(static)
  for (Eigen::Index p = 0; p < blocks; ++p)
    for (Eigen::Index j = 0; j < in; ++j)
      for (Eigen::Index c = 0; c < block_width; ++c) {
        const Eigen::Index o = p * block_width + c;
        packed_[std::size_t((p * in + j) * block_width + c)] = o < out ? weight_(o, j) : 0.0f;
      }
}

template <>
const current_source* linear_layer<float>::output_source(const sequence& x) {
  if (x.features() != in_features())
    fail("norn: linear layer expects {} input features, got {}", in_features(), x.features());
  if (!event_driven_ || weight_.rows() <= block_width || !events_.gather(x.values, sparse_density_)) return nullptr;
  pack_weights();
  last_event_driven_ = false;  // nothing kept for a backward
  return this;
}

template <>
const float* linear_layer<float>::currents(std::size_t row, std::size_t n0, std::size_t width, float* scratch) const {
  const events& e = events_;
  const Eigen::Index out = weight_.rows(), in = weight_.cols();
  const std::uint32_t k0 = e.row_start[row], k1 = e.row_start[row + 1];
  for (std::size_t c0 = n0; c0 < n0 + width; c0 += std::size_t(block_width)) {
    const Eigen::Index p = Eigen::Index(c0) / block_width;
    const float* panel = packed_.data() + p * in * block_width;
    lanes a[4];
    if (has_bias_ && Eigen::Index(c0) + block_width <= out) {
      for (int q = 0; q < 4; ++q) a[q] = load(bias_.data() + c0 + 8 * q);
    } else {
      alignas(32) float start[block_width] = {};
      if (has_bias_)
        for (Eigen::Index c = 0; c < block_width && Eigen::Index(c0) + c < out; ++c) start[c] = bias_(Eigen::Index(c0) + c);
      for (int q = 0; q < 4; ++q) a[q] = load(start + 8 * q);
    }
    for (std::uint32_t k = k0; k < k1; ++k) {
      const float* w = panel + Eigen::Index(e.column[k]) * block_width;
      if (e.binary) {
        for (int q = 0; q < 4; ++q) a[q] += load(w + 8 * q);
      } else {
        const float v = e.value[k];
        for (int q = 0; q < 4; ++q) a[q] += v * load(w + 8 * q);
      }
    }
    // the tile holds at most 64 neurons, a multiple of the panel width apart from the last
    alignas(32) float block[block_width];
    for (int q = 0; q < 4; ++q) store(block + 8 * q, a[q]);
    std::copy_n(block, std::min(std::size_t(block_width), n0 + width - c0), scratch + (c0 - n0));
  }
  return scratch;
}

// float64: no event-driven products (forward() never takes them)
template <>
void linear_layer<double>::forward_events(const sequence&, sequence&) {}
template <>
void linear_layer<double>::pack_weights() {}
template <>
const basic_current_source<double>* linear_layer<double>::output_source(const sequence& x) {
  if (x.features() != in_features())
    fail("norn: linear layer expects {} input features, got {}", in_features(), x.features());
  return nullptr;
}
template <>
const double* linear_layer<double>::currents(std::size_t, std::size_t, std::size_t, double* scratch) const {
  return scratch;  // never asked: output_source() gives no source
}

template <>
void linear_layer<float>::weight_gradient_events(const sequence& dy) {
  // dWᵀ[j] += x_rj dy_r over the events (r, j), accumulated in panels of 32 columns;
  // each thread owns whole panels, so every sum runs over r in the same order whatever
  // the thread count
  const events& e = events_;  // gathered by the forward from the same input
  const Eigen::Index rows = dy.values.rows(), out = weight_.rows(), in = weight_.cols();
  const Eigen::Index blocks = (out + block_width - 1) / block_width;
  packed_grad_.assign(std::size_t(blocks * in * block_width), 0.0f);
  const float* D = dy.values.data();
  const bool binary = e.binary;
#pragma omp parallel for schedule(static)
  for (Eigen::Index p = 0; p < blocks; ++p) {
    const Eigen::Index c0 = p * block_width, width = std::min(block_width, out - c0);
    float* panel = packed_grad_.data() + p * in * block_width;
    for (Eigen::Index r = 0; r < rows; ++r) {
      alignas(32) float d[block_width] = {};
      std::copy_n(D + r * out + c0, width, d);
      lanes g[4];
      for (int q = 0; q < 4; ++q) g[q] = load(d + 8 * q);
      for (std::uint32_t k = e.row_start[std::size_t(r)]; k < e.row_start[std::size_t(r) + 1]; ++k) {
        float* w = panel + Eigen::Index(e.column[k]) * block_width;
        const float v = binary ? 1.0f : e.value[k];
        for (int q = 0; q < 4; ++q) store(w + 8 * q, load(w + 8 * q) + v * g[q]);
      }
    }
  }
#pragma omp parallel for schedule(static)
  for (Eigen::Index o = 0; o < out; ++o) {
    const Eigen::Index p = o / block_width, c = o % block_width;
    for (Eigen::Index j = 0; j < in; ++j) weight_grad_(o, j) += packed_grad_[std::size_t((p * in + j) * block_width + c)];
  }
}
template <>
void linear_layer<double>::weight_gradient_events(const sequence&) {}

template <class T>
void linear_layer<T>::backward(const sequence& dy_in, sequence* dx) {
  // for a repeated (static) input, the gradient of its one product is the sum over steps
  sequence summed;
  const sequence& dy = gradient_for_input(input_ && input_->repeated, dy_in, summed);
  if (last_event_driven_) weight_gradient_events(dy);
  else weight_grad_.noalias() += dy.values.transpose() * input_->values;
  if (has_bias_) bias_grad_ += dy.values.colwise().sum().transpose();
  if (dx) {
    dx->steps = dy.steps;
    dx->batch = dy.batch;
    dx->repeated = dy.repeated;
    const Eigen::Index rows = dy.values.rows(), out = weight_.rows(), in = weight_.cols();
    if (out <= 32) {
      // a narrow layer (a readout): dx = dy W row by row, written once (a GEMM would clear
      // it first and pack both sides for a product of depth ≤ 32)
      dx->values.resize(rows, in);
      const T* D = dy.values.data();
      const T* W = weight_.data();
      T* X = dx->values.data();
#pragma omp parallel for schedule(static)
      for (Eigen::Index r = 0; r < rows; ++r) {
        T* xr = X + r * in;
        const T* dr = D + r * out;
        for (Eigen::Index j = 0; j < in; ++j) xr[j] = dr[0] * W[j];
        for (Eigen::Index o = 1; o < out; ++o) {
          const T d = dr[o];
          const T* wo = W + o * in;
          for (Eigen::Index j = 0; j < in; ++j) xr[j] += d * wo[j];
        }
      }
    } else {
      dx->values.noalias() = dy.values * weight_;
    }
  }
}

template <class T>
std::vector<typename linear_layer<T>::parameter_ref> linear_layer<T>::parameters() {
  std::vector<parameter_ref> p;
  p.push_back({"weight", {std::size_t(weight_.rows()), std::size_t(weight_.cols())},
               {weight_.data(), std::size_t(weight_.size())}, {weight_grad_.data(), std::size_t(weight_grad_.size())}});
  if (has_bias_)
    p.push_back({"bias", {std::size_t(bias_.size())}, {bias_.data(), std::size_t(bias_.size())},
                 {bias_grad_.data(), std::size_t(bias_grad_.size())}});
  return p;
}

extern const layer_kind linear_layer_kind{
    .name = "linear",
    .summary = "y = x Wᵀ + b, as PyTorch's Linear: \"in\", \"out\", \"bias\" (default true), \"init_std\" "
               "(N(0, std²) instead of Kaiming-uniform)",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type", "in", "out", "bias", "init_std"});
      const std::size_t in = input_features(c, context);
      const auto out = c.count("out");
      if (!out) c.error("a linear layer needs \"out\"");
      const bool bias = c.boolean("bias", true);
      const double init_std = c.positive("init_std", 0.0);
      return layer_plan{"linear", {in}, {*out},
                        [=]<class T>(std::type_identity<T>, std::uint64_t seed) {
                          return std::make_unique<linear_layer<T>>(in, *out, bias, seed, init_std);
                        },
                        double(in) * double(*out) + double(*out)};
    },
    .example = R"({"type": "linear", "out": 3})"};

template class linear_layer<float>;
template class linear_layer<double>;

}  // namespace norn
