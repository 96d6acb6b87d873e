#include <bench/workloads.hpp>

#include <runtime/train/config.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/train/trainer.hpp>
#include <runtime/train/dataset.hpp>
#include <runtime/core/registry.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <cmath>
#include <omp.h>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace norn::bench {

namespace {

using clock = std::chrono::steady_clock;

template <class F>
std::vector<double> time_runs(int repeat, F&& f) {
  std::vector<double> t;
  for (int k = 0; k < repeat; ++k) {
    const auto start = clock::now();
    f();
    t.push_back(std::chrono::duration<double>(clock::now() - start).count());
  }
  return t;
}

/// A network from a configuration given as JSON text.
network make(const std::string& text, train_config& c) {
  c = parse_config(nlohmann::json::parse(text), "benchmark", builtin_models());
  return build_network(c);
}

}  // namespace

double result::best() const { return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end()); }

peaks measure_peaks(int repeat) {
  peaks p;
  {
    const Eigen::Index n = 2048;
    matrix a = matrix::Random(n, n), b = matrix::Random(n, n), c(n, n);
    c.noalias() = a * b;  // warm up
    const auto t = time_runs(std::max(repeat, 3), [&] { c.noalias() = a * b; });
    p.sgemm_gflops = 2.0 * double(n) * double(n) * double(n) / *std::min_element(t.begin(), t.end()) / 1e9;
  }
  {
    const std::size_t bytes = std::size_t(256) << 20;
    std::vector<char> src(bytes, 1), dst(bytes, 0);
    const auto t = time_runs(std::max(repeat, 3), [&] {
#pragma omp parallel
      {
        const int threads = omp_get_num_threads(), me = omp_get_thread_num();
        const std::size_t part = bytes / std::size_t(threads), at = part * std::size_t(me);
        std::memcpy(dst.data() + at, src.data() + at, me == threads - 1 ? bytes - at : part);
      }
    });
    p.copy_gbs = 2.0 * double(bytes) / *std::min_element(t.begin(), t.end()) / 1e9;
  }
  return p;
}

result simulate_process(const std::string& self, int repeat) {
  result r{"simulate", "norn simulate, whole process: 1,000 lif x 1,000 steps, Bernoulli(0.01), v and i recorded"};
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("norn-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  for (int k = 0; k < repeat; ++k) {
    const std::string out = (dir / fmt::format("run{}", k)).string();
    std::vector<std::string> args{self, "simulate", "--model", "lif", "--neurons", "1000", "--steps", "1000",
                                  "--input-bernoulli", "0.01", "--set", "v_th=0.3", "--record", "v,i", "--out", out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto start = clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start " + self);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.seconds.push_back(std::chrono::duration<double>(clock::now() - start).count());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("norn simulate failed in the benchmark");
    std::filesystem::remove_all(out);
  }
  std::filesystem::remove_all(dir);
  r.neuron_steps = 1e6;
  r.bytes = 3 * 4e6;  // v, i and spikes written
  return r;
}

result lif_layer(std::size_t n, int repeat, std::size_t steps, double rate) {
  result r{"lif-layer", fmt::format("Poisson({1} x 100 Hz) -> Linear({0}, {0}) -> lif, batch 32, {2} steps, forward", n, rate, steps)};
  train_config c;
  network net = make(fmt::format(R"({{"layers": [{{"type": "linear", "in": {0}, "out": {0}, "bias": false}}, {{"type": "lif"}}]}})", n), c);
  const std::size_t T = steps, B = 32;
  sequence x(T, B, n);
  const std::vector<float> rates(B * n, float(rate));
  const auto spikes = poisson_encode(rates, T, 100.0, 0.001, 1);
  std::copy(spikes.begin(), spikes.end(), x.values.data());
  net.forward(x, false);  // warm up
  r.seconds = time_runs(repeat, [&] { net.forward(x, false); });
  double events = 0;
  for (float v : spikes) events += v != 0.0f;
  r.neuron_steps = double(T * B * n);
  r.flops = 2.0 * double(T * B) * double(n) * double(n);
  r.bytes = events * double(n) * 4 + 3.0 * double(T * B * n) * 4;  // weight rows read; currents written, read; spikes written
  r.note = fmt::format("input density {:.3f}", events / double(spikes.size()));
  r.size = n;
  r.steps = T;
  r.events = events;
  r.density = events / double(spikes.size());
  return r;
}

namespace {

/// The train-step workload's network, batch, loss and optimizer over `steps` steps, with
/// populations keeping their state every `interval` steps.
struct train_step_setup {
  static constexpr std::size_t batch_size = 64, in = 700, hidden = 256, out = 20;
  train_config config;
  network net;
  batch b;
  optimizer opt;

  train_step_setup(std::size_t steps, std::size_t interval)
      : net(make(fmt::format(R"({{"layers": [{{"type": "linear", "in": {}, "out": {}}}, {{"type": "lif", "checkpoint_every": {}}},
                                   {{"type": "linear", "out": {}}}, {{"type": "li", "checkpoint_every": {}}}],
                        "loss": {{"type": "cross_entropy", "reduction": "max"}}, "optimizer": {{"type": "adam", "lr": 0.001}}}})",
                                 in, hidden, interval, out, interval),
                     config)),
        opt(config.optimizer) {
    b.x = sequence(steps, batch_size, in);
    fill_bernoulli(b.x.span(), 0.05, 1.0, 3);
    for (std::size_t k = 0; k < batch_size; ++k) b.targets.values.push_back(float(k % out));
  }

  void step() {
    net.zero_grad();
    forward_backward(net, *config.loss_function, b);
    auto params = net.parameters();
    opt.step(params);
  }
};

}  // namespace

