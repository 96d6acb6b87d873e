// `norn simulate` end to end: the README's contract on names, shapes, rows and errors.
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/registry.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/train/loss.hpp>

using namespace norn;
using test::run_norn;

TEST_CASE("simulate: writes v, i and spikes as float32 T x N, row t the state after step t") {
  const auto dir = test::scratch("sim_ok");
  const auto r = run_norn(fmt::format("simulate --model lif --neurons 7 --steps 30 --input-bernoulli 0.2 --weight 4 "
                                  "--seed 3 --set v_th=0.5 --out {}", (dir / "out").string()));
  REQUIRE(r.code == 0);
  for (const char* name : {"v.npy", "i.npy", "spikes.npy"}) {
    const auto a = npy::read(dir / "out" / name);
    CHECK(a.dtype == "<f4");
    CHECK(a.shape == std::vector<std::size_t>{30, 7});
  }
  // The same run through the library, on the same input.
  const auto x = bernoulli_spikes(30, 7, 0.2, 4.0, 3);
  auto pop = find_model(builtin_models(), "lif").make(7, 1, 0.001, false);
  pop->set_parameter("v_th", 0.5);
  std::vector<float> ref_v(30 * 7), ref_z(30 * 7);
  pop->run(30, x, ref_z, {ref_v, {}});
  const auto v = npy::read(dir / "out" / "v.npy");
  const auto z = npy::read(dir / "out" / "spikes.npy");
  double spikes = 0;
  for (std::size_t k = 0; k < 30 * 7; ++k) {
    REQUIRE(v.values[k] == ref_v[k]);
    REQUIRE(z.values[k] == ref_z[k]);
    spikes += z.values[k];
  }
  CHECK(spikes > 0);
  // After a spike the recorded voltage is the reset value (row t is after the reset).
  for (std::size_t k = 0; k < 30 * 7; ++k)
    if (z.values[k] == 1.0) REQUIRE(v.values[k] == 0.0);
}

TEST_CASE("simulate: --input FILE.npy of shape T x N, --record chooses the states") {
  const auto dir = test::scratch("sim_input");
  std::vector<float> x(5 * 2, 0.0f);
  x[0] = 30.0f;  // neuron 0 spikes at step 0
  const std::size_t shape[2] = {5, 2};
  npy::write(dir / "x.npy", x, shape);
  const auto r = run_norn(fmt::format("simulate --model lif --neurons 2 --steps 5 --input {} --record i --out {}",
                                  (dir / "x.npy").string(), (dir / "out").string()));
  REQUIRE(r.code == 0);
  CHECK(std::filesystem::exists(dir / "out" / "i.npy"));
  CHECK_FALSE(std::filesystem::exists(dir / "out" / "v.npy"));
  const auto z = npy::read(dir / "out" / "spikes.npy");
  CHECK(z.values[0] == 1.0);
  CHECK(z.values[1] == 0.0);
}

TEST_CASE("simulate: non-spiking models write their states and no spikes") {
  const auto dir = test::scratch("sim_li");
  REQUIRE(run_norn(fmt::format("simulate --model li --neurons 3 --steps 4 --input-const 1 --out {}", dir.string())).code == 0);
  CHECK(std::filesystem::exists(dir / "v.npy"));
  CHECK_FALSE(std::filesystem::exists(dir / "spikes.npy"));
}

TEST_CASE("simulate: --plot writes the traces, the raster and the histograms as PNG") {
  const auto dir = test::scratch("sim_plot");
  const auto r = run_norn(fmt::format("simulate --model lif --neurons 50 --steps 200 --input-bernoulli 0.05 "
                                  "--set v_th=0.3 --plot --out {}", dir.string()));
  REQUIRE(r.code == 0);
  for (const char* name : {"traces.png", "raster.png", "spike_counts.png", "input_counts.png"}) {
    const std::string png = test::slurp(dir / name);
    CHECK(png.size() > 1000);
    CHECK(png.substr(1, 3) == "PNG");
  }
}

TEST_CASE("simulate: bad input exits 2 with one line naming the culprit and writes nothing") {
  const auto dir = test::scratch("sim_bad");
  std::vector<float> wrong(3 * 4, 0.0f);
  const std::size_t shape[2] = {3, 4};
  npy::write(dir / "wrong.npy", wrong, shape);
  std::vector<float> with_nan(5 * 2, 0.0f);
  with_nan[3] = std::nanf("");
  const std::size_t shape2[2] = {5, 2};
  npy::write(dir / "nan.npy", with_nan, shape2);
  const std::string out = (dir / "out").string();
  const std::string base = "simulate --neurons 2 --steps 5 --out " + out + " ";
  const std::pair<std::string, std::string> cases[] = {
      {base + "--model nope --input-const 1", "unknown model 'nope'"},
      {base + "--model lif --set tau=3 --input-const 1", "no parameter 'tau'"},
      {base + "--model lif --set v_th=abc --input-const 1", "v_th must be a number"},
      {base + "--model lif --set v_th --input-const 1", "NAME=VALUE"},
      {base + "--model lif --input " + (dir / "wrong.npy").string(), "has shape [3, 4]"},
      {base + "--model lif --input " + (dir / "nan.npy").string(), "non-finite"},
      {base + "--model lif --input " + (dir / "missing.npy").string(), "missing.npy"},
      {base + "--model lif", "exactly one of --input"},
      {base + "--model lif --input-const 1 --input-bernoulli 0.1", "exactly one of --input"},
      {base + "--model lif --input-bernoulli 1.5", "probability"},
      {base + "--model lif --input-const 1 --record v,w", "no state 'w'"},
      {base + "--model lif --input-const 1 --dt -1", "--dt"},
      {"simulate --model lif --neurons 0 --steps 5 --input-const 1 --out " + out, "--neurons"},
      {"simulate --model lif --neurons 2 --steps 5 --input-const 1", "--out"},
      {"simulate --model lif --neurons two --steps 5 --input-const 1 --out " + out, "neurons"},
      {"frobnicate", "frobnicate"},
  };
  for (const auto& [args, culprit] : cases) {
    INFO(args);
    const auto r = run_norn(args);
    CHECK(r.code == 2);
    CHECK(test::line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(culprit));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
  }
}

