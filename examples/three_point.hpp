#pragma once
// The loss of reference tutorial 004 (Norse's stochastic-computing workshop): the KL
// divergence between a target distribution over the joint binary states of three units and
// the one a network samples. Used by norn-stochastic-computing; written against the
// runtime's sequences, as any loss of one's own can be.

#include <runtime/core/errors.hpp>
#include <runtime/core/tensor.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace norn::examples {

/// Three-point joint distribution of binary signals r of three units, per batch entry:
/// p[b][4a + 2c + e] = (1/T) Σ_t r0^a (1−r0)^(1−a) · r1^c (1−r1)^(1−c) · r2^e (1−r2)^(1−e),
/// as Norse's stochastic-computing tutorial computes it from refractory states.
inline matrix three_point_distribution(const sequence& r, const std::array<std::size_t, 3>& units) {
  const std::size_t T = r.steps, B = r.batch;
  matrix p = matrix::Zero(Eigen::Index(B), 8);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t t = 0; t < T; ++t) {
      const auto row = r.row(t, b);
      const double s[3] = {row(Eigen::Index(units[0])), row(Eigen::Index(units[1])), row(Eigen::Index(units[2]))};
      for (int k = 0; k < 8; ++k) {
        double v = 1;
        for (int u = 0; u < 3; ++u) v *= ((k >> (2 - u)) & 1) ? s[u] : 1 - s[u];
        p(Eigen::Index(b), k) += float(v / double(T));
      }
    }
  return p;
}

/// KL(p_target ‖ p) averaged over the batch (torch's kl_div(log p.clamp(1e-7), p_target,
/// "batchmean")); writes dL/dr for the three units' signals.
inline double three_point_kl(const sequence& r, const std::array<std::size_t, 3>& units, std::span<const double> p_target,
                      sequence& dr) {
  const std::size_t T = r.steps, B = r.batch;
  if (p_target.size() != 8) fail("norn: a three-point target distribution has 8 entries, got {}", p_target.size());
  const matrix p = three_point_distribution(r, units);
  dr = sequence(T, B, r.features());
  double loss = 0;
  for (std::size_t b = 0; b < B; ++b) {
    double dp[8];
    for (int k = 0; k < 8; ++k) {
      const double pk = p(Eigen::Index(b), k), clamped = std::max(pk, 1e-7), pt = p_target[std::size_t(k)];
      if (pt > 0) loss += pt * (std::log(pt) - std::log(clamped)) / double(B);
      dp[k] = pk > 1e-7 ? -pt / pk / double(B) : 0.0;  // the clamp passes no gradient below 1e-7
    }
    for (std::size_t t = 0; t < T; ++t) {
      const auto row = r.row(t, b);
      const double s[3] = {row(Eigen::Index(units[0])), row(Eigen::Index(units[1])), row(Eigen::Index(units[2]))};
      for (int u = 0; u < 3; ++u) {
        double g = 0;
        for (int k = 0; k < 8; ++k) {
          double others = 1;
          for (int w = 0; w < 3; ++w)
            if (w != u) others *= ((k >> (2 - w)) & 1) ? s[w] : 1 - s[w];
          g += dp[k] * others * (((k >> (2 - u)) & 1) ? 1.0 : -1.0);
        }
        dr.row(t, b)(Eigen::Index(units[std::size_t(u)])) += float(g / double(T));
      }
    }
  }
  return loss;
}

}  // namespace norn::examples
