// cross_entropy: softmax cross entropy of the readout against class labels, mean over the
// batch; the logits are the readout's maximum over time (gradient to the arg-max step, as
// torch.max), its mean over time, or its last value; or, with "sum", the cross entropy of
// every step's readout, summed over steps (snnTorch's tutorial 5), predicting the class
// of the largest summed readout. The readout is the network's output, or with "readout":
// "membrane" the membrane potential of its last population (as tutorial 5's mem_rec).
// Targets: [samples] labels.
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace norn {

namespace {

enum class time_reduction { max, mean, last, sum };

class cross_entropy final : public loss_of<cross_entropy, label_loss> {
 public:
  cross_entropy(time_reduction r, bool membrane) : reduction_(r), membrane_(membrane) {}
  bool reads_membrane() const override { return membrane_; }
  std::string_view name() const override { return "cross_entropy"; }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const;

 private:
  time_reduction reduction_;
  bool membrane_;
};

template <class R>
loss_report cross_entropy::compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
  const basic_sequence<R>& y = membrane_ ? *in.membrane : in.y;
  const std::size_t T = y.steps, B = y.batch, O = y.features();
  if (t.values.size() != B) fail("norn: cross entropy needs {} labels, got {}", B, t.values.size());
  g.dy = basic_sequence<R>(T, B, O);
  if (membrane_) g.dmembrane = basic_sequence<R>(T, B, O);
  basic_sequence<R>& dy = membrane_ ? g.dmembrane : g.dy;
  loss_report r;
  r.has_accuracy = true;
  std::vector<double> logits(O), grad;
  for (std::size_t b = 0; b < B; ++b) {
    const auto label = std::size_t(t.values[b]);
    if (reduction_ == time_reduction::sum) {
      std::vector<double> total(O, 0.0);
      for (std::size_t s = 0; s < T; ++s) {
        for (std::size_t o = 0; o < O; ++o) logits[o] = y.row(s, b)(Eigen::Index(o)), total[o] += logits[o];
        r.value += softmax_cross_entropy(logits, label, grad) / double(B);
        for (std::size_t o = 0; o < O; ++o) dy.row(s, b)(Eigen::Index(o)) = R(grad[o] / double(B));
      }
      r.classify(total, label);
      continue;
    }
    std::vector<std::size_t> where(O, T - 1);
    for (std::size_t o = 0; o < O; ++o) {
      double v = 0;
      if (reduction_ == time_reduction::max) {
        v = -std::numeric_limits<double>::infinity();
        for (std::size_t s = 0; s < T; ++s)
          if (double(y.row(s, b)(Eigen::Index(o))) > v) v = y.row(s, b)(Eigen::Index(o)), where[o] = s;
      } else if (reduction_ == time_reduction::mean) {
        for (std::size_t s = 0; s < T; ++s) v += y.row(s, b)(Eigen::Index(o));
        v /= double(T);
      } else {
        v = y.row(T - 1, b)(Eigen::Index(o));
      }
      logits[o] = v;
    }
    r.value += softmax_cross_entropy(logits, label, grad) / double(B);
    r.classify(logits, label);
    for (std::size_t o = 0; o < O; ++o) {
      const double d = grad[o] / double(B);
      if (reduction_ == time_reduction::max) dy.row(where[o], b)(Eigen::Index(o)) += R(d);
      else if (reduction_ == time_reduction::mean)
        for (std::size_t s = 0; s < T; ++s) dy.row(s, b)(Eigen::Index(o)) += R(d / double(T));
      else dy.row(T - 1, b)(Eigen::Index(o)) += R(d);
    }
  }
  return r;
}

}  // namespace

extern const loss_kind cross_entropy_loss_kind{
    .name = "cross_entropy",
    .summary = "softmax cross entropy against [samples] integer labels of the readout's \"reduction\" over time: max, "
               "mean, last, or sum (of every step's cross entropy); \"readout\": output or membrane",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "reduction", "readout"});
      const auto r = c.text("reduction", "max"), readout = c.text("readout", "output");
      if (readout != "output" && readout != "membrane")
        c.place("readout").error("expected \"output\" or \"membrane\", got \"{}\"", readout);
      const bool membrane = readout == "membrane";
      if (r == "max") return std::make_unique<cross_entropy>(time_reduction::max, membrane);
      if (r == "mean") return std::make_unique<cross_entropy>(time_reduction::mean, membrane);
      if (r == "last") return std::make_unique<cross_entropy>(time_reduction::last, membrane);
      if (r == "sum") return std::make_unique<cross_entropy>(time_reduction::sum, membrane);
      c.place("reduction").error("expected \"max\", \"mean\", \"last\" or \"sum\", got \"{}\"", r);
    },
    .example = R"({"type": "cross_entropy", "reduction": "max"})"};

}  // namespace norn
