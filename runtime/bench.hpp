#pragma once
/// The workloads of `norn bench`, measured best-of-n in one run together with this
/// machine's peaks (single-precision GEMM through Eigen, memory copy), so that every number
/// comes with the ceiling it is measured against.

#include <cstddef>
#include <string>
#include <vector>

namespace norn::bench {

/// One measured workload.
struct result {
  std::string name;     ///< "simulate", "lif-layer", ...
  std::string shape;    ///< what was run, in words
  std::vector<double> seconds;  ///< every repetition
  double neuron_steps = 0;      ///< per run
  double flops = 0;             ///< per run (dense-equivalent for event-driven layers)
  double bytes = 0;             ///< memory traffic per run, estimated
  std::string note;
  std::size_t size = 0;  ///< lif-layer: N

  double best() const;
};

/// The machine's measured ceilings.
struct peaks {
  double sgemm_gflops = 0;  ///< 2048³ single-precision GEMM, all threads
  double copy_gbs = 0;      ///< memcpy of 256 MiB, bytes read + written per second, all threads
};

peaks measure_peaks(int repeat);

/// The whole `norn simulate` process: 1,000 lif × 1,000 steps, Bernoulli(0.01), v and i
/// recorded; `self` is the norn executable to spawn.
result simulate_process(const std::string& self, int repeat);
/// Norse's LIF benchmark: Poisson(0.3 · 100 Hz) input → Linear(N, N) → lif, batch 32,
/// 1,000 steps, forward only.
result lif_layer(std::size_t features, int repeat);
/// One training step: 700 → 256 lif → 20 li, 100 steps, batch 64, 5 % input spikes,
/// cross entropy on the max over time, Adam.
result train_step(int repeat);
/// One epoch of reference tutorial 001: 100 → 200 lif → 100 lif, 20 samples × 32 steps,
/// mse, Adam.
result odd_firing(int repeat);

/// The table `norn bench` prints, and the same as JSON.
std::string table(const std::vector<result>& results, const peaks& p);
std::string json(const std::vector<result>& results, const peaks& p);

}  // namespace norn::bench
