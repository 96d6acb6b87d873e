#pragma once
/// The workloads of `norn bench`, measured best-of-n in one run together with this
/// machine's peaks (single-precision GEMM through Eigen, memory copy), so that every number
/// comes with the ceiling it is measured against.

#include <cstddef>
#include <filesystem>
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
  std::size_t steps = 0;     ///< lif-layer: T
  double events = 0;         ///< lif-layer: input spikes per run
  double density = 0;        ///< lif-layer: input spikes per input and step
  bool skipped() const { return seconds.empty(); }

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
/// 1,000 steps, forward only; `steps` and `rate` (the 0.3) vary it for the scaling table.
result lif_layer(std::size_t features, int repeat, std::size_t steps = 1000, double rate = 0.3);
/// One training step: 700 → 256 lif → 20 li, 100 steps, batch 64, 5 % input spikes,
/// cross entropy on the max over time, Adam.
result train_step(int repeat);
/// One epoch of reference tutorial 001: 100 → 200 lif → 100 lif, 20 samples × 32 steps,
/// mse, Adam.
result odd_firing(int repeat);

/// Epochs of an MNIST example, `examples`/mnist/<name>.json with its own data paths: the
/// best of `repeat` training epochs (held-out evaluation not included) and the run's peak
/// memory in the note. When the configuration or the data is absent, no seconds and the
/// reason in the note.
result mnist_epoch(const std::string& name, const std::filesystem::path& examples, int repeat);

/// Peak memory of one training step of the train-step network over 1,000 steps.
struct memory_result {
  std::size_t steps = 1000;
  std::size_t interval = 1;      ///< population states kept every `interval` steps
  double peak_bytes = 0;         ///< resident memory at the peak, above the process before the step
  double parameter_bytes = 0;    ///< parameters, gradients, Adam moments
  double activation_bytes = 0;   ///< input and every layer's output over the sequence
  double seconds = 0;            ///< the step
};

/// Measures one step from a fresh network, with populations checkpointing every `interval`
/// steps (1: the whole state tape). Linux only (/proc/self/status, clear_refs).
memory_result bptt_memory(std::size_t interval);
std::string memory_table(const std::vector<memory_result>& results);
/// The README's scaling table from lif_layer results.
std::string scaling_table(const std::vector<result>& results);

/// The table `norn bench` prints, and the same as JSON.
std::string table(const std::vector<result>& results, const peaks& p);
std::string json(const std::vector<result>& results, const peaks& p, const std::vector<memory_result>& memory = {},
                 const std::vector<result>& scaling = {});

}  // namespace norn::bench
