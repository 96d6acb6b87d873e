// latency: one spike per input, earlier for a larger value, as snnTorch's spikegen.latency
// in its linear mode with clip=True: spike time τ·(1 − x) + "first_spike_time", at most
// τ·(1 − "threshold") and rounded half to even (torch.round); inputs below the threshold
// never spike. Without "tau", τ = steps − 1 − first_spike_time (snnTorch's normalize=True):
// x = 1 fires at the first step, x = threshold near the last. Times past the last step are
// dropped (snnTorch clears the whole last step then). Values above 1 would give negative
// times and are refused when the data is read. Static samples only.
#include <runtime/core/errors.hpp>
#include <runtime/train/encoder.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

namespace {

class latency final : public encoder_of<latency> {
 public:
  latency(double tau, double threshold, std::size_t first) : tau_(tau), threshold_(threshold), first_(first) {}
  std::string_view name() const override { return "latency"; }
  bool takes_sequences() const override { return false; }
  std::optional<value_range> accepts() const override { return value_range{-INFINITY, 1.0}; }
  template <class R>
  void encode_values(basic_sequence<R>&, double, std::uint64_t) const {
    throw std::logic_error("latency encodes static samples only");
  }
  template <class R>
  void encode_samples(const matrix_of<R>& x, std::size_t steps, double, std::uint64_t, basic_sequence<R>& out) const {
    if (first_ >= steps) fail("norn: the latency encoder's first_spike_time {} is not within the {} steps", first_, steps);
    const std::size_t B = std::size_t(x.rows()), F = std::size_t(x.cols());
    out = basic_sequence<R>(steps, B, F);
    const double tau = tau_ > 0 ? tau_ : double(steps - 1 - first_);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t f = 0; f < F; ++f) {
        const double v = x(Eigen::Index(b), Eigen::Index(f));
        if (v < threshold_) continue;
        const double time = std::nearbyint(std::min(tau * (1 - v), tau * (1 - threshold_)) + double(first_));
        if (time >= double(steps)) continue;
        out.row(std::size_t(time), b)(Eigen::Index(f)) = R(1);
      }
  }

 private:
  double tau_, threshold_;
  std::size_t first_;
};

}  // namespace

extern const encoder_kind latency_encoder_kind{
    .name = "latency",
    .summary = "one spike per input at step τ·(1 − x) (snnTorch's linear latency code; \"threshold\" 0.01: below it, "
               "none; \"tau\" in steps, default steps − 1; \"first_spike_time\" 0); static samples with values ≤ 1",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<encoder> {
      const config_object c(j, where, {"type", "tau", "threshold", "first_spike_time"});
      const double threshold = c.positive("threshold", 0.01);
      if (threshold >= 1) c.place("threshold").error("expected a value in (0, 1), got {}", threshold);
      return std::make_unique<latency>(c.positive("tau", 0.0), threshold, c.count("first_spike_time", 0, 0));
    },
    .example = R"({"type": "latency", "threshold": 0.01})"};

}  // namespace norn
