// `norn.Population`: a population of one model over NumPy arrays [T, B, N] — a run without
// gradients, a forward that keeps its tape, and the generated adjoint over it. Arrays of the
// population's dtype in C order pass without a copy; the kernels run without the GIL.

#include <runtime/python/arrays.hpp>
#include <runtime/python/module.hpp>

#include <runtime/core/dynamic_population.hpp>
#include <runtime/core/gradient_io.hpp>

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

namespace norn::python {

namespace {

class python_population {
 public:
  /// `params`: name → a number (every neuron) or [N] values; double: compute in float64.
  python_population(const std::string& model, std::size_t neurons, std::size_t batch, double dt, const py::object& params,
                    bool double_precision, const std::optional<std::string>& surrogate, std::optional<double> alpha,
                    bool detach_reset)
      : dt_(dt) {
    const model_entry& m = find_model(known_models(), model);
    if (neurons == 0) fail("norn: a population needs at least 1 neuron");
    if (batch == 0) fail("norn: the batch needs at least 1 entry");
    if (!(std::isfinite(dt) && dt > 0)) fail("norn: dt must be a positive number of seconds, got {}", dt);
    pop_ = m.make(neurons, batch, dt, double_precision);
    if (!params.is_none()) {
      if (!py::isinstance<py::dict>(params)) throw type_error("norn: params must be a dict of name → value");
      for (auto [name, value] : py::reinterpret_borrow<py::dict>(params)) set_parameter(py::cast<std::string>(name), value);
    }
    spike_gradient rule;
    rule.surrogate = surrogate.value_or("");
    rule.alpha = alpha;
    rule.detach_reset = detach_reset;
    pop_->set_gradient_rule(rule);
  }

  const model_info& info() const { return pop_->info(); }
  std::size_t neurons() const { return pop_->neurons(); }
  std::size_t batch() const { return pop_->batch(); }
  double dt() const { return dt_; }
  bool double_precision() const { return pop_->double_precision(); }
  py::dtype dtype() const { return double_precision() ? py::dtype::of<double>() : py::dtype::of<float>(); }

  void set_parameter(const std::string& name, py::handle value) {
    const auto q = info().parameter_index(name);
    if (!q) fail("norn: model '{}' has no parameter '{}' (parameters: {})", info().name, name, info().parameter_names());
    if (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) {
      pop_->set_parameter(name, py::cast<double>(value));
      return;
    }
    const auto a = as_array<double>(value, fmt::format("parameter '{}'", name));
    if (a.ndim() == 0) pop_->set_parameter(name, double(*a.data()));
    else if (a.ndim() == 1) pop_->set_parameter(name, values(a));  // checks its size and values
    else fail("norn: parameter '{}' takes a number or {} values (one per neuron), got shape {}", name, neurons(), shape_text(a));
  }

  py::dict parameters() const {
    py::dict d;
    for (std::size_t q = 0; q < info().parameters.size(); ++q) {
      auto a = empty<double>({neurons()});
      pop_->read_parameter(q, writable(a));
      d[py::str(info().parameters[q].name)] = a.attr("astype")(dtype());
    }
    return d;
  }

  py::array state(const std::string& name) const {
    auto a = empty<double>({batch(), neurons()});
    pop_->read_state(state_index(name), writable(a));
    return a.attr("astype")(dtype());
  }
  py::dict states() const {
    py::dict d;
    for (const auto& s : info().states) d[py::str(s.name)] = state(s.name);
    return d;
  }
  /// A number, [N] (the same for every batch entry) or [B, N] values.
  void set_state(const std::string& name, py::handle value) {
    const auto s = state_index(name);
    const std::size_t B = batch(), N = neurons();
    std::vector<double> v(B * N);
    const auto a = as_array<double>(value, fmt::format("state '{}'", name));
    const auto in = values(a);
    if (a.ndim() == 0) std::fill(v.begin(), v.end(), in[0]);
    else if (a.ndim() == 1 && in.size() == N)
      for (std::size_t b = 0; b < B; ++b) std::copy(in.begin(), in.end(), v.begin() + std::ptrdiff_t(b * N));
    else if (a.ndim() == 2 && dims(a) == std::vector<std::size_t>{B, N}) std::copy(in.begin(), in.end(), v.begin());
    else fail("norn: state '{}' takes a number, [{}] or [{}, {}] values, got shape {}", name, N, B, N, shape_text(a));
    pop_->set_state(s, v);
  }
  void reset() {
    pop_->reset();
    kept_x_ = py::none();
  }

