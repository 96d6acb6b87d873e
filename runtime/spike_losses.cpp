#include <runtime/spike_losses.hpp>

#include <cmath>

namespace norn::loss {

double spike_count(std::span<const float> z, std::size_t steps, std::size_t n, double target,
                   std::span<float> grad_z) {
  double loss = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double count = 0;
    for (std::size_t t = 0; t < steps; ++t) count += z[t * n + k];
    const double diff = count - target;
    loss += std::abs(diff);
    const float sign = diff > 0 ? 1.0f : diff < 0 ? -1.0f : 0.0f;
    for (std::size_t t = 0; t < steps; ++t) grad_z[t * n + k] = sign;
  }
  return loss;
}

double spike_times(std::span<const float> z, std::span<const float> v, std::size_t steps, std::size_t n,
                   const std::vector<std::size_t>& times, double v_target, std::span<float> grad_z,
                   std::span<float> grad_v) {
  double loss = spike_count(z, steps, n, double(times.size()), grad_z);
  std::fill(grad_v.begin(), grad_v.end(), 0.0f);
  for (std::size_t t : times) {
    if (t >= steps) continue;
    for (std::size_t k = 0; k < n; ++k) {
      const double d = v[t * n + k] - v_target;
      loss += 0.5 * 0.1 * d * d;
      grad_v[t * n + k] += float(0.1 * d);
    }
  }
  return loss;
}

}  // namespace norn::loss