TEST_CASE("simulate: a failed run leaves an existing output directory as it was") {
  const auto dir = test::scratch("sim_keep");
  REQUIRE(run_norn(fmt::format("simulate --model lif --neurons 2 --steps 3 --input-const 1 --out {}", dir.string())).code == 0);
  const auto before = test::slurp(dir / "v.npy");
  CHECK(run_norn(fmt::format("simulate --model lif --neurons 2 --steps 3 --input-const 1 --set x=1 --out {}", dir.string())).code == 2);
  CHECK(test::slurp(dir / "v.npy") == before);
  for (const auto& entry : std::filesystem::directory_iterator(dir.parent_path()))
    CHECK(entry.path().filename().string().find("sim_keep.staging") == std::string::npos);
}

TEST_CASE("models: lists every built-in model with its parameters and defaults") {
  const auto r = run_norn("models");
  REQUIRE(r.code == 0);
  for (const auto& m : builtin_models()) CHECK_THAT(r.out, Catch::Contains(m.info.name + "  —  "));
  CHECK_THAT(r.out, Catch::Contains("tau_mem_inv") && Catch::Contains("default 100"));
  const auto one = run_norn("models lsnn");
  CHECK(one.code == 0);
  CHECK_THAT(one.out, Catch::Contains("tau_adapt_inv"));
  CHECK_FALSE(Catch::Contains("izhikevich").match(one.out));
  CHECK(run_norn("models nope").code == 2);
}

TEST_CASE("simulate --loss: adjoint traces, input and parameter gradients as files") {
  const auto dir = test::scratch("sim_adjoint");
  const auto r = run_norn(fmt::format("simulate --model lif --neurons 2 --steps 300 --input-bernoulli 0.3 --weight 2 "
                                      "--seed 1 --loss spike-count=6 --record-adjoint v,i --out {}", dir.string()));
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("kept 4816 bytes for the backward"));  // (300 + 1) steps × 2 neurons × 2 states × 4 bytes
  for (const char* name : {"lambda_v.npy", "lambda_i.npy", "grad_input.npy"})
    CHECK(npy::read(dir / name).shape == std::vector<std::size_t>{300, 2});
  CHECK(npy::read(dir / "grad_tau_mem_inv.npy").shape == std::vector<std::size_t>{2});
  // the same backward through the library
  auto p = find_model(builtin_models(), "lif").make(2, 1, 0.001, false);
  const auto x = bernoulli_spikes(300, 2, 0.3, 2.0, 1);
  sequence out(300, 1, 2);
  p->start_tape(1);
  p->forward(300, x, out.span());
  loss_gradient g;
  const double loss = parse_loss_shorthand("spike_count=6")->evaluate({out}, {}, g).value;
  CHECK_THAT(r.out, Catch::Contains(fmt::format("loss {:.6g}", loss)));
  std::vector<float> lv(600), li(600), gx(600);
  auto io = p->gradients();
  io.grad_out = g.dy.span();
  io.record_lambda = {std::span<float>(lv), std::span<float>(li)};
  io.grad_x = gx;
  p->backward(x, io, 0, 300);
  const auto file = npy::read(dir / "lambda_v.npy");
  for (std::size_t k = 0; k < 600; ++k) REQUIRE(file.values[k] == lv[k]);
  double nonzero = 0;
  for (float v : lv) nonzero += v != 0.0f;
  CHECK(nonzero > 100);
}

TEST_CASE("simulate --loss spike-times, surrogates and checkpoints") {
  const auto dir = test::scratch("sim_times");
  const std::string base = "simulate --model lif --neurons 1 --steps 200 --input-bernoulli 0.3 --weight 2 --seed 2 ";
  REQUIRE(run_norn(base + "--loss spike-times=50,120 --surrogate arctan --alpha 3 --checkpoint-every 16 --out " +
                   (dir / "a").string()).code == 0);
  REQUIRE(run_norn(base + "--loss spike-times=50,120 --surrogate arctan --alpha 3 --out " + (dir / "b").string()).code == 0);
  CHECK(test::slurp(dir / "a" / "lambda_v.npy") == test::slurp(dir / "b" / "lambda_v.npy"));
  const std::pair<std::string, std::string> bad[] = {
      {base + "--loss spike-times=50,900", "spike-times"},
      {base + "--loss spike-rate=3", "unknown --loss"},
      {base + "--loss spike-count=3 --surrogate sigmoidal", "unknown surrogate 'sigmoidal'"},
      {base + "--surrogate arctan", "need a --loss"},
      {base + "--loss spike-count=3 --record-adjoint w", "no state 'w'"},
      {base + "--loss spike-count=3 --alpha -1", "--alpha"},
      {"simulate --model li --neurons 1 --steps 5 --input-const 1 --loss spike-count=1", "needs a spiking model"},
  };
  for (const auto& [args, culprit] : bad) {
    INFO(args);
    const auto r = run_norn(args + " --out " + (dir / "bad").string());
    CHECK(r.code == 2);
    CHECK(test::line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(culprit));
    CHECK_FALSE(std::filesystem::exists(dir / "bad"));
  }
}
