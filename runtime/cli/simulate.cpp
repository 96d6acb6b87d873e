// `norn simulate`: runs a population of one model on an input and writes the recorded
// states, the spikes and (with --plot) pictures. See DESIGN.md for the contract.

#include <runtime/cli/commands.hpp>

#include <runtime/buffer.hpp>
#include <runtime/encoders.hpp>
#include <runtime/errors.hpp>
#include <runtime/npy.hpp>
#include <runtime/output_set.hpp>
#include <runtime/plot.hpp>
#include <runtime/spike_losses.hpp>

#include <fmt/core.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace norn::cli {

namespace {



/// A parsed --loss: "spike-count=K" or "spike-times=T1,T2,...".
struct loss_spec {
  enum { none, spike_count, spike_times } kind = none;
  double target = 0;
  std::vector<std::size_t> times;
};

loss_spec parse_loss(const std::string& text, std::size_t steps) {
  loss_spec spec;
  if (text.empty()) return spec;
  const auto eq = text.find('=');
  const std::string name = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
  if (name == "spike-count") {
    spec.kind = loss_spec::spike_count;
    spec.target = parse_number(value, "--loss spike-count");
    return spec;
  }
  if (name == "spike-times") {
    spec.kind = loss_spec::spike_times;
    std::size_t start = 0;
    while (start <= value.size()) {
      const auto comma = value.find(',', start);
      const std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const double t = parse_number(item, "--loss spike-times");
      if (t < 0 || t != std::floor(t) || t >= double(steps))
        fail("norn: --loss spike-times takes step indices in [0, {}), got '{}'", steps, item);
      spec.times.push_back(std::size_t(t));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return spec;
  }
  fail("norn: unknown --loss '{}' (losses: spike-count=K, spike-times=T1,T2,...)", text);

}

/// The input, from whichever source the user chose, step range by step range: a file is
/// read whole; Bernoulli spikes and constants are generated into a buffer of `capacity`.
class input_source {
 public:
  input_source(const simulate_options& o, std::size_t capacity) : o_(o) {
    const int sources = int(!o.input_file.empty()) + int(o.input_const.has_value()) + int(o.input_bernoulli.has_value());
    if (sources != 1)
      fail("norn: simulate needs exactly one of --input FILE.npy, --input-const X, --input-bernoulli P");
    if (o.input_bernoulli && !(*o.input_bernoulli >= 0 && *o.input_bernoulli <= 1))
      fail("norn: --input-bernoulli takes a probability in [0, 1], got {}", *o.input_bernoulli);
    if (!o.input_file.empty()) {
      const auto a = npy::read(o.input_file);
      if (a.shape.size() != 2 || a.shape[0] != o.steps || a.shape[1] != o.neurons)
        fail("norn: --input {} has shape {}; expected [steps, neurons] = [{}, {}]", o.input_file, a.shape_text(), o.steps,
             o.neurons);
      data_.resize(a.size());
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (!std::isfinite(a.values[k]))
          fail("norn: --input {} holds a non-finite value at [{}, {}]", o.input_file, k / o.neurons, k % o.neurons);
        data_[k] = float(a.values[k]);
      }
    } else {
      data_.resize(capacity);
      if (o.input_const) std::fill(data_.begin(), data_.end(), float(*o.input_const));
    }
  }

  /// The input of steps [t0, t0 + len), [len × neurons].
  std::span<const float> steps(std::size_t t0, std::size_t len) {
    const std::size_t n = o_.neurons;
    if (!o_.input_file.empty()) return std::span<const float>(data_).subspan(t0 * n, len * n);
    if (o_.input_bernoulli) fill_bernoulli(std::span<float>(data_).first(len * n), *o_.input_bernoulli, o_.weight, o_.seed, t0 * n);
    return std::span<const float>(data_).first(len * n);
  }

 private:
  const simulate_options& o_;
  buffer<float> data_;
};

/// The threshold to draw on voltage traces, if the model has one.
std::optional<double> threshold_of(const model_info& info, const std::vector<std::pair<std::string, double>>& sets) {
  for (const char* name : {"v_th", "threshold"}) {
    for (auto it = sets.rbegin(); it != sets.rend(); ++it)
      if (it->first == name) return it->second;
    if (auto k = info.parameter_index(name)) return info.parameters[*k].value;
  }
  return std::nullopt;
}

/// What the pictures need, gathered step by step while the simulation runs (so that a run
/// that streams its recordings to disk need not keep them).
struct plot_data {
  std::size_t neurons = 0, shown = 0;
  std::optional<std::size_t> trace_state;  ///< the state drawn in traces.png
  std::vector<std::vector<float>> traces;  ///< [shown neuron][step]
  std::vector<std::vector<double>> marks;  ///< spike times (ms) of the shown neurons
  std::vector<double> spike_times, spike_neurons, counts, input_counts;

