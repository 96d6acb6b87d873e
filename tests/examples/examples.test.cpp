// The reference tutorials' experiments, run as the README runs them, with their outcomes
// checked: (a) zero spike-count error, (b) falling loss in both variants, (c) KL ≤ 0.05
// within 40 epochs.
#include <catch2/catch.hpp>

#include <cli_support.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace norn;

namespace {
nlohmann::json run_example(const std::string& name, const std::filesystem::path& out) {
  const std::string cmd = std::string(NORN_EXAMPLES_BINARY_DIR) + "/" + name + " --out " + out.string() + " >/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out / "summary.json");
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("example (a) single neuron: the spike count reaches its target of 6") {
  const auto dir = test::scratch("example_a");
  const auto s = run_example("norn-single-neuron", dir);
  CHECK(s["spike_count"]["spikes"].get<int>() == 6);
  CHECK(s["spike_count"]["losses"].back().get<double>() == 0.0);
  const auto times = s["spike_times"]["losses"];
  CHECK(times.back().get<double>() < times.front().get<double>());
  for (const char* png : {"count_adjoint.png", "count_voltage.png", "count_loss.png", "times_voltage.png", "times_adjoint.png"})
    CHECK(std::filesystem::file_size(dir / png) > 1000);
}

TEST_CASE("example (b) odd firing: the loss falls with and without trained tau_mem_inv") {
  const auto dir = test::scratch("example_b");
  const auto s = run_example("norn-odd-firing", dir);
  for (const char* v : {"fixed_tau", "trained_tau"}) {
    INFO(v);
    CHECK(s[v]["last_loss"].get<double>() < 0.25 * s[v]["first_loss"].get<double>());
  }
  CHECK(std::filesystem::file_size(dir / "losses.png") > 1000);
}

TEST_CASE("example (c) stochastic computing: KL divergence at most 0.05 after 40 epochs") {
  const auto dir = test::scratch("example_c");
  const auto s = run_example("norn-stochastic-computing", dir);
  CHECK(s["kl"].size() == 40);
  CHECK(s["final_kl"].get<double>() <= 0.05);
  CHECK(s["kl"].front().get<double>() > s["final_kl"].get<double>());
  for (const char* png : {"sampling.png", "distribution.png", "kl.png"}) CHECK(std::filesystem::file_size(dir / png) > 1000);
}
