// Populations behind the run-time interface (a model's registry entry): the same bits as the
// typed population, double precision, and what they refuse.
#include <catch2/catch.hpp>

#include <models/lif.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/population.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/registry.hpp>

#include <cmath>

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

TEST_CASE("dynamic population: double precision runs and differentiates in float64, and each precision refuses the other's arrays") {
  const auto& lif = find_model(builtin_models(), "lif");
  auto d = lif.make(4, 1, 0.001, true), f = lif.make(4, 1, 0.001, false);
  REQUIRE(d->double_precision());
  REQUIRE_FALSE(f->double_precision());
  std::vector<float> x(40, 1.5f), out_d(40), out_f(40), v_d(40), v_f(40);
  d->run(10, x, out_d, {v_d, {}});
  f->run(10, x, out_f, {v_f, {}});
  for (std::size_t k = 0; k < 40; ++k) CHECK_THAT(v_d[k], Catch::Matchers::WithinAbs(v_f[k], 1e-6));

  // the same sequence forward and backward in both precisions, from a state set by hand
  const std::vector<double> v0{0.1, 0.2, 0.3, 0.4};
  const std::vector<double> xd(x.begin(), x.end());
  std::vector<double> outd(40), gxd(40), gtau_d(4), lambda_d(4), gout_d(40, 1.0);
  std::vector<float> outf(40), gxf(40), gtau_f(4), lambda_f(4), gout_f(40, 1.0f);
  d->reset();
  f->reset();
  d->set_state(0, v0);
  f->set_state(0, v0);
  std::vector<double> read(4);
  d->read_state(0, read);
  CHECK(read == v0);
  d->start_tape(1);
  f->start_tape(1);
  d->forward(10, xd, outd);
  f->forward(10, x, outf);
  gradient_io<double> gd;
  gd.grad_state.resize(2), gd.lambda.resize(2), gd.record_lambda.resize(2), gd.grad_param.resize(5);
  gd.grad_out = gout_d, gd.grad_x = gxd, gd.grad_param[1] = gtau_d, gd.lambda[0] = lambda_d;
  auto gf = f->gradients();
  gf.grad_out = gout_f, gf.grad_x = gxf, gf.grad_param[1] = gtau_f, gf.lambda[0] = lambda_f;
  d->backward(xd, gd, 0, 10);
  f->backward(x, gf, 0, 10);
  for (std::size_t k = 0; k < 40; ++k) CHECK_THAT(gxd[k], Catch::Matchers::WithinRel(double(gxf[k]), 1e-4));
  for (std::size_t n = 0; n < 4; ++n) {
    CHECK_THAT(gtau_d[n], Catch::Matchers::WithinRel(double(gtau_f[n]), 1e-4));
    CHECK_THAT(lambda_d[n], Catch::Matchers::WithinRel(double(lambda_f[n]), 1e-4));
    CHECK(lambda_d[n] != 0);
  }

  CHECK_THROWS_WITH(d->forward(10, x, out_f), Catch::Contains("takes float64 arrays"));
  CHECK_THROWS_WITH(f->forward(10, xd, outd), Catch::Contains("computes in float32"));
  CHECK_THROWS_WITH(f->set_state(0, std::vector<double>(3)), Catch::Contains("needs 4 values"));
  CHECK_THROWS_WITH(f->set_state(0, std::vector<double>(4, std::nan(""))), Catch::Contains("must be finite"));
  CHECK_THROWS_WITH(f->set_gradient_rule({"no_such"}), Catch::Contains("unknown surrogate 'no_such'"));
  CHECK_THROWS_AS(f->set_parameter("tau", 1.0), bad_input);
}