  plot_data(const model_info& info, const std::vector<std::size_t>& recorded, std::size_t n) : neurons(n) {
    shown = std::min<std::size_t>(n, 3);
    for (std::size_t s : recorded)
      if (!trace_state || info.states[s].name == "v" || info.states[s].name == "mem") trace_state = s;
    traces.resize(shown);
    marks.resize(shown);
    counts.assign(n, 0.0);
    input_counts.assign(n, 0.0);
  }
  /// Steps [t0, t0 + len) of the state `trace`, spikes and input (each [len × n]).
  void add(std::size_t t0, std::size_t len, double dt, std::span<const float> trace, std::span<const float> spikes,
           std::span<const float> input) {
    const std::size_t N = neurons;
    for (std::size_t t = 0; t < len; ++t) {
      const double ms = double(t0 + t + 1) * dt * 1e3;
      for (std::size_t n = 0; n < shown; ++n) {
        if (!trace.empty()) traces[n].push_back(trace[t * N + n]);
        if (!spikes.empty() && spikes[t * N + n] != 0.0f) marks[n].push_back(ms);
      }
      if (!spikes.empty())
        for (std::size_t n = 0; n < N; ++n)
          if (spikes[t * N + n] != 0.0f) {
            spike_times.push_back(ms);
            spike_neurons.push_back(double(n));
            counts[n] += 1;
          }
      for (std::size_t n = 0; n < N; ++n) input_counts[n] += input[t * N + n] != 0.0f;
    }
  }
};

void write_plots(output_set& out, const simulate_options& o, const model_info& info,
                 const std::vector<std::pair<std::string, double>>& sets, const plot_data& d) {
  const std::size_t T = o.steps, N = o.neurons;
  // Traces: the voltage (or first recorded state) of the first neurons, with the threshold
  // and a dot above it at each spike.
  if (d.trace_state) {
    const auto& var = info.states[*d.trace_state];
    plot::options opt{fmt::format("{}: {} of {} neuron{}{}", info.name, var.name, d.shown, d.shown > 1 ? "s" : "",
                                  info.spiking ? " (dots: spikes)" : ""),
                      "Time [ms]", var.unit.empty() ? var.name : fmt::format("{} [{}]", var.name, var.unit)};
    if (info.spiking && (var.name == "v" || var.name == "mem")) opt.hline = threshold_of(info, sets);
    double top = -std::numeric_limits<double>::infinity();
    for (const auto& tr : d.traces)
      for (float v : tr) top = std::max(top, double(v));
    const double marker_y = opt.hline ? std::max(*opt.hline, top) * 1.04 : top;
    std::vector<plot::series> curves;
    for (std::size_t n = 0; n < d.shown; ++n) {
      plot::series s{fmt::format("neuron {}", n), {}, {}};
      s.colour = int(n);
      for (std::size_t t = 0; t < d.traces[n].size(); ++t) {
        s.x.push_back(double(t + 1) * o.dt * 1e3);
        s.y.push_back(d.traces[n][t]);
      }
      curves.push_back(std::move(s));
      if (!d.marks[n].empty())
        curves.push_back({"", d.marks[n], std::vector<double>(d.marks[n].size(), marker_y), true, int(n)});
    }
    plot::lines(out.stage("traces.png"), curves, opt);
  }
  if (info.spiking) {
    plot::raster(out.stage("raster.png"), d.spike_times, d.spike_neurons, double(T) * o.dt * 1e3, N,
                 {fmt::format("{}: spikes of {} neurons", info.name, N), "Time [ms]", "Neuron index"});
    double mean = 0;
    for (double c : d.counts) mean += c / double(N);
    const double hi = std::max(1.0, *std::max_element(d.counts.begin(), d.counts.end()));
    plot::histogram(out.stage("spike_counts.png"), d.counts, int(std::min(hi + 1, 40.0)),
                    {fmt::format("{}: output spikes per neuron (mean {:.2f})", info.name, mean), "Spike count",
                     "Occurrences"},
                    -0.5, hi + 0.5);
  }
  if (o.input_bernoulli) {
    const double hi = std::max(1.0, *std::max_element(d.input_counts.begin(), d.input_counts.end()));
    plot::histogram(out.stage("input_counts.png"), d.input_counts, int(std::min(hi + 1, 40.0)),
                    {"input spikes per neuron", "Number of spikes", "Occurrences"}, -0.5, hi + 0.5);
  }
}

}  // namespace