  /// From the current state on x [T, B, N] (or [T, N] for a batch of 1), no tape:
  /// {"output": ..., <recorded state>: ...}, each shaped as x.
  py::dict run(py::handle x, py::handle record, bool check) {
    return double_precision() ? run_as<double>(x, record, false, 1, check) : run_as<float>(x, record, false, 1, check);
  }
  /// As run(), keeping what backward() needs; the output, or (output, recordings) when
  /// `record` names states. Each call starts a new sequence from the current state.
  py::object forward(py::handle x, py::handle record, std::size_t checkpoint, bool check) {
    if (checkpoint == 0) fail("norn: checkpoint must be at least 1 (steps between kept states)");
    auto d = double_precision() ? run_as<double>(x, record, true, checkpoint, check)
                                : run_as<float>(x, record, true, checkpoint, check);
    py::object out = d["output"];
    if (record.is_none()) return out;
    PyDict_DelItemString(d.ptr(), "output");
    return py::make_tuple(out, d);
  }
  /// The adjoint of the last forward().
  py::dict backward(py::handle grad_output, py::handle grad_states, py::handle final_lambda, bool traces, bool check) {
    return double_precision() ? backward_as<double>(grad_output, grad_states, final_lambda, traces, check)
                              : backward_as<float>(grad_output, grad_states, final_lambda, traces, check);
  }

 private:
  std::size_t state_index(const std::string& name) const {
    if (auto s = info().state_index(name)) return *s;
    fail("norn: model '{}' has no state '{}' (states: {})", info().name, name, info().state_names());
  }

  /// The steps of x [T, B, N] (or [T, N] with a batch of 1), checked against the population.
  std::size_t steps_of(const py::array& x, std::string_view what) const {
    const auto d = dims(x);
    const bool fits = (d.size() == 3 && d[1] == batch() && d[2] == neurons()) ||
                      (d.size() == 2 && batch() == 1 && d[1] == neurons());
    if (!fits)
      fail("norn: {} has shape {}; this population takes [steps, {}, {}]{}", what, shape_text(x), batch(), neurons(),
           batch() == 1 ? fmt::format(" or [steps, {}]", neurons()) : "");
    return d[0];
  }

  /// The states `record` names (None, a name, a list of names, or True for all).
  std::vector<std::size_t> recorded(py::handle record) const {
    std::vector<std::size_t> r;
    if (record.is_none() || (py::isinstance<py::bool_>(record) && !py::cast<bool>(record))) return r;
    if (py::isinstance<py::bool_>(record)) {
      for (std::size_t s = 0; s < info().states.size(); ++s) r.push_back(s);
      return r;
    }
    if (py::isinstance<py::str>(record)) return {state_index(py::cast<std::string>(record))};
    if (!py::isinstance<py::iterable>(record)) throw type_error("norn: record must be a state's name, a list of names or True");
    for (auto name : record) {
      if (!py::isinstance<py::str>(name)) throw type_error("norn: record must list states by name");
      r.push_back(state_index(py::cast<std::string>(name)));
    }
    return r;
  }

