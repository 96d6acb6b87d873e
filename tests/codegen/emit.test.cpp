// The emitted source is real: the forward and adjoint steps `norn emit` prints for every
// built-in model are compiled here with the system compiler and run on the same states,
// parameters and inputs as the compile-time kernels; both must give the same numbers.

#include <codegen/emit.hpp>
#include <models/all.hpp>
#include <runtime/core/info_of.hpp>
#include <runtime/core/registry.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace norn;

namespace {

constexpr int cases = 200;

/// One random case: states, parameters (defaults jittered), input, adjoints after the step.
struct sample {
  std::vector<float> state, param, lambda;
  float input = 0, grad_out = 0;
};

template <class M>
std::vector<sample> samples_of(unsigned seed) {
  using S = codegen::slots<M>;
  const model_info info = info_of<M>();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<sample> out(cases);
  for (auto& c : out) {
    for (std::size_t s = 0; s < S::state_count; ++s) c.state.push_back(float(info.states[s].value) + 1.5f * u(rng));
    for (std::size_t q = 0; q < S::parameter_count; ++q)
      c.param.push_back(float(info.parameters[q].value) * (1.0f + 0.1f * u(rng)));
    for (std::size_t s = 0; s < S::state_count; ++s) c.lambda.push_back(u(rng));
    c.input = 2.0f * u(rng) + 1.0f;
    c.grad_out = u(rng);
  }
  return out;
}

/// The driver calling the emitted functions on every case and printing every result. The
/// cases are data in a global array (one call site per function keeps the file quick to
/// compile; values the compiler cannot fold keep its exp, correctly rounded at compile
/// time, from standing in for the library's, which the kernels use).
template <class M>
std::string driver(const std::vector<sample>& cs, double alpha) {
  using S = codegen::slots<M>;
  const std::string id(M::name.view());
  constexpr std::size_t ns = S::state_count, np = S::parameter_count, width = 2 * ns + np + 4;
  std::string d = fmt::format("float {}_cases[{}][{}] = {{\n", id, cs.size(), width);
  for (const auto& c : cs) {
    d += "  {";
    for (float v : c.state) d += fmt::format("{:a}f, ", v);
    for (float v : c.lambda) d += fmt::format("{:a}f, ", v);
    for (float v : c.param) d += fmt::format("{:a}f, ", v);
    d += fmt::format("{:a}f, {:a}f, 0.001f, {:a}f}},\n", c.input, c.grad_out, float(alpha));
  }
  d += "};\n\n";
  std::string states, lambdas, params, grads;
  for (std::size_t s = 0; s < ns; ++s) states += fmt::format("{}s{}", s ? ", " : "", s), lambdas += fmt::format(", l{}", s);
  for (std::size_t q = 0; q < np; ++q) params += fmt::format(", c[{}]", 2 * ns + q), grads += fmt::format(", g{}", q);
  const std::size_t in = 2 * ns + np;
  d += fmt::format("void run_{}() {{\n  for (const auto& c : {}_cases) {{\n", id, id);
  for (std::size_t s = 0; s < ns; ++s) d += fmt::format("    float s{0} = c[{0}], l{0} = c[{1}];\n", s, ns + s);
  for (std::size_t q = 0; q < np; ++q) d += fmt::format("    float g{} = 0.0f;\n", q);
  d += "    float gx = 0.0f;\n";
  d += fmt::format("    norn_emitted::{}_backward({}{}, c[{}], c[{}], c[{}], 1.0f, c[{}]{}{}, gx);\n", id, states, params, in,
                   in + 2, in + 3, in + 1, lambdas, grads);
  d += fmt::format("    const float out = norn_emitted::{}_forward({}{}, c[{}], c[{}]);\n", id, states, params, in, in + 2);
  d += "    std::printf(\"%a\\n\", out);\n";
  for (std::size_t s = 0; s < ns; ++s) d += fmt::format("    std::printf(\"%a %a\\n\", s{0}, l{0});\n", s);
  for (std::size_t q = 0; q < np; ++q) d += fmt::format("    std::printf(\"%a\\n\", g{});\n", q);
  d += "    std::printf(\"%a\\n\", gx);\n  }\n}\n\n";
  return d;
}

/// The same numbers from the compile-time kernels, in the driver's order.
template <class M>
std::vector<float> reference(const std::vector<sample>& cs) {
  using S = codegen::slots<M>;
  using Sg = dsl::default_surrogate_t<M>;
  std::vector<float> r;
  for (const auto& c : cs) {
    codegen::env<M, float> f;
    codegen::env<M, float, codegen::surrogate_values> b;
    b.rules.alpha = Sg::default_alpha;
    b.rules.reset_grad = 1.0;
    for (std::size_t s = 0; s < S::state_count; ++s) f.values[s] = b.values[s] = c.state[s];
    for (std::size_t q = 0; q < S::parameter_count; ++q) f.values[S::state_count + q] = b.values[S::state_count + q] = c.param[q];
    f.values[S::input_slot] = b.values[S::input_slot] = c.input;
    f.values[S::dt_slot] = b.values[S::dt_slot] = 0.001f;
    std::array<float, S::count> bar{};
    for (std::size_t s = 0; s < S::state_count; ++s) bar[s] = c.lambda[s];
    bar[codegen::output_slot<M>()] += c.grad_out;
    codegen::backward_step<Sg>(b, bar);
    codegen::forward_step(f);
    r.push_back(f.values[codegen::output_slot<M>()]);
    for (std::size_t s = 0; s < S::state_count; ++s) r.push_back(f.values[s]), r.push_back(bar[s]);
    for (std::size_t q = 0; q < S::parameter_count; ++q) r.push_back(bar[S::state_count + q]);
    r.push_back(bar[S::input_slot]);
  }
  return r;
}

/// The same bits: the emitted code does the kernels' operations in the kernels' order.
bool same_bits(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b;
}

}  // namespace