result train_step(int repeat) {
  result r{"train-step", "700 -> 256 lif -> 20 li, 100 steps, batch 64, 5% input spikes, cross entropy (max over time), Adam"};
  const std::size_t T = 100, B = train_step_setup::batch_size;
  train_step_setup s(T, 1);
  s.step();
  r.seconds = time_runs(repeat, [&] { s.step(); });
  r.neuron_steps = double(T * B * (256 + 20)) * 2;  // forward and backward
  r.flops = 2.0 * double(T * B) * (700.0 * 256 * 2 + 256.0 * 20 * 3);  // forward, dW (and dX of the readout)
  return r;
}

result odd_firing(int repeat) {
  result r{"odd-firing", "one epoch of tutorial 001: 100 -> 200 lif -> 100 lif, 20 samples x 32 steps, mse, Adam"};
  train_config c;
  const std::string config = R"({"batch_size": 1, "shuffle": false, "epochs": 1,
      "layers": [{"type": "linear", "in": 100, "out": 200}, {"type": "lif"}, {"type": "linear", "out": 100}, {"type": "lif"}],
      "loss": {"type": "mse"}, "optimizer": {"type": "adam", "lr": 0.01}})";
  make(config, c);
  dataset d;
  d.samples = 20, d.steps = 32, d.features = 100, d.outputs = 100;
  d.x.assign(20 * 32 * 100, 1.0f);
  d.y.shape = {32, 100};
  d.y.values.resize(d.x.size());
  for (std::size_t k = 0; k < d.y.values.size(); ++k) d.y.values[k] = (k % 100) % 5 == 4 ? 1.0f : 0.0f;
  run_options o;
  o.progress = false;
  auto epoch = [&] {
    network net = build_network(c);
    optimizer opt(c.optimizer);
    train(net, opt, d, c, o);
  };
  epoch();
  r.seconds = time_runs(repeat, epoch);
  r.neuron_steps = 20.0 * 32 * 300 * 2;
  r.flops = 20.0 * 2 * 32 * (100.0 * 200 + 200.0 * 100) * 3;
  return r;
}

namespace {
std::size_t status_bytes(const char* field);
void reset_peak();
}  // namespace

