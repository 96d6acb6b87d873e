// `norn bench`: the reference workloads of the performance issue, best of n, with this
// machine's measured peaks.

#include <runtime/cli/commands.hpp>

#include <bench/workloads.hpp>
#include <runtime/core/errors.hpp>

#include <fmt/core.h>

#include <filesystem>

namespace norn::cli {

void bench_command(const bench_options& o, const std::string& self) {
  if (o.repeat < 1) fail("norn: --repeat must be at least 1");
  std::vector<std::string> workloads = o.workloads;
  if (workloads.empty()) workloads = {"simulate", "lif-layer", "train-step", "odd-firing"};
  for (const auto& w : workloads)
    if (w != "simulate" && w != "lif-layer" && w != "train-step" && w != "odd-firing" && w != "memory" && w != "scaling" &&
        w != "mnist-fc" && w != "mnist-csnn")
      fail("norn: unknown workload '{}' (workloads: simulate, lif-layer, train-step, odd-firing, memory, scaling, mnist-fc, "
           "mnist-csnn)", w);
  std::vector<std::size_t> sizes = o.features;
  if (sizes.empty()) sizes = {250, 1000, 2000};
  for (auto n : sizes)
    if (n == 0) fail("norn: --features must be positive");
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string me = ec ? self : exe.string();
  std::vector<bench::memory_result> memory;
  std::vector<bench::result> scaling;
  // memory first: a fresh process measures it best
  for (const auto& w : workloads)
    if (w == "memory")
      for (std::size_t k : {std::size_t(32), std::size_t(1)}) memory.push_back(bench::bptt_memory(k));
  const bench::peaks p = bench::measure_peaks(o.repeat);
  std::vector<bench::result> results;
  for (const auto& w : workloads) {
    if (w == "scaling") {
      for (std::size_t n : {250, 500, 1000, 2000, 4000}) scaling.push_back(bench::lif_layer(n, o.repeat));
      for (std::size_t t : {250, 500, 2000, 4000}) scaling.push_back(bench::lif_layer(1000, o.repeat, t));
      for (double rate : {0.1, 1.0, 3.0}) scaling.push_back(bench::lif_layer(1000, o.repeat, 1000, rate));
    }
    if (w == "simulate") results.push_back(bench::simulate_process(me, o.repeat));
    if (w == "lif-layer")
      for (auto n : sizes) results.push_back(bench::lif_layer(n, o.repeat));
    if (w == "train-step") results.push_back(bench::train_step(o.repeat));
    if (w == "odd-firing") results.push_back(bench::odd_firing(o.repeat));
    if (w == "mnist-fc") results.push_back(bench::mnist_epoch("fc", o.examples, o.repeat));
    if (w == "mnist-csnn") results.push_back(bench::mnist_epoch("csnn", o.examples, o.repeat));
  }
  if (o.json) {
    fmt::print("{}\n", bench::json(results, p, memory, scaling));
    return;
  }
  if (!results.empty() || (memory.empty() && scaling.empty())) fmt::print("{}\n", bench::table(results, p));
  if (!memory.empty()) fmt::print("{}\n", bench::memory_table(memory));
  if (!scaling.empty()) fmt::print("{}\n", bench::scaling_table(scaling));
}

}  // namespace norn::cli
