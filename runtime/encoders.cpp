#include <runtime/encoders.hpp>

#include <cmath>
#include <numbers>

namespace norn {

double normal01(std::uint64_t seed, std::uint64_t index) {
  const double u1 = (double(uniform01(seed, 2 * index)) * 0x1.0p24 + 1.0) * 0x1.0p-24;  // (0, 1]
  const double u2 = uniform01(seed, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::vector<float> bernoulli_spikes(std::size_t steps, std::size_t n, double p, double weight,
                                    std::uint64_t seed) {
  std::vector<float> x(steps * n);
  const float threshold = float(p);
  const float w = float(weight);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(x.size()); ++k)
    x[k] = uniform01(seed, std::uint64_t(k)) < threshold ? w : 0.0f;
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
