// `norn bench`: the reference workloads of the performance issue, best of n, with this
// machine's measured peaks.

#include <runtime/cli/commands.hpp>

#include <runtime/bench.hpp>
#include <runtime/errors.hpp>

#include <fmt/core.h>

#include <filesystem>

namespace norn::cli {

void bench_command(const bench_options& o, const std::string& self) {
  if (o.repeat < 1) fail("norn: --repeat must be at least 1");
  std::vector<std::string> workloads = o.workloads;
  if (workloads.empty()) workloads = {"simulate", "lif-layer", "train-step", "odd-firing"};
  for (const auto& w : workloads)
    if (w != "simulate" && w != "lif-layer" && w != "train-step" && w != "odd-firing")
      fail("norn: unknown workload '{}' (workloads: simulate, lif-layer, train-step, odd-firing)", w);
  std::vector<std::size_t> sizes = o.features;
  if (sizes.empty()) sizes = {250, 1000, 2000};
  for (auto n : sizes)
    if (n == 0) fail("norn: --features must be positive");
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string me = ec ? self : exe.string();
  const bench::peaks p = bench::measure_peaks(o.repeat);
  std::vector<bench::result> results;
  for (const auto& w : workloads) {
    if (w == "simulate") results.push_back(bench::simulate_process(me, o.repeat));
    if (w == "lif-layer")
      for (auto n : sizes) results.push_back(bench::lif_layer(n, o.repeat));
    if (w == "train-step") results.push_back(bench::train_step(o.repeat));
    if (w == "odd-firing") results.push_back(bench::odd_firing(o.repeat));
  }
  fmt::print("{}\n", o.json ? bench::json(results, p) : bench::table(results, p));
}

}  // namespace norn::cli
