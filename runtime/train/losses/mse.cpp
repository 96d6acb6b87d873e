// mse: the mean squared error over all elements of the output trace, as
// torch.nn.functional.mse_loss; targets [samples, steps, outputs].
#include <runtime/train/loss.hpp>

namespace norn {

namespace {

class mse final : public loss_of<mse> {
 public:
  std::string_view name() const override { return "mse"; }
  std::optional<target_layout> target_layout_for(std::size_t steps, std::size_t outputs) const override {
    return target_layout{{steps, outputs}, {"steps", "outputs"}};
  }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const std::size_t T = y.steps, B = y.batch, O = y.features();
    const matrix_of<R> target = sequence_rows<R>(t, T, B, O);
    const double n = double(y.values.size());
    g.dy = basic_sequence<R>(T, B, O);
    g.dy.values = (y.values - target) * R(2.0 / n);
    return {double((y.values - target).squaredNorm()) / n};
  }
};

}  // namespace

extern const loss_kind mse_loss_kind{
    .name = "mse",
    .summary = "mean squared error over all elements, as torch's mse_loss; targets [samples, steps, outputs]",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      config_object(j, where, {"type"});
      return std::make_unique<mse>();
    },
    .example = R"({"type": "mse"})"};

}  // namespace norn
