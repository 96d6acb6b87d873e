#include <runtime/losses.hpp>

#include <runtime/errors.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

loss_report mse_loss::evaluate(const sequence& y, const batch_targets& t, sequence& dy) const {
  if (t.values.values.rows() != y.values.rows() || t.values.values.cols() != y.values.cols())
    fail("norn: mse target has shape [{}, {}] per batch, the output [{}, {}]", t.values.values.rows(),
         t.values.values.cols(), y.values.rows(), y.values.cols());
  const double n = double(y.values.size());
  dy = sequence(y.steps, y.batch, y.features());
  dy.values = (y.values - t.values.values) * float(2.0 / n);
  return {double((y.values - t.values.values).squaredNorm()) / n};
}

loss_report cross_entropy_loss::evaluate(const sequence& y, const batch_targets& t, sequence& dy) const {
  const std::size_t T = y.steps, B = y.batch, O = y.features();
  if (t.labels.size() != B) fail("norn: cross entropy needs {} labels, got {}", B, t.labels.size());
  dy = sequence(T, B, O);
  loss_report r;
  r.has_accuracy = true;
  for (std::size_t b = 0; b < B; ++b) {
    const int label = t.labels[b];
    if (label < 0 || std::size_t(label) >= O) fail("norn: label {} outside the {} outputs", label, O);
    std::vector<double> logits(O);
    std::vector<std::size_t> where(O, T - 1);
    for (std::size_t o = 0; o < O; ++o) {
      double v = 0;
      if (reduction_ == time_reduction::max) {
        v = -std::numeric_limits<double>::infinity();
        for (std::size_t t2 = 0; t2 < T; ++t2)
          if (double(y.row(t2, b)(Eigen::Index(o))) > v) v = y.row(t2, b)(Eigen::Index(o)), where[o] = t2;
      } else if (reduction_ == time_reduction::mean) {
        for (std::size_t t2 = 0; t2 < T; ++t2) v += y.row(t2, b)(Eigen::Index(o));
        v /= double(T);
      } else {
        v = y.row(T - 1, b)(Eigen::Index(o));
      }
      logits[o] = v;
    }
    const double top = *std::max_element(logits.begin(), logits.end());
    double z = 0;
    for (double l : logits) z += std::exp(l - top);
    const double log_z = top + std::log(z);
    r.value += (log_z - logits[std::size_t(label)]) / double(B);
    r.correct += std::size_t(std::max_element(logits.begin(), logits.end()) - logits.begin()) == std::size_t(label);
    for (std::size_t o = 0; o < O; ++o) {
      const double g = (std::exp(logits[o] - log_z) - (o == std::size_t(label) ? 1.0 : 0.0)) / double(B);
      if (reduction_ == time_reduction::max) dy.row(where[o], b)(Eigen::Index(o)) += float(g);
      else if (reduction_ == time_reduction::mean)
        for (std::size_t t2 = 0; t2 < T; ++t2) dy.row(t2, b)(Eigen::Index(o)) += float(g / double(T));
      else dy.row(T - 1, b)(Eigen::Index(o)) += float(g);
    }
  }
  return r;
}

loss_report spike_count_loss::evaluate(const sequence& y, const batch_targets& t, sequence& dy) const {
  const std::size_t T = y.steps, B = y.batch, O = y.features();
  if (std::size_t(t.counts.rows()) != B || std::size_t(t.counts.cols()) != O)
    fail("norn: spike-count targets have shape [{}, {}], expected [{}, {}]", t.counts.rows(), t.counts.cols(), B, O);
  dy = sequence(T, B, O);
  loss_report r;
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t o = 0; o < O; ++o) {
      double count = 0;
      for (std::size_t t2 = 0; t2 < T; ++t2) count += y.row(t2, b)(Eigen::Index(o));
      const double diff = count - t.counts(Eigen::Index(b), Eigen::Index(o));
      r.value += std::abs(diff);
      const float sign = diff > 0 ? 1.0f : diff < 0 ? -1.0f : 0.0f;
      for (std::size_t t2 = 0; t2 < T; ++t2) dy.row(t2, b)(Eigen::Index(o)) = sign;
    }
  return r;
}

matrix three_point_distribution(const sequence& r, const std::array<std::size_t, 3>& units) {
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

double three_point_kl(const sequence& r, const std::array<std::size_t, 3>& units, std::span<const double> p_target,
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

}  // namespace norn
