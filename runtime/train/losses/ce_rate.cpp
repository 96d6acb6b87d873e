// ce_rate: snnTorch's ce_rate_loss: the softmax cross entropy of the output spikes of every
// step against the label, averaged over steps (and over the batch); the predicted class is
// the one with the most spikes (snnTorch's accuracy_rate). Targets: [samples] labels.
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

namespace {

class ce_rate final : public loss_of<ce_rate, label_loss> {
 public:
  std::string_view name() const override { return "ce_rate"; }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const std::size_t T = y.steps, B = y.batch, O = y.features();
    g.dy = basic_sequence<R>(T, B, O);
    loss_report r;
    r.has_accuracy = true;
    const double scale = 1.0 / double(T * B);
    std::vector<double> counts(O), logits(O), grad;
    for (std::size_t b = 0; b < B; ++b) {
      const auto label = std::size_t(t.values[b]);
      std::fill(counts.begin(), counts.end(), 0.0);
      for (std::size_t s = 0; s < T; ++s) {
        for (std::size_t o = 0; o < O; ++o) logits[o] = y.row(s, b)(Eigen::Index(o)), counts[o] += logits[o];
        r.value += softmax_cross_entropy(logits, label, grad) * scale;
        for (std::size_t o = 0; o < O; ++o) g.dy.row(s, b)(Eigen::Index(o)) = R(grad[o] * scale);
      }
      r.classify(counts, label);
    }
    return r;
  }
};

}  // namespace

extern const loss_kind ce_rate_loss_kind{
    .name = "ce_rate",
    .summary = "snnTorch's ce_rate_loss: cross entropy of every step's output spikes, averaged over steps, against "
               "[samples] integer labels; predicts the class with the most spikes",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type"});
      return std::make_unique<ce_rate>();
    },
    .example = R"({"type": "ce_rate"})"};

}  // namespace norn