  template <class T>
  py::dict run_as(py::handle xh, py::handle record, bool tape, std::size_t checkpoint, bool check) {
    const auto x = as_array<T>(xh, "the input");
    const std::size_t steps = steps_of(x, "the input");
    if (check) require_finite(x, "the input");
    const auto shape = dims(x);
    auto out = empty<T>(shape);
    std::vector<py::array_t<T>> kept;
    std::vector<std::span<T>> spans(info().states.size());
    const auto which = recorded(record);
    for (auto s : which) {
      kept.push_back(empty<T>(shape));
      spans[s] = writable(kept.back());
    }
    {
      py::gil_scoped_release free;
      if (tape) {
        pop_->start_tape(checkpoint);
        pop_->forward(steps, values(x), writable(out), spans);
      } else {
        pop_->run(steps, values(x), writable(out), spans);
      }
    }
    if (tape) {
      kept_x_ = x;
      kept_shape_ = shape;
    }
    py::dict d;
    d["output"] = out;
    for (std::size_t k = 0; k < which.size(); ++k) d[py::str(info().states[which[k]].name)] = kept[k];
    return d;
  }

  template <class T>
  py::dict backward_as(py::handle grad_output, py::handle grad_states, py::handle final_lambda, bool traces, bool check) {
    if (kept_x_.is_none()) fail("norn: backward() needs a forward() first (run() keeps nothing)");
    const auto x = py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(kept_x_);
    const std::size_t S = info().states.size(), Q = info().parameters.size(), B = batch(), N = neurons();
    const std::size_t steps = kept_shape_[0];
    auto g = gradient_io<T>::sized(S, Q);

    // inputs: C-ordered arrays of T, kept alive here while the kernels read them
    std::vector<py::object> alive;
    auto sequence_in = [&](py::handle h, const std::string& what) -> std::span<const T> {
      if (h.is_none()) return {};
      auto a = as_array<T>(h, what);
      if (dims(a) != kept_shape_)
        fail("norn: {} has shape {}; the forward's sequence is {}", what, shape_text(a), npy::shape_text(kept_shape_));
      if (check) require_finite(a, what);
      alive.push_back(a);
      return values(a);
    };
    g.grad_out = sequence_in(grad_output, "grad_output");
    auto states_in = [&](py::handle h, const char* what) -> std::vector<std::pair<std::size_t, py::handle>> {
      std::vector<std::pair<std::size_t, py::handle>> r;
      if (h.is_none()) return r;
      if (!py::isinstance<py::dict>(h)) throw type_error(fmt::format("norn: {} must be a dict of state name → array", what));
      for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
        if (!py::isinstance<py::str>(k)) throw type_error(fmt::format("norn: {} must be keyed by state name", what));
        r.emplace_back(state_index(py::cast<std::string>(k)), v);
      }
      return r;
    };
    for (auto [s, v] : states_in(grad_states, "grad_states"))
      g.grad_state[s] = sequence_in(v, fmt::format("grad_states['{}']", info().states[s].name));

    // outputs
    auto grad_x = empty<T>(kept_shape_);
    g.grad_x = writable(grad_x);
    std::vector<py::array_t<T>> lambda, lambda_traces, grad_param;
    for (std::size_t s = 0; s < S; ++s) {
      lambda.push_back(empty<T>({B, N}));
      std::fill_n(lambda.back().mutable_data(), B * N, T(0));
      g.lambda[s] = writable(lambda.back());
      if (traces) {
        lambda_traces.push_back(empty<T>(kept_shape_));
        g.record_lambda[s] = writable(lambda_traces.back());
      }
    }
    for (auto [s, v] : states_in(final_lambda, "final_lambda")) {
      const auto name = info().states[s].name;
      auto a = as_array<T>(v, fmt::format("final_lambda['{}']", name));
      if (a.size() != py::ssize_t(B * N) || (a.ndim() != 2 && !(a.ndim() == 1 && B == 1)))
        fail("norn: final_lambda['{}'] has shape {}; expected [{}, {}]", name, shape_text(a), B, N);
      if (check) require_finite(a, fmt::format("final_lambda['{}']", name));
      std::copy_n(a.data(), B * N, lambda[s].mutable_data());
    }
    for (std::size_t q = 0; q < Q; ++q) {
      grad_param.push_back(empty<T>({N}));
      g.grad_param[q] = writable(grad_param.back());
    }
    {
      py::gil_scoped_release free;
      pop_->backward(values(x), g, 0, steps);
    }
    py::dict d, params, initial, traces_out;
    d["input"] = grad_x;
    for (std::size_t q = 0; q < Q; ++q) params[py::str(info().parameters[q].name)] = grad_param[q];
    for (std::size_t s = 0; s < S; ++s) {
      initial[py::str(info().states[s].name)] = lambda[s];
      if (traces) traces_out[py::str(info().states[s].name)] = lambda_traces[s];
    }
    d["parameters"] = params;
    d["initial"] = initial;
    if (traces) d["lambda"] = traces_out;
    return d;
  }

