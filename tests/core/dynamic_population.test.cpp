// Populations behind the run-time interface (a model's registry entry): the same bits as the
// typed population, double precision, and what they refuse.
#include <catch2/catch.hpp>

#include <models/lif.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/population.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/registry.hpp>

using namespace norn;

TEST_CASE("dynamic population: forward and backward give the typed population's bits") {
  const std::size_t N = 130, B = 2, T = 60, size = T * B * N;
  std::vector<float> x(size);
  fill_bernoulli(x, 0.2, 3.0, 4);
  std::vector<float> w(size);
  for (std::size_t k = 0; k < size; ++k) w[k] = uniform01(5, k) - 0.5f;

  population<models::lif> typed(N, B);
  typed.set_parameter("v_th", 0.8);
  tape<float> kept(3);
  std::vector<float> out_typed(size), gx_typed(size), gtau_typed(N);
  typed.forward(T, x, out_typed, kept);
  auto io = typed.gradients();
  io.grad_out = w;
  io.grad_x = gx_typed;
  io.grad_param[1] = gtau_typed;
  typed.backward(kept, x, io);

  auto dynamic = find_model(builtin_models(), "lif").make(N, B, 0.001, false);
  dynamic->set_parameter("v_th", 0.8);
  dynamic->start_tape(3);
  std::vector<float> out(size), gx(size), gtau(N);
  dynamic->forward(T, x, out);
  auto dio = dynamic->gradients();
  dio.grad_out = w;
  dio.grad_x = gx;
  dio.grad_param[1] = gtau;
  dynamic->backward(x, dio, 0, T);
  CHECK(out == out_typed);
  CHECK(gx == gx_typed);
  CHECK(gtau == gtau_typed);
  CHECK(dynamic->taped_steps() == T);
}

TEST_CASE("dynamic population: double precision runs, and refuses gradients with a clear message") {
  const auto& lif = find_model(builtin_models(), "lif");
  auto d = lif.make(4, 1, 0.001, true), f = lif.make(4, 1, 0.001, false);
  std::vector<float> x(40, 1.5f), out_d(40), out_f(40), v_d(40), v_f(40);
  d->run(10, x, out_d, {v_d, {}});
  f->run(10, x, out_f, {v_f, {}});
  for (std::size_t k = 0; k < 40; ++k) CHECK_THAT(v_d[k], Catch::Matchers::WithinAbs(v_f[k], 1e-6));
  CHECK_THROWS_WITH(d->start_tape(1), Catch::Contains("gradients are computed in float precision"));
  CHECK_THROWS_WITH(f->set_gradient_rule({"no_such"}), Catch::Contains("unknown surrogate 'no_such'"));
  CHECK_THROWS_AS(f->set_parameter("tau", 1.0), bad_input);
}
