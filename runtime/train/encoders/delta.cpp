// delta: delta modulation, as snnTorch's spikegen.delta: a spike where a feature rose by at
// least "threshold" since the previous step (with "off_spike", −1 where it fell by as
// much); the first step is compared with zeros, or with itself when "padding" is true.
#include <runtime/train/encoder.hpp>

namespace norn {

namespace {

class delta final : public encoder_of<delta> {
 public:
  delta(double threshold, bool padding, bool off_spike) : threshold_(threshold), padding_(padding), off_spike_(off_spike) {}
  std::string_view name() const override { return "delta"; }
  template <class R>
  void encode_values(basic_sequence<R>& x, double, std::uint64_t) const {
    const std::size_t B = x.batch, F = x.features(), row = B * F;
    R* v = x.values.data();
    const R th = R(threshold_);
    // from the last step back, so that each step still sees its predecessor's data
    for (std::size_t t = x.steps; t-- > 0;)
      for (std::size_t k = 0; k < row; ++k) {
        const R before = t > 0 ? v[(t - 1) * row + k] : padding_ ? v[k] : R(0);
        const R change = v[t * row + k] - before;
        v[t * row + k] = change >= th ? R(1) : (off_spike_ && change <= -th) ? R(-1) : R(0);
      }
  }

 private:
  double threshold_;
  bool padding_, off_spike_;
};

}  // namespace

extern const encoder_kind delta_encoder_kind{
    .name = "delta",
    .summary = "spikes where x rose by \"threshold\" (default 0.1) since the previous step (snnTorch's delta; "
               "\"off_spike\": −1 where it fell, \"padding\")",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<encoder> {
      const config_object c(j, where, {"type", "threshold", "padding", "off_spike"});
      return std::make_unique<delta>(c.positive("threshold", 0.1), c.boolean("padding", false), c.boolean("off_spike", false));
    },
    .example = R"({"type": "delta", "threshold": 0.2, "off_spike": true})"};

}  // namespace norn
