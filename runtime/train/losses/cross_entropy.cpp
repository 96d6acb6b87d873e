// cross_entropy: softmax cross entropy of the readout against class labels, mean over the
// batch; the logits are the readout's maximum over time (gradient to the arg-max step, as
// torch.max), its mean over time, or its last value. Targets: [samples] labels.
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace norn {

namespace {

enum class time_reduction { max, mean, last };

class cross_entropy final : public loss {
 public:
  explicit cross_entropy(time_reduction r) : reduction_(r) {}
  std::string_view name() const override { return "cross_entropy"; }
  std::optional<target_layout> target_layout_for(std::size_t, std::size_t) const override {
    return target_layout{{}, {}, true};
  }
  void check_targets(const targets& t, std::size_t outputs, const std::string& file) const override {
    for (std::size_t k = 0; k < t.values.size(); ++k) {
      const double v = t.values[k];
      if (v != std::floor(v) || v < 0 || v >= double(outputs))
        fail("norn: --targets {}: label {} at index {} is not a class in [0, {})", file, v, k, outputs);
    }
  }
  loss_report evaluate(const loss_input& in, const targets& t, loss_gradient& g) const override;

 private:
  time_reduction reduction_;
};

loss_report cross_entropy::evaluate(const loss_input& in, const targets& t, loss_gradient& g) const {
  const sequence& y = in.y;
  const std::size_t T = y.steps, B = y.batch, O = y.features();
  if (t.values.size() != B) fail("norn: cross entropy needs {} labels, got {}", B, t.values.size());
  g.dy = sequence(T, B, O);
  sequence& dy = g.dy;
  loss_report r;
  r.has_accuracy = true;
  for (std::size_t b = 0; b < B; ++b) {
    const double label_value = t.values[b];
    if (label_value < 0 || label_value >= double(O)) fail("norn: label {} outside the {} outputs", label_value, O);
    const auto label = std::size_t(label_value);
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
    r.value += (log_z - logits[label]) / double(B);
    r.correct += std::size_t(std::max_element(logits.begin(), logits.end()) - logits.begin()) == label;
    for (std::size_t o = 0; o < O; ++o) {
      const double d = (std::exp(logits[o] - log_z) - (o == label ? 1.0 : 0.0)) / double(B);
      if (reduction_ == time_reduction::max) dy.row(where[o], b)(Eigen::Index(o)) += float(d);
      else if (reduction_ == time_reduction::mean)
        for (std::size_t t2 = 0; t2 < T; ++t2) dy.row(t2, b)(Eigen::Index(o)) += float(d / double(T));
      else dy.row(T - 1, b)(Eigen::Index(o)) += float(d);
    }
  }
  return r;
}

}  // namespace

extern const loss_kind cross_entropy_loss_kind{
    .name = "cross_entropy",
    .summary = "softmax cross entropy of the readout's \"reduction\" over time (max, mean or last) against "
               "[samples] integer labels",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "reduction"});
      const auto r = c.text("reduction", "max");
      if (r == "max") return std::make_unique<cross_entropy>(time_reduction::max);
      if (r == "mean") return std::make_unique<cross_entropy>(time_reduction::mean);
      if (r == "last") return std::make_unique<cross_entropy>(time_reduction::last);
      c.place("reduction").error("expected \"max\", \"mean\" or \"last\", got \"{}\"", r);
    },
    .example = R"({"type": "cross_entropy", "reduction": "max"})"};

}  // namespace norn
