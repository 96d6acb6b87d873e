// The example model of examples/custom_model/qif.hpp, declared outside Norn, runs through the
// same generated kernels as the built-in models.
#include <catch2/catch.hpp>

#include <custom_model/qif.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("example qif: hand-computed first steps") {
  // x = 5: i_j = 5, v' = 0 + 0.1 * (0 * -1 + 5) = 0.5, i' = 4
  auto r = test::run<lab::qif, double>(1, 2, {5.0, 0.0});
  CHECK_THAT(r.states[0][0], WithinRel(0.5, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(4.0, 1e-12));
  // v' = 0.5 + 0.1 * (0.5 * -0.5 + 4) = 0.875
  CHECK_THAT(r.states[0][1], WithinRel(0.875, 1e-12));
}

TEST_CASE("example qif: above v_crit the voltage blows up, spikes and resets") {
  std::vector<double> x(200, 0.0);
  x[0] = 20.0;
  auto r = test::run<lab::qif, double>(1, 200, x);
  std::size_t spikes = 0;
  for (std::size_t t = 0; t < 200; ++t) {
    if (r.out[t] == 1.0) {
      ++spikes;
      CHECK(r.states[0][t] == 0.0);
    }
  }
  CHECK(spikes >= 1);
  // below v_crit and without input it relaxes to v_rest
  auto q = test::run<lab::qif, double>(1, 500, std::vector<double>(500, 0.0));
  CHECK(q.out == std::vector<double>(500, 0.0));
}

#include <gradient_law.hpp>
#include <runtime/core/registry.hpp>
#include <runtime/train/config.hpp>

#include <boost/hana/for_each.hpp>

TEST_CASE("example qif: its generated adjoint equals dual numbers and finite differences, with no extra code") {
  const test::drive spiking{20.0, 5.0, 0.2};
  // every surrogate qif can be differentiated with: the built-in ones and its own heavy_tail
  std::vector<std::string> names;
  boost::hana::for_each(dsl::surrogates_of<lab::qif>(), [&](auto surrogate) {
    using Sg = decltype(surrogate);
    names.emplace_back(Sg::name.view());
    INFO("surrogate " << Sg::name.view());
    CHECK(test::check_adjoint_against_duals<lab::qif, Sg>(spiking, 60, 1) >= 2);
    test::check_adjoint_against_duals<lab::qif, Sg>(spiking, 60, 1, /*detach_reset=*/true);
  });
  CHECK(names.back() == "heavy_tail");
  test::check_adjoint_against_finite_differences<lab::qif>(test::drive{0.05, 0.02}, 50, 2);
}

TEST_CASE("example qif: its own surrogate is its default and is chosen by name like the built-in ones") {
  const auto info = info_of<lab::qif>();
  REQUIRE(info.surrogate_index("heavy_tail"));
  CHECK(info.default_surrogate == *info.surrogate_index("heavy_tail"));
  CHECK(resolve({"heavy_tail"}, info).alpha == 1.0);
  // in a configuration, next to the built-in models
  std::vector<model_entry> models = builtin_models();
  models.push_back({info, nullptr, nullptr});  // configurations read only the declaration
  auto config = [&](const std::string& type) {
    return parse_config(nlohmann::json::parse(R"({"layers": [{"type": ")" + type + R"(", "neurons": 3, "surrogate": "heavy_tail"}]})"),
                        "qif.json", models);
  };
  const auto c = config("qif");
  CHECK(c.layers.front().type == "qif");
  CHECK_THROWS_WITH(config("lif"), Catch::Contains("unknown surrogate 'heavy_tail' for model 'lif'"));
  // and its kernels run: a population's backward through it gives gradients
  population<lab::qif> pop(2);
  pop.gradient_rule().surrogate = "heavy_tail";
  std::vector<float> x(100, 3.0f), out(100), gx(100), w(100, 1.0f);
  tape<float> kept;
  pop.forward(50, x, out, kept);
  auto io = pop.gradients();
  io.grad_out = w;
  io.grad_x = gx;
  pop.backward(kept, x, io);
  double total = 0;
  for (float g : gx) total += std::abs(g);
  CHECK(total > 0);
}