  std::unique_ptr<dynamic_population> pop_;
  double dt_;
  py::object kept_x_ = py::none();  ///< the last forward's input (C-ordered, the population's dtype)
  std::vector<std::size_t> kept_shape_;
};

}  // namespace

void bind_population(py::module_& m) {
  using namespace pybind11::literals;
  py::class_<python_population>(m, "Population", R"(A population of `neurons` neurons of one model over `batch` entries.

Arrays are [T, B, N] (steps, batch, neurons) in the population's dtype (float32, or float64
with double=True); arrays already of that dtype in C order are read without a copy.)")
      .def(py::init<const std::string&, std::size_t, std::size_t, double, const py::object&, bool,
                    const std::optional<std::string>&, std::optional<double>, bool>(),
           "model"_a, "neurons"_a, "batch"_a = 1, "dt"_a = 0.001, "params"_a = py::none(), "double"_a = false,
           "surrogate"_a = py::none(), "alpha"_a = py::none(), "detach_reset"_a = false)
      .def_property_readonly("model", [](const python_population& p) { return p.info().name; })
      .def_property_readonly("neurons", &python_population::neurons)
      .def_property_readonly("batch", &python_population::batch)
      .def_property_readonly("dt", &python_population::dt)
      .def_property_readonly("dtype", &python_population::dtype)
      .def_property_readonly("parameters", &python_population::parameters, "name → [N] values (a copy)")
      .def_property_readonly("states", &python_population::states, "name → [B, N] values now (a copy)")
      .def("set_parameter", &python_population::set_parameter, "name"_a, "value"_a,
           "Sets a parameter: a number for every neuron, or [N] values.")
      .def("state", &python_population::state, "name"_a, "State `name` now, [B, N].")
      .def("set_state", &python_population::set_state, "name"_a, "value"_a,
           "Sets a state: a number, [N] (every batch entry) or [B, N] values; reset() restores the initial values.")
      .def("reset", &python_population::reset, "Puts every state back to its initial value.")
      .def("run", &python_population::run, "x"_a, "record"_a = py::none(), "check"_a = true,
           "Steps over x [T, B, N] from the current state without keeping a tape: {'output': ..., <state>: ...}.")
      .def("forward", &python_population::forward, "x"_a, "record"_a = py::none(), "checkpoint"_a = 1, "check"_a = true,
           "Steps over x [T, B, N] keeping what backward() needs (every `checkpoint`-th state; the backward "
           "recomputes the rest): the output, or (output, recordings) with `record`.")
      .def("backward", &python_population::backward, "grad_output"_a = py::none(), "grad_states"_a = py::none(),
           "final_lambda"_a = py::none(), "traces"_a = true, "check"_a = true,
           "The generated adjoint over the last forward(): {'input': dL/dx, 'parameters': {name: dL/dθ [N]}, "
           "'initial': {state: dL/d(initial state) [B, N]}, 'lambda': {state: λ after each step [T, B, N]}}.");
}

}  // namespace norn::python