result mnist_epoch(const std::string& name, const std::filesystem::path& examples, int repeat) {
  result r{"mnist-" + name, ""};
  const auto file = examples / "mnist" / (name + ".json");
  if (!std::filesystem::exists(file)) {
    r.note = fmt::format("skipped: {} not found (run from the repository or give --examples DIR)", file.string());
    return r;
  }
  train_config c = load_config(file, builtin_models());
  for (const auto& path : {c.data, c.targets, c.test_data, c.test_targets})
    if (!path || !std::filesystem::exists(*path)) {
      r.note = fmt::format("skipped: {} not found (run scripts/get-data.sh mnist)", path ? path->string() : "data");
      return r;
    }
  c.epochs = std::size_t(repeat);
  r.shape = fmt::format("one epoch of examples/mnist/{}.json: {} layers, batch {}, {} steps", name, c.layers.size(),
                        c.batch_size, c.steps.value_or(0));
  ::malloc_trim(0);
  const std::size_t base = status_bytes("VmRSS:");
  reset_peak();
  const dataset train_set = load_dataset(*c.data, c.targets, c);
  const dataset test_set = load_dataset(*c.test_data, c.test_targets, c, "--test-data");
  network net = build_network(c);
  optimizer opt(c.optimizer);
  run_options o;
  o.progress = false;
  const auto history = train(net, opt, train_set, c, o, &test_set);
  const double peak = double(status_bytes("VmHWM:") - base);
  for (const auto& m : history) r.seconds.push_back(m.seconds);
  r.neuron_steps = 0;
  for (const auto& l : c.layers)
    if (l.type != "linear" && l.type != "conv2d" && l.type != "maxpool2d" && l.type != "avgpool2d" && l.type != "flatten" &&
        l.type != "dropout" && l.type != "scale")
      r.neuron_steps += double(l.out_features());
  r.neuron_steps *= double(train_set.samples) * double(c.steps.value_or(train_set.steps)) * 2;  // forward and backward
  r.note = fmt::format("{} training samples; peak memory {:.0f} MB; test accuracy after epoch 1: {:.2f} %",
                       train_set.samples, peak / 1e6, 100 * history.front().test_accuracy);
  return r;
}

namespace {

/// This process's resident set now, and its peak since the last reset_peak(), in bytes.
std::size_t status_bytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::size_t(std::stoull(line.substr(std::strlen(field)))) * 1024;
  throw std::runtime_error("no /proc/self/status");
}
void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
}

}  // namespace

memory_result bptt_memory(std::size_t interval) {
  memory_result m;
  m.interval = interval;
  using setup = train_step_setup;
  const std::size_t T = m.steps, B = setup::batch_size, in = setup::in, hidden = setup::hidden, out = setup::out;
  ::malloc_trim(0);
  const std::size_t base = status_bytes("VmRSS:");
  reset_peak();
  {
    setup s(T, interval);
    const auto start = clock::now();
    s.step();
    m.seconds = std::chrono::duration<double>(clock::now() - start).count();
    m.peak_bytes = double(status_bytes("VmHWM:") - base);
  }
  const double parameters = double(in * hidden + hidden + hidden * out + out);
  m.parameter_bytes = 4 * 4 * parameters;  // values, gradients, Adam's two moments
  m.activation_bytes = 4.0 * double(T * B) * double(in + hidden + hidden + out + out);  // input, every layer's output
  return m;
}

