// mse_count: snnTorch's mse_count_loss: the mean squared error between each output's spike
// count and its target, int(T · "correct_rate") for the label's output and
// int(T · "incorrect_rate") for the others, divided by T; the predicted class is the one
// with the most spikes. Targets: [samples] labels.
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

namespace {

class mse_count final : public loss_of<mse_count, label_loss> {
 public:
  mse_count(double correct, double incorrect) : correct_(correct), incorrect_(incorrect) {}
  std::string_view name() const override { return "mse_count"; }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const std::size_t T = y.steps, B = y.batch, O = y.features();
    g.dy = basic_sequence<R>(T, B, O);
    loss_report r;
    r.has_accuracy = true;
    const double on = std::floor(double(T) * correct_), off = std::floor(double(T) * incorrect_);
    const double scale = 1.0 / (double(B * O) * double(T));
    std::vector<double> counts(O);
    for (std::size_t b = 0; b < B; ++b) {
      const auto label = std::size_t(t.values[b]);
      std::fill(counts.begin(), counts.end(), 0.0);
      for (std::size_t s = 0; s < T; ++s)
        for (std::size_t o = 0; o < O; ++o) counts[o] += y.row(s, b)(Eigen::Index(o));
      for (std::size_t o = 0; o < O; ++o) {
        const double e = counts[o] - (o == label ? on : off);
        r.value += e * e * scale;
        const R d = R(2 * e * scale);
        for (std::size_t s = 0; s < T; ++s) g.dy.row(s, b)(Eigen::Index(o)) = d;
      }
      r.classify(counts, label);
    }
    return r;
  }

 private:
  double correct_, incorrect_;
};

}  // namespace

extern const loss_kind mse_count_loss_kind{
    .name = "mse_count",
    .summary = "snnTorch's mse_count_loss: squared error of spike counts against int(T · \"correct_rate\") (default 1) "
               "for the label and int(T · \"incorrect_rate\") (default 0) otherwise, over T; [samples] integer labels",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "correct_rate", "incorrect_rate"});
      const double correct = c.number("correct_rate", 1.0), incorrect = c.number("incorrect_rate", 0.0);
      if (correct < 0 || correct > 1) c.place("correct_rate").error("expected a value in [0, 1], got {}", correct);
      if (incorrect < 0 || incorrect > correct)
        c.place("incorrect_rate").error("expected a value in [0, correct_rate = {}], got {}", correct, incorrect);
      return std::make_unique<mse_count>(correct, incorrect);
    },
    .example = R"({"type": "mse_count", "correct_rate": 0.8, "incorrect_rate": 0.2})"};

}  // namespace norn
