#include <runtime/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace norn {

double normal01(std::uint64_t seed, std::uint64_t index) {
  const double u1 = (double(uniform01(seed, 2 * index)) * 0x1.0p24 + 1.0) * 0x1.0p-24;  // (0, 1]
  const double u2 = uniform01(seed, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void fill_bernoulli(std::span<float> out, double p, double weight, std::uint64_t seed, std::uint64_t first) {
  const float threshold = float(p);
  const float w = float(weight);
  constexpr std::uint64_t block = std::uint64_t(1) << 32;
  std::size_t done = 0;
  while (done < out.size()) {  // one stream key per 2^32 indices
    const std::uint64_t index = first + done;
    const std::uint32_t key = stream_key(seed, index >> 32);
    const std::uint32_t low = std::uint32_t(index);
    const std::size_t n = std::size_t(std::min<std::uint64_t>(block - low, out.size() - done));
    float* x = out.data() + done;
    if (n > (std::size_t(1) << 18)) {
#pragma omp parallel for simd schedule(static)
      for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(n); ++k)
        x[k] = uniform01_keyed(key, low + std::uint32_t(k)) < threshold ? w : 0.0f;
    } else {
#pragma omp simd
      for (std::size_t k = 0; k < n; ++k) x[k] = uniform01_keyed(key, low + std::uint32_t(k)) < threshold ? w : 0.0f;
    }
    done += n;
  }
}

std::vector<float> bernoulli_spikes(std::size_t steps, std::size_t n, double p, double weight,
                                    std::uint64_t seed) {
  std::vector<float> x(steps * n);
  fill_bernoulli(x, p, weight, seed);
  return x;
}

std::vector<float> poisson_encode(std::span<const float> values, std::size_t steps, double f_max,
                                  double dt, std::uint64_t seed) {
  const std::size_t n = values.size();
  std::vector<float> x(steps * n);
  const float scale = float(dt * f_max);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t t = 0; t < std::ptrdiff_t(steps); ++t)
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t at = std::size_t(t) * n + k;
      x[at] = uniform01(seed, at) < scale * values[k] ? 1.0f : 0.0f;
    }
  return x;
}

std::vector<float> constant_current(std::size_t steps, std::size_t n, double value) {
  return std::vector<float>(steps * n, float(value));
}

}  // namespace norn
