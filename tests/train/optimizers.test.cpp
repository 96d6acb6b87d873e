// The optimizers against PyTorch's update rules, written out by hand.
#include <catch2/catch.hpp>

#include <runtime/io/npy.hpp>

#include <runtime/train/optimizers.hpp>

#include <cmath>

using namespace norn;
using Catch::Matchers::WithinRel;

namespace {
struct one_parameter {
  std::vector<float> value{1.0f, -2.0f}, grad{0.5f, 0.25f};
  std::vector<parameter_ref> refs(parameter_group g = parameter_group::weights) {
    return {{"p", {2}, value, grad, g}};
  }
};
}  // namespace

TEST_CASE("optimizers: Adam follows torch.optim.Adam (bias-corrected moments)") {
  optimizer_options o;
  o.lr = 0.1;
  optimizer adam(o);
  one_parameter p;
  double m = 0, v = 0, x = 1.0;
  for (int t = 1; t <= 3; ++t) {
    auto refs = p.refs();
    adam.step(refs);
    const double g = 0.5;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    x -= 0.1 / (1 - std::pow(0.9, t)) * m / (std::sqrt(v) / std::sqrt(1 - std::pow(0.999, t)) + 1e-8);
    CHECK_THAT(p.value[0], WithinRel(x, 1e-6));
  }
  CHECK(adam.steps_taken() == 3);
}

TEST_CASE("optimizers: SGD with momentum and weight decay follows torch.optim.SGD") {
  optimizer_options o;
  o.type = "sgd";
  o.lr = 0.1;
  o.momentum = 0.9;
  o.weight_decay = 0.01;
  optimizer sgd(o);
  one_parameter p;
  double buf = 0, x = 1.0;
  for (int t = 1; t <= 3; ++t) {
    auto refs = p.refs();
    sgd.step(refs);
    const double g = 0.5 + 0.01 * x;
    buf = t == 1 ? g : 0.9 * buf + g;
    x -= 0.1 * buf;
    CHECK_THAT(p.value[0], WithinRel(x, 1e-6));
  }
}

TEST_CASE("optimizers: neuron parameters take their own learning rate") {
  optimizer_options o;
  o.type = "sgd";
  o.lr = 0.1;
  o.neuron_lr = 0.001;
  optimizer sgd(o);
  one_parameter w, n;
  auto refs = w.refs();
  auto nrefs = n.refs(parameter_group::neuron);
  refs.push_back({"q", {2}, n.value, n.grad, parameter_group::neuron});
  sgd.step(refs);
  CHECK_THAT(w.value[0], WithinRel(1.0 - 0.1 * 0.5, 1e-6));
  CHECK_THAT(n.value[0], WithinRel(1.0 - 0.001 * 0.5, 1e-6));
}

TEST_CASE("optimizers: clipping by global norm and by value") {
  optimizer_options o;
  o.type = "sgd";
  o.lr = 1.0;
  o.clip_norm = 0.1;
  optimizer sgd(o);
  one_parameter p;  // gradient norm √(0.25 + 0.0625) ≈ 0.559
  auto refs = p.refs();
  sgd.step(refs);
  const double coef = 0.1 / (std::sqrt(0.3125) + 1e-6);
  CHECK_THAT(p.value[0], WithinRel(1.0 - 0.5 * coef, 1e-6));
  optimizer_options c;
  c.type = "sgd";
  c.lr = 1.0;
  c.clip_value = 0.3;
  optimizer clipper(c);
  one_parameter q;
  auto qrefs = q.refs();
  clipper.step(qrefs);
  CHECK(q.value[0] == 0.7f);
  CHECK(q.value[1] == -2.25f);
}

TEST_CASE("optimizers: saving and loading the state continues the same trajectory") {
  optimizer_options o;
  optimizer a(o), b(o);
  one_parameter pa, pb;
  for (int k = 0; k < 2; ++k) {
    auto r = pa.refs();
    a.step(r);
  }
  const auto dir = std::filesystem::path(NORN_TEST_TMP) / "optimizer_state";
  a.save(dir);
  b.load(dir, pb.refs());
  pb.value = pa.value;
  auto ra = pa.refs(), rb = pb.refs();
  a.step(ra);
  b.step(rb);
  CHECK(pa.value == pb.value);
  CHECK(b.steps_taken() == 3);
}

TEST_CASE("optimizers: a loaded state that does not fit the parameters is refused") {
  optimizer_options o;
  optimizer a(o);
  one_parameter p;
  auto refs = p.refs();
  a.step(refs);
  const auto dir = std::filesystem::path(NORN_TEST_TMP) / "optimizer_bad_state";
  a.save(dir);
  const auto first = dir / "0.first.npy", second = dir / "0.second.npy";
  const auto keep_first = npy::read(first), keep_second = npy::read(second);
  auto write = [](const std::filesystem::path& f, std::vector<float> v) {
    const std::size_t shape[1] = {v.size()};
    npy::write(f, v, shape);
  };
  optimizer b(o);
  write(first, std::vector<float>(keep_first.values.size() + 3, 0.0f));  // a heap overflow in step() once
  CHECK_THROWS_WITH(b.load(dir, p.refs()), Catch::Contains("holds 5 values; parameter p has 2"));
  write(first, {keep_first.values.begin(), keep_first.values.end()});
  write(second, {-1.0f, 0.5f});
  CHECK_THROWS_WITH(b.load(dir, p.refs()), Catch::Contains("must be finite and ≥ 0"));
  write(second, {std::nanf(""), 0.5f});
  CHECK_THROWS_WITH(b.load(dir, p.refs()), Catch::Contains("must be finite"));
  one_parameter other;
  auto renamed = other.refs();
  renamed[0].name = "q";
  CHECK_THROWS_WITH(b.load(dir, renamed), Catch::Contains("state for 'p', which this network does not have"));
}
