// huber: the Huber loss of the output trace against targets [samples, steps, outputs], mean
// over all elements, as torch.nn.functional.huber_loss: ½ d² where |d| ≤ delta, else
// delta · (|d| − ½ delta), for d = y − target.
#include <runtime/train/loss.hpp>

#include <cmath>

namespace norn {

namespace {

class huber final : public loss_of<huber> {
 public:
  explicit huber(double delta) : delta_(delta) {}
  std::string_view name() const override { return "huber"; }
  std::optional<target_layout> target_layout_for(std::size_t steps, std::size_t outputs) const override {
    return target_layout{{steps, outputs}, {"steps", "outputs"}};
  }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const matrix_of<R> target = sequence_rows<R>(t, y.steps, y.batch, y.features());
    const double n = double(y.values.size());
    g.dy = basic_sequence<R>(y.steps, y.batch, y.features());
    loss_report r;
    for (Eigen::Index k = 0; k < y.values.size(); ++k) {
      const double d = double(y.values.data()[k]) - double(target.data()[k]);
      const bool small = std::abs(d) <= delta_;
      r.value += (small ? 0.5 * d * d : delta_ * (std::abs(d) - 0.5 * delta_)) / n;
      g.dy.values.data()[k] = R((small ? d : std::copysign(delta_, d)) / n);
    }
    return r;
  }

 private:
  double delta_;
};

}  // namespace

extern const loss_kind huber_loss_kind{
    .name = "huber",
    .summary = "Huber loss over all elements, as torch's huber_loss (\"delta\", default 1); targets [samples, steps, outputs]",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "delta"});
      return std::make_unique<huber>(c.positive("delta", 1.0));
    },
    .example = R"({"type": "huber", "delta": 0.5})"};

}  // namespace norn
