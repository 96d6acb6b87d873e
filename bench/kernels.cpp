// The generated lif kernels against a plain hand-written C++ lif loop (the loop a careful
// engineer writes: arrays per state, a step loop over time, an OpenMP `parallel for simd`
// over neurons, the reset as a select), forward and backward (the hand-derived adjoint of
// the same step), on the same inputs. Prints both times and their ratio; checks that both
// compute the same numbers.
//
//   norn-bench-kernels [--neurons N] [--steps T] [--repeat R]

#include <models/lif.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/population.hpp>

#include <fmt/core.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

using namespace norn;

namespace {

// lif's parameters (models/lif.hpp) and SuperSpike with alpha = 100. Run-time values, as in any
// simulator that reads its parameters from a configuration (compile-time constants would
// let the compiler fold products such as dt · tau_mem_inv, which no configurable code gets).
struct lif_parameters {
  float dt = 0.001f, tau_syn_inv = 200, tau_mem_inv = 100, v_leak = 0, v_th = 1, v_reset = 0, alpha = 100;
};
volatile bool keep_parameters_opaque = true;
lif_parameters parameters() {
  lif_parameters p;
  if (!keep_parameters_opaque) p.v_th = 2;  // never taken; the compiler cannot know
  return p;
}

/// Forward, keeping the state before each step: v_tape, i_tape are [T][N].
void hand_forward(std::size_t N, std::size_t T, const float* x, float* z, float* v_tape, float* i_tape) {
  const auto [dt, tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset, alpha] = parameters();
  std::vector<float> v(N, 0.0f), i(N, 0.0f);
  float* vp = v.data();
  float* ip = i.data();
  for (std::size_t t = 0; t < T; ++t) {
    const float* xt = x + t * N;
    float* zt = z + t * N;
    float* vt = v_tape + t * N;
    float* it = i_tape + t * N;
#pragma omp parallel for simd schedule(static)
    for (std::size_t n = 0; n < N; ++n) {
      vt[n] = vp[n];
      it[n] = ip[n];
      const float ij = ip[n] + xt[n];
      const float v1 = vp[n] + dt * (tau_mem_inv * ((v_leak - vp[n]) + ij));
      ip[n] = ij + dt * (-(tau_syn_inv * ij));
      const float s = v1 - v_th > 0.0f ? 1.0f : 0.0f;
      zt[n] = s;
      vp[n] = (1.0f - s) * v1 + s * v_reset;
    }
  }
}

/// Backward of L = Σ g_z · z: the adjoint of each step derived by hand, walking time back.
void hand_backward(std::size_t N, std::size_t T, const float* x, const float* gz, const float* v_tape,
                   const float* i_tape, float* gx) {
  const auto [dt, tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset, alpha] = parameters();
  std::vector<float> lv(N, 0.0f), li(N, 0.0f);
  float* lvp = lv.data();
  float* lip = li.data();
  for (std::size_t t = T; t-- > 0;) {
    const float* xt = x + t * N;
    const float* g = gz + t * N;
    const float* vt = v_tape + t * N;
    const float* it = i_tape + t * N;
    float* gxt = gx + t * N;
#pragma omp parallel for simd schedule(static)
    for (std::size_t n = 0; n < N; ++n) {
      const float ij = it[n] + xt[n];
      const float v1 = vt[n] + dt * (tau_mem_inv * ((v_leak - vt[n]) + ij));
      const float u = v1 - v_th;
      const float s = u > 0.0f ? 1.0f : 0.0f;
      const float a = alpha * std::abs(u) + 1.0f;
      const float sg = 1.0f / (a * a);  // SuperSpike
      // v'' = (1 − z) v' + z v_reset, z = H(v' − v_th) through the surrogate
      const float lv1 = lvp[n] * ((1.0f - s) + (v_reset - v1) * sg) + g[n] * sg;
      const float lij = lv1 * (dt * tau_mem_inv) + lip[n] * (1.0f - dt * tau_syn_inv);
      lvp[n] = lv1 * (1.0f - dt * tau_mem_inv);
      lip[n] = lij;
      gxt[n] = lij;
    }
  }
}

template <class F>
double best_ms(int repeat, F&& f) {
  double best = 1e300;
  for (int k = 0; k < repeat; ++k) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t N = 32000, T = 1000;
  int repeat = 11;
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string flag = argv[k];
    const std::size_t value = std::strtoull(argv[k + 1], nullptr, 10);
    if (flag == "--neurons") N = value;
    else if (flag == "--steps") T = value;
    else if (flag == "--repeat") repeat = int(value);
    else {
      fmt::print(stderr, "norn-bench-kernels: unknown option {}\n", flag);
      return 2;
    }
  }
  const std::size_t size = N * T;
  std::vector<float> x(size), gz(size);
  fill_bernoulli(x, 0.1, 2.5, 1);
  for (std::size_t k = 0; k < size; ++k) gz[k] = uniform01(7, k) - 0.5f;
  std::vector<float> z_hand(size), v_tape(size), i_tape(size), gx_hand(size);
  std::vector<float> z_gen(size), gx_gen(size);
  population<models::lif> pop(N);
  tape<float> kept;

  // hand-written and generated alternate, so that a noisy neighbour slows both alike
  auto io = pop.gradients();
  io.grad_out = gz;
  io.grad_x = gx_gen;
  double fwd_hand = 1e300, fwd_gen = 1e300, bwd_hand = 1e300, bwd_gen = 1e300;
  for (int k = 0; k < repeat; ++k) {
    fwd_hand = std::min(fwd_hand, best_ms(1, [&] { hand_forward(N, T, x.data(), z_hand.data(), v_tape.data(), i_tape.data()); }));
    fwd_gen = std::min(fwd_gen, best_ms(1, [&] {
                         pop.reset();
                         kept.start(1);
                         pop.forward(T, x, z_gen, kept);
                       }));
    bwd_hand = std::min(bwd_hand, best_ms(1, [&] {
                          hand_backward(N, T, x.data(), gz.data(), v_tape.data(), i_tape.data(), gx_hand.data());
                        }));
    bwd_gen = std::min(bwd_gen, best_ms(1, [&] { pop.backward(kept, x, io); }));
  }

  // the same numbers: spikes equal, input gradients within float rounding
  const bool same_spikes = z_hand == z_gen;
  double worst = 0;
  for (std::size_t k = 0; k < size; ++k)
    worst = std::max(worst, double(std::abs(gx_hand[k] - gx_gen[k])) / (1e-3 + std::abs(gx_hand[k])));
  fmt::print("lif, {} neurons x {} steps ({} threads)\n", N, T, omp_get_max_threads());
  fmt::print("  forward  (keeping the state before each step): hand-written {:8.2f} ms, generated {:8.2f} ms: generated is {:.2f}x as fast\n",
             fwd_hand, fwd_gen, fwd_hand / fwd_gen);
  fmt::print("  backward (adjoint, input gradients):           hand-written {:8.2f} ms, generated {:8.2f} ms: generated is {:.2f}x as fast\n",
             bwd_hand, bwd_gen, bwd_hand / bwd_gen);
  fmt::print("  same spikes: {}; largest relative difference of input gradients: {:.2g}\n", same_spikes ? "yes" : "NO", worst);
  return same_spikes && worst < 1e-3 ? 0 : 1;
}
