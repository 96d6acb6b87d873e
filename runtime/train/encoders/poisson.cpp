// poisson: Norse's poisson_encode for every batch: a spike where a uniform number is below
// dt · f_max · x, so x in [0, 1] is a rate in units of f_max.
#include <runtime/core/random.hpp>
#include <runtime/train/encoder.hpp>

namespace norn {

namespace {

class poisson final : public encoder_of<poisson> {
 public:
  explicit poisson(double f_max) : f_max_(f_max) {}
  std::string_view name() const override { return "poisson"; }
  template <class R>
  void encode_values(basic_sequence<R>& x, double dt, std::uint64_t seed) const {
    const R scale = R(dt * f_max_);
    auto v = x.span();
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = uniform01(seed, k) < scale * v[k] ? R(1) : R(0);
  }

 private:
  double f_max_;
};

}  // namespace

extern const encoder_kind poisson_encoder_kind{
    .name = "poisson",
    .summary = "spikes where uniform < dt · \"f_max\" · x (Norse's poisson_encode; f_max default 100 Hz)",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<encoder> {
      const config_object c(j, where, {"type", "f_max"});
      return std::make_unique<poisson>(c.positive("f_max", 100.0));
    },
    .example = R"({"type": "poisson", "f_max": 100})"};

}  // namespace norn
