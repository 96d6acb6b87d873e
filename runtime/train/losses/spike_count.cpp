// spike_count: Σ_{b,o} |Σ_t z − target|, the number of spikes pulled to a target (Norse's
// single-neuron tutorial); the target is "target": K for every output, or [samples, outputs].
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>


namespace norn {

namespace {

class spike_count final : public loss_of<spike_count> {
 public:
  explicit spike_count(std::optional<double> target) : target_(target) {}
  std::string_view name() const override { return "spike_count"; }
  std::optional<target_layout> target_layout_for(std::size_t, std::size_t outputs) const override {
    if (target_) return std::nullopt;
    return target_layout{{outputs}, {"outputs"}};
  }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets& t, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const std::size_t T = y.steps, B = y.batch, O = y.features();
    if (!target_ && t.values.size() != B * O)
      fail("norn: spike-count targets have {} values, expected [{}, {}]", t.values.size(), B, O);
    g.dy = basic_sequence<R>(T, B, O);
    loss_report r;
    r.value = spike_count_error(y, [&](std::size_t b, std::size_t o) { return target_ ? *target_ : double(t.values[b * O + o]); },
                                g.dy);
    return r;
  }

 private:
  std::optional<double> target_;
};

}  // namespace

extern const loss_kind spike_count_loss_kind{
    .name = "spike_count",
    .summary = "Σ|spike count − target| per output: \"target\": K, or targets [samples, outputs]",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "target"});
      std::optional<double> target;
      if (c.has("target")) target = read_number(c.json("target"), c.place("target"));
      return std::make_unique<spike_count>(target);
    },
    .shorthand =
        [](std::string_view value) {
          const auto v = parse_number_list(value, "--loss spike_count");
          if (v.size() != 1) fail("norn: --loss spike_count takes one number, got '{}'", value);
          return nlohmann::json{{"target", v[0]}};
        },
    .shorthand_help = "spike_count=K",
    .example = R"({"type": "spike_count", "target": 2})"};

}  // namespace norn
