// `norn simulate`: runs a population of one model on an input and writes the recorded
// states, the spikes and (with --plot) pictures; with --loss, also the backward of that
// loss: adjoint traces, input and parameter gradients. The contract is in the README.

#include <runtime/cli/commands.hpp>

#include <runtime/core/buffer.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/core/resources.hpp>
#include <runtime/io/output_set.hpp>
#include <runtime/io/plot.hpp>
#include <runtime/train/loss.hpp>

#include <fmt/core.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace norn::cli {

namespace {

/// A simulation as the options describe it, checked before anything runs.
struct simulation {
  const model_entry* entry = nullptr;
  std::vector<std::pair<std::string, double>> sets;  ///< --set, in order
  std::vector<std::size_t> recorded;                 ///< states written to files
  std::unique_ptr<loss> objective;                   ///< --loss; null: no backward
  spike_gradient rule;
  std::vector<std::size_t> adjoint;  ///< states whose λ is written

  const model_info& info() const { return entry->info; }
};

/// State indices from names (all states when `names` is empty); bad_input on unknown names.
std::vector<std::size_t> states_named(const model_info& info, const std::vector<std::string>& names, const char* what) {
  std::vector<std::size_t> out;
  if (names.empty())
    for (std::size_t s = 0; s < info.states.size(); ++s) out.push_back(s);
  for (const auto& name : names) {
    auto k = info.state_index(name);
    if (!k) fail("norn: model '{}' has no state '{}' to {} (states: {})", info.name, name, what, info.state_names());
    if (std::find(out.begin(), out.end(), *k) == out.end()) out.push_back(*k);
  }
  return out;
}

simulation plan(const simulate_options& o, std::span<const model_entry> models) {
  simulation s;
  s.entry = &find_model(models, o.model);
  const model_info& info = s.info();
  if (o.neurons == 0) fail("norn: --neurons must be at least 1");
  if (o.steps == 0) fail("norn: --steps must be at least 1");
  if (!(o.dt > 0) || !std::isfinite(o.dt)) fail("norn: --dt must be a positive number of seconds, got {}", o.dt);
  if (o.out.empty()) fail("norn: simulate needs --out DIR");
  if (std::filesystem::exists(o.out) && !std::filesystem::is_directory(o.out))
    fail("norn: --out {} exists and is not a directory", o.out);
  for (const auto& text : o.sets) {
    auto [name, value] = parse_assignment(text, "--set");
    if (!info.parameter_index(name))
      fail("norn: model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    s.sets.emplace_back(name, value);
  }
  s.recorded = states_named(info, o.record, "record");
  // gradients: a loss turns on the backward and the adjoint recordings
  const std::string surrogate = o.surrogate == "default" ? "" : o.surrogate;
  if (o.loss.empty()) {
    if (!o.record_adjoint.empty() || !surrogate.empty() || o.alpha || o.detach_reset)
      fail("norn: --record-adjoint, --surrogate, --alpha and --detach-reset need a --loss");
    return s;
  }
  if (!info.spiking) fail("norn: --loss {} needs a spiking model; '{}' has no spikes", o.loss, info.name);
  if (o.double_precision) fail("norn: gradients are computed in float precision; drop --double");
  s.objective = parse_loss_shorthand(o.loss);
  s.objective->check_steps(o.steps);
  if (s.objective->reads_membrane() && (!info.membrane || !info.threshold))
    fail("norn: --loss {} reads the membrane and threshold; model '{}' declares no such roles", o.loss, info.name);
  if (o.alpha && !(*o.alpha > 0)) fail("norn: --alpha must be positive, got {}", *o.alpha);
  if (o.checkpoint_every == 0) fail("norn: --checkpoint-every must be at least 1");
  s.rule = {surrogate, o.alpha, o.detach_reset};
  resolve(s.rule, info);
  s.adjoint = states_named(info, o.record_adjoint, "record the adjoint of");
  return s;
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

/// The threshold to draw on membrane traces: the model's threshold role, as --set left it.
std::optional<double> threshold_of(const simulation& s) {
  const model_info& info = s.info();
  if (!info.threshold) return std::nullopt;
  const std::string& name = info.parameters[*info.threshold].name;
  for (auto it = s.sets.rbegin(); it != s.sets.rend(); ++it)
    if (it->first == name) return it->second;
  return info.parameters[*info.threshold].value;
}

/// What the pictures need, gathered step by step while the simulation runs (so that a run
/// that streams its recordings to disk need not keep them).
struct plot_data {
  std::size_t neurons = 0, shown = 0;
  std::optional<std::size_t> trace_state;  ///< the state drawn in traces.png: the membrane, else the first recorded
  std::vector<std::vector<float>> traces;  ///< [shown neuron][step]
  std::vector<std::vector<double>> marks;  ///< spike times (ms) of the shown neurons
  std::vector<double> spike_times, spike_neurons, counts, input_counts;

  plot_data(const model_info& info, const std::vector<std::size_t>& recorded, std::size_t n) : neurons(n) {
    shown = std::min<std::size_t>(n, 3);
    if (!recorded.empty()) trace_state = recorded.front();
    if (info.membrane && std::find(recorded.begin(), recorded.end(), *info.membrane) != recorded.end())
      trace_state = info.membrane;
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
  /// The same from whole recordings: `record` per state (may be empty), spikes, input.
  void add_all(std::size_t steps, double dt, const std::vector<std::span<float>>& record, std::span<const float> spikes,
               std::span<const float> input) {
    add(0, steps, dt, trace_state ? std::span<const float>(record[*trace_state]) : std::span<const float>(), spikes, input);
  }
};

void write_plots(output_set& out, const simulate_options& o, const simulation& s, const plot_data& d) {
  const model_info& info = s.info();
  const std::size_t T = o.steps, N = o.neurons;
  // Traces: the membrane (or first recorded state) of the first neurons, with the threshold
  // and a dot above it at each spike.
  if (d.trace_state) {
    const auto& var = info.states[*d.trace_state];
    plot::options opt{fmt::format("{}: {} of {} neuron{}{}", info.name, var.name, d.shown, d.shown > 1 ? "s" : "",
                                  info.spiking ? " (dots: spikes)" : ""),
                      "Time [ms]", var.unit.empty() ? var.name : fmt::format("{} [{}]", var.name, var.unit)};
    if (info.spiking && d.trace_state == info.membrane) opt.hline = threshold_of(s);
    double top = -std::numeric_limits<double>::infinity();
    for (const auto& tr : d.traces)
      for (float v : tr) top = std::max(top, double(v));
    const double marker_y = opt.hline ? std::max(*opt.hline, top) * 1.04 : top;
    std::vector<plot::series> curves;
    for (std::size_t n = 0; n < d.shown; ++n) {
      plot::series c{fmt::format("neuron {}", n), {}, {}};
      c.colour = int(n);
      for (std::size_t t = 0; t < d.traces[n].size(); ++t) {
        c.x.push_back(double(t + 1) * o.dt * 1e3);
        c.y.push_back(d.traces[n][t]);
      }
      curves.push_back(std::move(c));
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

/// Without a loss: a chunk of steps at a time (about 256 KB per array), appended to the
/// files as it is computed, so that memory stays small and fresh pages few.
void run_streaming(const simulate_options& o, const simulation& s, dynamic_population& pop, output_set& out,
                   plot_data& pictures) {
  const model_info& info = s.info();
  const std::size_t N = o.neurons, T = o.steps;
  const std::size_t shape[2] = {T, N};
  const std::size_t chunk = std::min(T, std::max<std::size_t>(1, (std::size_t(1) << 16) / N));
  input_source input(o, chunk * N);
  buffer<float> spikes(chunk * N);
  std::vector<buffer<float>> traces(s.recorded.size(), buffer<float>(chunk * N));
  std::vector<npy::stream_writer> files;
  for (std::size_t k : s.recorded) files.emplace_back(out.stage(info.states[k].name + ".npy"), shape);
  if (info.spiking) files.emplace_back(out.stage("spikes.npy"), shape);
  for (std::size_t t0 = 0; t0 < T; t0 += chunk) {
    const std::size_t len = std::min(chunk, T - t0), size = len * N;
    const std::span<const float> x = input.steps(t0, len);
    std::vector<std::span<float>> record(info.states.size());
    for (std::size_t r = 0; r < s.recorded.size(); ++r) record[s.recorded[r]] = std::span<float>(traces[r]).first(size);
    pop.run(len, x, std::span<float>(spikes).first(size), record);
    for (std::size_t r = 0; r < s.recorded.size(); ++r) files[r].append(record[s.recorded[r]]);
    if (info.spiking) files.back().append(std::span<const float>(spikes).first(size));
    if (o.plot)
      pictures.add(t0, len, o.dt,
                   pictures.trace_state ? std::span<const float>(record[*pictures.trace_state]) : std::span<const float>(),
                   std::span<const float>(spikes).first(info.spiking ? size : 0), x);
  }
  for (auto& f : files) f.close();
}

/// With a loss: the whole run kept, the loss and its backward, and the adjoint traces.
void run_with_gradients(const simulate_options& o, const simulation& s, dynamic_population& pop, output_set& out,
                        plot_data& pictures) {
  const model_info& info = s.info();
  const std::size_t N = o.neurons, T = o.steps, size = T * N;
  const std::size_t shape[2] = {T, N};
  input_source input(o, size);
  const std::span<const float> x = input.steps(0, T);
  sequence spikes(T, 1, N), membrane;
  std::vector<buffer<float>> traces(s.recorded.size(), buffer<float>(size));
  std::vector<std::span<float>> record(info.states.size());
  for (std::size_t r = 0; r < s.recorded.size(); ++r) record[s.recorded[r]] = traces[r];
  if (s.objective->reads_membrane()) {
    membrane = sequence(T, 1, N);
    record[*info.membrane] = membrane.span();
  }
  pop.set_gradient_rule(s.rule);
  pop.start_tape(o.checkpoint_every);
  pop.forward(T, x, spikes.span(), record);
  for (std::size_t r = 0; r < s.recorded.size(); ++r) {
    const auto& trace = record[s.recorded[r]];  // the membrane may have been recorded for the loss instead
    out.npy(info.states[s.recorded[r]].name + ".npy", trace, shape);
  }
  out.npy("spikes.npy", spikes.span(), shape);
  if (o.plot) pictures.add_all(T, o.dt, record, spikes.span(), x);

  std::vector<float> threshold;
  if (info.threshold) threshold = pop.parameter(*info.threshold);
  loss_gradient g;
  const double value =
      s.objective->evaluate({spikes, s.objective->reads_membrane() ? &membrane : nullptr, threshold}, {}, g).value;
  auto io = pop.gradients();
  io.grad_out = g.dy.span();
  if (s.objective->reads_membrane()) io.grad_state[*info.membrane] = g.dmembrane.span();
  std::vector<std::vector<float>> lambdas(info.states.size());
  for (std::size_t k : s.adjoint) lambdas[k].resize(size), io.record_lambda[k] = lambdas[k];
  std::vector<float> grad_x(size);
  io.grad_x = grad_x;
  std::vector<std::vector<float>> grad_param(info.parameters.size(), std::vector<float>(N));
  for (std::size_t q = 0; q < info.parameters.size(); ++q) io.grad_param[q] = grad_param[q];
  pop.backward(x, io, 0, T);

  for (std::size_t k : s.adjoint) out.npy("lambda_" + info.states[k].name + ".npy", lambdas[k], shape);
  if (o.plot && !s.adjoint.empty()) {
    // λ of neuron 0 over time, as reference tutorial 000 plots λ_v and λ_i
    std::vector<plot::series> curves;
    for (std::size_t k : s.adjoint) {
      plot::series c{"lambda_" + info.states[k].name, {}, {}};
      for (std::size_t t = 0; t < T; ++t) {
        c.x.push_back(double(t + 1) * o.dt * 1e3);
        c.y.push_back(lambdas[k][t * N]);
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
  fmt::print("loss {:.6g}\nkept {} bytes for the backward ({:.3g} bytes per neuron-step)\n", value, pop.kept_bytes(),
             double(pop.kept_bytes()) / double(size));
}

}  // namespace

void simulate(const simulate_options& o, std::span<const model_entry> models) {
  output_set::check(o.out, "--out");  // before any work
  const simulation s = plan(o, models);
  {
    // what the run will hold and write, checked before anything is allocated
    const model_info& info = s.info();
    const double N = double(o.neurons), T = double(o.steps), S = double(info.states.size());
    const double files = double(s.recorded.size()) + (info.spiking ? 1.0 : 0.0);
    const double word = o.double_precision ? 8.0 : 4.0;
    double bytes = N * word * (2 * S + double(info.parameters.size()) + 4);  // the population
    if (s.objective) bytes += T * N * word * (files + 2 * S + double(s.adjoint.size()) + 4);  // the whole run, its tape, λ
    else bytes += std::min(T, std::max(1.0, 65536.0 / N)) * N * 4.0 * (files + 2);          // one chunk of steps
    require_memory(bytes, fmt::format("simulating {} neurons for {} steps", o.neurons, o.steps));
    require_disk(T * N * 4.0 * files, o.out, fmt::format("writing {} arrays of {} × {} floats", files, o.steps, o.neurons));
  }
  auto pop = s.entry->make(o.neurons, 1, o.dt, o.double_precision);
  for (const auto& [name, value] : s.sets) pop->set_parameter(name, value);
  output_set out(o.out);
  plot_data pictures(s.info(), s.recorded, o.plot ? o.neurons : 0);
  if (s.objective) run_with_gradients(o, s, *pop, out, pictures);
  else run_streaming(o, s, *pop, out, pictures);
  if (o.plot) write_plots(out, o, s, pictures);
  out.commit();
}

}  // namespace norn::cli
