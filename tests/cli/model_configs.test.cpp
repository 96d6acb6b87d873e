// Every built-in model has a training configuration under examples/configs/, and `norn
// train` trains it: a 4-class task whose class drives one quarter of the inputs.
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/core/registry.hpp>

#include <fmt/format.h>

#include <sstream>

using namespace norn;

namespace {
void write_class_task(const std::filesystem::path& dir) {
  const std::size_t S = 64, T = 30, F = 20;
  std::vector<float> x(S * T * F), labels(S);
  for (std::size_t s = 0; s < S; ++s) {
    labels[s] = float(s % 4);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t f = 0; f < F; ++f) {
        const double p = f / 5 == s % 4 ? 0.5 : 0.05;
        x[(s * T + t) * F + f] = uniform01(9, (s * T + t) * F + f) < p ? 1.0f : 0.0f;
      }
  }
  const std::size_t xs[3] = {S, T, F}, ls[1] = {S};
  npy::write(dir / "x.npy", x, xs);
  npy::write(dir / "y.npy", labels, ls);
}
}  // namespace

TEST_CASE("model configs: one per built-in model, and each trains") {
  const auto dir = test::scratch("model_configs");
  write_class_task(dir);
  for (const auto& m : builtin_models()) {
    const auto config = std::filesystem::path(NORN_EXAMPLES_DIR) / "configs" / (m.info.name + ".json");
    INFO(m.info.name);
    REQUIRE(std::filesystem::exists(config));
    const auto out = dir / m.info.name;
    const auto r = test::run_norn(fmt::format("train {} --data {} --targets {} --quiet --out {}", config.string(),
                                              (dir / "x.npy").string(), (dir / "y.npy").string(), out.string()));
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::istringstream csv(test::slurp(out / "metrics.csv"));
    std::string line;
    std::getline(csv, line);
    std::vector<double> loss, accuracy;
    while (std::getline(csv, line)) {
      std::istringstream fields(line);
      std::string epoch, l, a;
      std::getline(fields, epoch, ',');
      std::getline(fields, l, ',');
      std::getline(fields, a, ',');
      loss.push_back(std::stod(l));
      accuracy.push_back(std::stod(a));
    }
    REQUIRE(loss.size() == 5);
    for (double l : loss) CHECK(std::isfinite(l));
    CHECK(loss.back() < loss.front());
  }
}