void simulate(const simulate_options& o, std::span<const model_entry> models) {
  const model_entry& entry = find_model(models, o.model);
  const model_info& info = entry.info;
  if (o.neurons == 0) fail("norn: --neurons must be at least 1");
  if (o.steps == 0) fail("norn: --steps must be at least 1");
  if (!(o.dt > 0) || !std::isfinite(o.dt)) fail("norn: --dt must be a positive number of seconds, got {}", o.dt);
  if (o.out.empty()) fail("norn: simulate needs --out DIR");
  std::vector<std::pair<std::string, double>> sets;
  for (const auto& s : o.sets) {
    auto [name, value] = parse_assignment(s, "--set");
    if (!info.parameter_index(name))
      fail("norn: model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    sets.emplace_back(name, value);
  }
  std::vector<std::size_t> recorded;
  if (o.record.empty()) {
    for (std::size_t s = 0; s < info.states.size(); ++s) recorded.push_back(s);
  } else {
    for (const auto& name : o.record) {
      auto k = info.state_index(name);
      if (!k) fail("norn: model '{}' has no state '{}' to record (states: {})", info.name, name, info.state_names());
      if (std::find(recorded.begin(), recorded.end(), *k) == recorded.end()) recorded.push_back(*k);
    }
  }
  if (std::filesystem::exists(o.out) && !std::filesystem::is_directory(o.out))
    fail("norn: --out {} exists and is not a directory", o.out);
  // gradients: a loss turns on the backward and the adjoint recordings
  const loss_spec loss = parse_loss(o.loss, o.steps);
  spike_gradient rule;
  rule.surrogate = parse_surrogate(o.surrogate);
  rule.alpha = o.alpha;
  rule.detach_reset = o.detach_reset;
  if (o.alpha && !(*o.alpha > 0)) fail("norn: --alpha must be positive, got {}", *o.alpha);
  if (o.checkpoint_every == 0) fail("norn: --checkpoint-every must be at least 1");
  const bool gradients = loss.kind != loss_spec::none;
  if (!gradients && (!o.record_adjoint.empty() || o.surrogate != "default" || o.alpha || o.detach_reset))
    fail("norn: --record-adjoint, --surrogate, --alpha and --detach-reset need a --loss");
  if (gradients && !info.spiking) fail("norn: --loss {} needs a spiking model; '{}' has no spikes", o.loss, info.name);
  if (gradients && o.double_precision) fail("norn: gradients are computed in float precision; drop --double");
  std::vector<std::size_t> adjoint;
  if (gradients) {
    if (o.record_adjoint.empty())
      for (std::size_t s = 0; s < info.states.size(); ++s) adjoint.push_back(s);
    for (const auto& name : o.record_adjoint) {
      auto k = info.state_index(name);
      if (!k) fail("norn: model '{}' has no state '{}' to record the adjoint of (states: {})", info.name, name, info.state_names());
      adjoint.push_back(*k);
    }
  }
  std::optional<std::size_t> voltage;
  for (const char* name : {"v", "mem"})
    if (!voltage) voltage = info.state_index(name);
  if (loss.kind == loss_spec::spike_times && !voltage)
    fail("norn: --loss spike-times needs a voltage state named v or mem; '{}' has {}", info.name, info.state_names());
  auto sim = entry.make(o.neurons, 1, o.dt, o.double_precision);
  for (const auto& [name, value] : sets) sim->set_parameter(name, value);
  const std::size_t N = o.neurons, T = o.steps;
  const std::size_t shape[2] = {T, N};
  output_set out(o.out);
  plot_data pictures(info, recorded, o.plot ? N : 0);
  if (!gradients) {
    // Stream: a chunk of steps at a time (about 256 KB per array), appended to the files as
    // it is computed, so that memory stays small and fresh pages few.
    const std::size_t chunk = std::min(T, std::max<std::size_t>(1, (std::size_t(1) << 16) / N));
    input_source input(o, chunk * N);
    buffer<float> spikes(chunk * N);
    std::vector<buffer<float>> traces(recorded.size(), buffer<float>(chunk * N));
    std::vector<npy::stream_writer> files;
    for (std::size_t s : recorded) files.emplace_back(out.stage(info.states[s].name + ".npy"), shape);
    if (info.spiking) files.emplace_back(out.stage("spikes.npy"), shape);
    for (std::size_t t0 = 0; t0 < T; t0 += chunk) {
      const std::size_t len = std::min(chunk, T - t0), size = len * N;
      const std::span<const float> x = input.steps(t0, len);
      std::vector<std::span<float>> record(info.states.size());
      for (std::size_t r = 0; r < recorded.size(); ++r) record[recorded[r]] = std::span<float>(traces[r]).first(size);
      sim->run(len, x, std::span<float>(spikes).first(size), record);
      for (std::size_t r = 0; r < recorded.size(); ++r) files[r].append(record[recorded[r]]);
      if (info.spiking) files.back().append(std::span<const float>(spikes).first(size));
      if (o.plot)
        pictures.add(t0, len, o.dt, pictures.trace_state ? std::span<const float>(record[*pictures.trace_state]) : std::span<const float>(),
                     std::span<const float>(spikes).first(info.spiking ? size : 0), x);
    }
    for (auto& f : files) f.close();
  } else {
    const std::size_t size = T * N;
    input_source input(o, size);
    const std::span<const float> x = input.steps(0, T);
    buffer<float> output(size);
    std::vector<buffer<float>> traces(recorded.size(), buffer<float>(size));
    std::vector<std::span<float>> record(info.states.size());
    for (std::size_t r = 0; r < recorded.size(); ++r) record[recorded[r]] = traces[r];
    std::vector<float> v_trace;
    if (loss.kind == loss_spec::spike_times && record[*voltage].empty()) {
      v_trace.resize(size);
      record[*voltage] = v_trace;
    }
    sim->run_for_gradients(T, x, output, record, o.checkpoint_every);
    for (std::size_t r = 0; r < recorded.size(); ++r) out.npy(info.states[recorded[r]].name + ".npy", traces[r], shape);
    out.npy("spikes.npy", output, shape);
    if (o.plot)
      pictures.add(0, T, o.dt, pictures.trace_state ? std::span<const float>(record[*pictures.trace_state]) : std::span<const float>(),
                   output, x);
    std::vector<float> grad_z(size), grad_v;
    std::vector<std::span<const float>> grad_state(info.states.size());
    double value = 0;
    if (loss.kind == loss_spec::spike_count) {
      value = loss::spike_count(output, T, N, loss.target, grad_z);
    } else {
      grad_v.resize(size);
      const auto th = threshold_of(info, sets).value_or(1.0);
      value = loss::spike_times(output, record[*voltage], T, N, loss.times, 1.1 * th, grad_z, grad_v);
      grad_state[*voltage] = grad_v;
    }
    std::vector<std::vector<float>> lambdas(info.states.size());
    std::vector<std::span<float>> record_lambda(info.states.size());
    for (std::size_t s : adjoint) lambdas[s].resize(size), record_lambda[s] = lambdas[s];
    std::vector<float> grad_x(size);
    std::vector<std::vector<float>> grad_param(info.parameters.size(), std::vector<float>(N));
    std::vector<std::span<float>> grad_param_spans(grad_param.begin(), grad_param.end());
    sim->backward(rule, grad_z, grad_state, record_lambda, grad_x, grad_param_spans);
    for (std::size_t s : adjoint) out.npy("lambda_" + info.states[s].name + ".npy", lambdas[s], shape);
    if (o.plot && !adjoint.empty()) {
      // λ of neuron 0 over time, as reference tutorial 000 plots λ_v and λ_i
      std::vector<plot::series> curves;
      for (std::size_t s : adjoint) {
        plot::series c{"lambda_" + info.states[s].name, {}, {}};
        for (std::size_t t = 0; t < T; ++t) {
          c.x.push_back(double(t + 1) * o.dt * 1e3);
          c.y.push_back(lambdas[s][t * N]);
        }
        curves.push_back(std::move(c));
      }
      plot::lines(out.stage("adjoint.png"), curves,
                  {fmt::format("{}: adjoint states of neuron 0 (loss {})", info.name, o.loss), "Time [ms]", "adjoint"});
    }
    out.npy("grad_input.npy", grad_x, shape);
    const std::size_t pshape[1] = {N};
    for (std::size_t q = 0; q < info.parameters.size(); ++q)
      out.npy("grad_" + info.parameters[q].name + ".npy", grad_param[q], pshape);
    fmt::print("loss {:.6g}\nkept {} bytes for the backward ({:.3g} bytes per neuron-step)\n", value, sim->kept_bytes(),
               double(sim->kept_bytes()) / double(size));
  }
  if (o.plot) write_plots(out, o, info, sets, pictures);
  out.commit();
}

}  // namespace norn::cli
