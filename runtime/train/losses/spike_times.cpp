// spike_times: spikes at chosen steps, as in Norse's single-neuron tutorial: the membrane
// potential is pulled to 1.1 × the threshold at those steps and the spike count to their
// number,
//   L = Σ_{t ∈ times} ½ · 0.1 · (v[t] − 1.1 θ)² + Σ |count − |times||   (over neurons and batch),
// with v the output population's membrane (its model's membrane role) and θ its threshold.
#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <cmath>

namespace norn {

namespace {

class spike_times final : public loss_of<spike_times> {
 public:
  spike_times(std::vector<std::size_t> times, config_place where) : times_(std::move(times)), where_(std::move(where)) {}
  std::string_view name() const override { return "spike_times"; }
  std::optional<target_layout> target_layout_for(std::size_t, std::size_t) const override { return std::nullopt; }
  void check_steps(std::size_t steps) const override {
    for (auto t : times_)
      if (t >= steps) where_.error("step {} is not among the run's {} steps", t, steps);
  }
  bool reads_membrane() const override { return true; }
  template <class R>
  loss_report compute(const basic_loss_input<R>& in, const targets&, basic_loss_gradient<R>& g) const {
    const basic_sequence<R>& y = in.y;
    const std::size_t T = y.steps, B = y.batch, O = y.features();
    check_steps(T);
    if (!in.membrane || in.threshold.size() != O)
      fail("norn: the spike_times loss needs a last layer whose model declares its membrane and threshold");
    const basic_sequence<R>& v = *in.membrane;
    g.dy = basic_sequence<R>(T, B, O);
    g.dmembrane = basic_sequence<R>(T, B, O);
    loss_report r;
    r.value = spike_count_error(y, [&](std::size_t, std::size_t) { return double(times_.size()); }, g.dy);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t o = 0; o < O; ++o) {
        const double target = 1.1 * double(in.threshold[o]);
        for (std::size_t t : times_) {
          const double d = v.row(t, b)(Eigen::Index(o)) - target;
          r.value += 0.5 * 0.1 * d * d;
          g.dmembrane.row(t, b)(Eigen::Index(o)) += R(0.1 * d);
        }
      }
    return r;
  }

 private:
  std::vector<std::size_t> times_;
  config_place where_;
};

}  // namespace

extern const loss_kind spike_times_loss_kind{
    .name = "spike_times",
    .summary = "spikes at chosen \"times\" (steps): membrane pulled to 1.1 × threshold there, count to their number",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<loss> {
      const config_object c(j, where, {"type", "times"});
      if (!c.has("times") || !c.json("times").is_array() || c.json("times").empty())
        c.error("spike_times needs \"times\": a non-empty list of steps");
      std::vector<std::size_t> times;
      for (std::size_t k = 0; k < c.json("times").size(); ++k)
        times.push_back(read_count(c.json("times")[k], c.place("times").at(k), 0));
      return std::make_unique<spike_times>(std::move(times), where);
    },
    .shorthand =
        [](std::string_view value) {
          nlohmann::json times = nlohmann::json::array();
          for (double t : parse_number_list(value, "--loss spike_times"))
            times.push_back(t >= 0 && t == std::floor(t) ? nlohmann::json(std::uint64_t(t)) : nlohmann::json(t));
          return nlohmann::json{{"times", times}};
        },
    .shorthand_help = "spike_times=T1,T2,...",
    .example = R"({"type": "spike_times", "times": [1, 3]})"};

}  // namespace norn