TEST_CASE("emitted forward and backward code compiles and matches the kernels, every built-in model", "[emit]") {
  const auto dir = std::filesystem::path(NORN_TEST_TMP) / "emit";
  std::filesystem::create_directories(dir);
  std::string source = codegen::emit_prelude() + "#include <cstdio>\n\nnamespace norn_emitted {\n";
  std::string drivers, calls;
  std::vector<std::pair<std::string, std::vector<float>>> expected;
  std::apply(
      [&](auto... m) {
        unsigned seed = 1;
        (
            [&] {
              using M = decltype(m);
              using Sg = dsl::default_surrogate_t<M>;
              const auto cs = samples_of<M>(seed++);
              // the text `norn emit` prints (the registry's entry, compiled in the library)
              const auto& entry = find_model(builtin_models(), M::name.view());
              source += entry.emit(false, {}) + "\n" + entry.emit(true, {}) + "\n";
              drivers += driver<M>(cs, Sg::default_alpha);
              calls += fmt::format("  run_{}();\n", std::string(M::name.view()));
              expected.emplace_back(std::string(M::name.view()), reference<M>(cs));
            }(),
            ...);
      },
      models::all{});
  source += "}  // namespace norn_emitted\n\n" + drivers + "int main() {\n" + calls + "}\n";
  const auto cpp = dir / "emitted.cpp", exe = dir / "emitted", txt = dir / "emitted.txt";
  std::ofstream(cpp) << source;
  const std::string compile = fmt::format("{} -std=c++20 -O2 {} -ffp-contract=off -fno-trapping-math -fno-math-errno -o {} {} 2>&1",
                                          NORN_CXX, NORN_TEST_MARCH, exe.string(), cpp.string());
  INFO(compile);
  REQUIRE(std::system(compile.c_str()) == 0);
  REQUIRE(std::system((exe.string() + " > " + txt.string()).c_str()) == 0);
  std::ifstream in(txt);
  std::string word;
  for (const auto& [name, want] : expected) {
    std::size_t mismatches = 0;
    for (float w : want) {
      REQUIRE(static_cast<bool>(in >> word));
      mismatches += !same_bits(std::strtof(word.c_str(), nullptr), w);
    }
    INFO(name << ": " << mismatches << " of " << want.size() << " values differ");
    CHECK(mismatches == 0);
  }
  CHECK_FALSE(static_cast<bool>(in >> word));  // nothing left over
}