std::string table(const std::vector<result>& results, const peaks& p) {
  std::string s = fmt::format("machine peaks (measured now): sgemm {:.1f} GFLOP/s, memory copy {:.1f} GB/s\n\n", p.sgemm_gflops, p.copy_gbs);
  s += fmt::format("{:<22} {:>11} {:>16} {:>10} {:>8} {:>10} {:>8}\n", "workload", "best", "neuron-steps/s", "GFLOP/s", "of peak",
                   "GB/s", "of peak");
  for (const auto& r : results) {
    if (r.skipped()) {
      s += fmt::format("{:<22} {}\n", r.name, r.note);
      continue;
    }
    const double t = r.best();
    const std::string name = r.size ? fmt::format("{} N={}", r.name, r.size) : r.name;
    if (r.flops == 0) {  // not counted (whole training epochs)
      s += fmt::format("{:<22} {:>9.2f}ms {:>16.3g} {:>10} {:>8} {:>10} {:>8}\n", name, t * 1e3, r.neuron_steps / t, "-", "-",
                       "-", "-");
      continue;
    }
    s += fmt::format("{:<22} {:>9.2f}ms {:>16.3g} {:>10.2f} {:>7.1f}% {:>10.2f} {:>7.1f}%\n", name, t * 1e3,
                     r.neuron_steps / t, r.flops / t / 1e9, 100 * r.flops / t / 1e9 / p.sgemm_gflops, r.bytes / t / 1e9,
                     100 * r.bytes / t / 1e9 / p.copy_gbs);
  }
  s += "\n";
  for (const auto& r : results)
    if (!r.skipped()) s += fmt::format("  {}: {}{}\n", r.name, r.shape, r.note.empty() ? "" : " (" + r.note + ")");
  s += "  GFLOP/s count the dense-equivalent GEMM work; event-driven layers do less arithmetic than that.\n";
  return s;
}

std::string json(const std::vector<result>& results, const peaks& p, const std::vector<memory_result>& memory,
                 const std::vector<result>& scaling) {
  auto entry = [](const result& r) {
    return nlohmann::json{{"name", r.name}, {"shape", r.shape}, {"best_seconds", r.best()}, {"seconds", r.seconds},
                          {"neuron_steps_per_second", r.neuron_steps / r.best()}, {"gflops", r.flops / r.best() / 1e9},
                          {"gbs", r.bytes / r.best() / 1e9}, {"note", r.note}};
  };
  nlohmann::json j{{"peaks", {{"sgemm_gflops", p.sgemm_gflops}, {"copy_gbs", p.copy_gbs}}}, {"results", nlohmann::json::array()}};
  for (const auto& r : results)
    j["results"].push_back(r.skipped() ? nlohmann::json{{"name", r.name}, {"skipped", r.note}} : entry(r));
  for (const auto& m : memory)
    j["memory"].push_back({{"steps", m.steps}, {"checkpoint_every", m.interval}, {"peak_bytes", m.peak_bytes},
                           {"floor_bytes", m.parameter_bytes + m.activation_bytes}, {"seconds", m.seconds}});
  for (const auto& r : scaling) {
    auto e = entry(r);
    e["features"] = r.size, e["steps"] = r.steps, e["density"] = r.density, e["input_spikes"] = r.events;
    j["scaling"].push_back(e);
  }
  return j.dump(2);
}

std::string memory_table(const std::vector<memory_result>& results) {
  std::string s = "BPTT memory: one training step of train-step's network over 1,000 steps (batch 64), peak resident\n"
                  "memory above the process before it; floor = parameters (values, gradients, Adam moments) + input +\n"
                  "every layer's output sequence\n\n";
  s += fmt::format("{:<28} {:>10} {:>10} {:>10} {:>9}\n", "mode", "peak MB", "floor MB", "peak/floor", "step");
  for (const auto& m : results) {
    const double floor = m.parameter_bytes + m.activation_bytes;
    s += fmt::format("{:<28} {:>10.1f} {:>10.1f} {:>10.2f} {:>7.0f}ms\n",
                     m.interval == 1 ? std::string("state kept every step") : fmt::format("checkpoint every {} steps", m.interval),
                     m.peak_bytes / 1e6, floor / 1e6, m.peak_bytes / floor, m.seconds * 1e3);
  }
  return s;
}

std::string scaling_table(const std::vector<result>& results) {
  std::string s = "Scaling of the event-driven lif-layer (forward; batch 32)\n\n";
  s += fmt::format("{:>6} {:>6} {:>9} {:>12} {:>11} {:>14}\n", "N", "steps", "density", "input spikes", "best", "ns per spike·N");
  for (const auto& r : results) {
    const double events = r.events;
    s += fmt::format("{:>6} {:>6} {:>9.3f} {:>12.0f} {:>9.2f}ms {:>14.3f}\n", r.size, r.steps, r.density, events, r.best() * 1e3,
                     r.best() * 1e9 / (events * double(r.size)));
  }
  return s;
}

}  // namespace norn::bench
