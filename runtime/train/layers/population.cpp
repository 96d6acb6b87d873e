#include <runtime/train/layers/population.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/train/layer_kind.hpp>

#include <cmath>

namespace norn {

// ---- what both layers share ----------------------------------------------------------

template <class T>
population_layer_base<T>::population_layer_base(const population_options& o)
    : options_(o), pop_(o.model->make(o.neurons, 1, o.dt, std::is_same_v<T, double>)) {
  pop_->set_gradient_rule(o.gradient);
  for (const auto& [name, value] : o.set) pop_->set_parameter(name, value);
  for (const auto& [name, value] : o.initial) pop_->set_initial(name, value);
  const auto& info = pop_->info();
  auto held = o.train;
  for (const auto& name : o.per_neuron) held.emplace_back(name, o.neurons);
  for (std::size_t k = 0; k < held.size(); ++k) {
    const auto& [name, groups] = held[k];
    const auto q = info.parameter_index(name);
    if (!q) fail("norn: model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    if (groups == 0 || o.neurons % groups)
      fail("norn: parameter '{}' of {} neurons cannot be trained in {} groups", name, o.neurons, groups);
    trained e{*q, k < o.train.size(), {}, {}, {}};
    const auto current = population_value(*q);  // set for every neuron alike: group g starts from its first
    for (std::size_t g = 0; g < groups; ++g) e.value.push_back(current[g * (o.neurons / groups)]);
    e.grad.assign(e.value.size(), T(0));
    trained_.push_back(std::move(e));
  }
  const std::size_t S = info.states.size();
  recording_.assign(S, false);
  recorded_.resize(S);
  state_grads_.resize(S);
}

template <class T>
std::vector<typename population_layer_base<T>::parameter_ref> population_layer_base<T>::parameters() {
  std::vector<parameter_ref> out;
  for (auto& e : trained_)
    out.push_back({pop_->info().parameters[e.index].name, {e.value.size()}, e.value, e.grad, parameter_group::neuron, e.learn});
  return out;
}

template <class T>
std::vector<T> population_layer_base<T>::neuron_parameter(std::size_t q) const {
  for (const auto& e : trained_)
    if (e.index == q) return e.per_neuron(pop_->neurons());
  return population_value(q);
}

template <class T>
std::vector<T> population_layer_base<T>::population_value(std::size_t q) const {
  if constexpr (std::is_same_v<T, float>) {
    return pop_->parameter(q);
  } else {
    std::vector<double> v(pop_->neurons());
    pop_->read_parameter(q, v);
    return v;
  }
}

template <class T>
std::vector<T> population_layer_base<T>::trained::per_neuron(std::size_t neurons) const {
  std::vector<T> v(neurons);
  const std::size_t block = neurons / value.size();
  for (std::size_t n = 0; n < neurons; ++n) v[n] = value[n / block];
  return v;
}

namespace {
std::size_t state_of(const model_info& info, const std::string& name) {
  if (auto s = info.state_index(name)) return *s;
  fail("norn: model '{}' has no state '{}' (states: {})", info.name, name, info.state_names());
}
}  // namespace

template <class T>
void population_layer_base<T>::record_states(const std::vector<std::string>& names) {
  for (const auto& n : names) recording_[state_of(pop_->info(), n)] = true;
}
template <class T>
const typename population_layer_base<T>::sequence* population_layer_base<T>::recorded(const std::string& name) const {
  const auto s = state_of(pop_->info(), name);
  return recording_[s] ? &recorded_[s] : nullptr;
}
template <class T>
void population_layer_base<T>::add_state_gradient(const std::string& name, const sequence& g) {
  auto& dst = state_grads_[state_of(pop_->info(), name)];
  if (dst.size() == 0) dst = g;
  else dst.values += g.values;
}

template <class T>
void population_layer_base<T>::prepare(std::size_t steps, std::size_t batch, std::size_t features) {
  if (features != pop_->neurons())
    fail("norn: layer '{}' has {} neurons but receives {} features", type(), pop_->neurons(), features);
  if (pop_->batch() != batch) pop_->resize_batch(batch);
  pop_->reset();
  for (const auto& e : trained_) {
    const auto& name = pop_->info().parameters[e.index].name;
    if (e.value.size() == 1) pop_->set_parameter(name, double(e.value[0]));
    else if (e.value.size() == pop_->neurons()) pop_->set_parameter(name, std::span<const T>(e.value));
    else pop_->set_parameter(name, std::span<const T>(e.per_neuron(pop_->neurons())));
  }
  for (std::size_t s = 0; s < recording_.size(); ++s)
    if (recording_[s]) recorded_[s].reshape(steps, batch, pop_->neurons());
}

template <class T>
std::vector<std::span<T>> population_layer_base<T>::recordings(std::size_t t, std::size_t len) {
  std::vector<std::span<T>> rec(recording_.size());
  for (std::size_t s = 0; s < rec.size(); ++s)
    if (recording_[s]) {
      const std::size_t row = recorded_[s].batch * pop_->neurons();
      rec[s] = recorded_[s].span().subspan(t * row, len * row);
    }
  return rec;
}

template <class T>
gradient_io<T> population_layer_base<T>::gradient_spans() const {
  return gradient_io<T>::sized(pop_->info().states.size(), pop_->info().parameters.size());
}

template <class T>
void population_layer_base<T>::attach_gradients(gradient_io<T>& io) {
  for (auto& e : trained_)
    if (e.learn) {
      e.scratch.assign(pop_->neurons(), T(0));
      io.grad_param[e.index] = e.scratch;
    }
}

template <class T>
void population_layer_base<T>::accumulate_gradients() {
  for (auto& e : trained_) {
    if (!e.learn) continue;
    const std::size_t block = e.scratch.size() / e.grad.size();
    for (std::size_t g = 0; g < e.grad.size(); ++g) {
      double sum = 0;
      for (std::size_t n = g * block; n < (g + 1) * block; ++n) sum += e.scratch[n];
      e.grad[g] += T(sum);
    }
  }
}

template <class T>
void population_layer_base<T>::attach_state_gradients(gradient_io<T>& io) const {
  for (std::size_t s = 0; s < state_grads_.size(); ++s)
    if (state_grads_[s].size()) io.grad_state[s] = state_grads_[s].span();
}

// ---- feed-forward ----------------------------------------------------------------------

template <class T>
void population_layer<T>::forward(const sequence& x, sequence& y, bool keep) {
  this->prepare(x.steps, x.batch, x.features());
  y.reshape(x.steps, x.batch, pop_->neurons());
  if (keep) {
    input_ = &x;
    pop_->start_tape(options_.checkpoint_every);
    pop_->forward(x.steps, x.span(), y.span(), this->recordings(0, x.steps));
  } else {
    pop_->run(x.steps, x.span(), y.span(), this->recordings(0, x.steps));
  }
}

template <class T>
bool population_layer<T>::forward_from(const current_source& source, std::size_t steps, std::size_t batch, sequence& y) {
  if constexpr (std::is_same_v<T, float>) {
    this->prepare(steps, batch, pop_->neurons());
    y.reshape(steps, batch, pop_->neurons());
    pop_->run_from(steps, source, y.span(), this->recordings(0, steps));
    return true;
  } else {
    return false;  // computed inputs are float32 (no float64 layer offers them)
  }
}

template <class T>
void population_layer<T>::backward(const sequence& dy, sequence* dx) {
  auto io = this->gradient_spans();
  io.grad_out = dy.span();
  this->attach_state_gradients(io);
  if (dx) {
    dx->reshape(dy.steps, dy.batch, pop_->neurons());
    io.grad_x = dx->span();
  }
  this->attach_gradients(io);
  pop_->backward(input_->span(), io, 0, dy.steps);
  this->accumulate_gradients();
  for (auto& g : this->state_grads_) g = sequence();
}

// ---- recurrent -------------------------------------------------------------------------

template <class T>
recurrent_population_layer<T>::recurrent_population_layer(const population_options& o)
    : base(o), weight_(Eigen::Index(o.neurons), Eigen::Index(o.neurons)),
      weight_grad_(matrix::Zero(Eigen::Index(o.neurons), Eigen::Index(o.neurons))),
      bias_(vector::Zero(o.recurrent_bias ? Eigen::Index(o.neurons) : 0)),
      bias_grad_(vector::Zero(o.recurrent_bias ? Eigen::Index(o.neurons) : 0)) {
  const double std = o.recurrent_std.value_or(std::sqrt(2.0 / double(o.neurons)));
  std::uint64_t k = 0;
  for (Eigen::Index r = 0; r < weight_.rows(); ++r)
    for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k)
      weight_(r, c) = (r == c && !o.autapses) ? T(0) : T(float(std * normal01(o.seed, k)));
}

template <class T>
void recurrent_population_layer<T>::forward(const sequence& x, sequence& y, bool keep) {
  this->prepare(x.steps, x.batch, x.features());
  const std::size_t N = pop_->neurons(), B = x.batch, steps = x.steps, row = B * N;
  y.reshape(steps, B, N);
  input_ = x;  // becomes u_t = x_t + z_{t-1} W_recᵀ below
  if (keep) pop_->start_tape(options_.checkpoint_every);
  for (std::size_t t = 0; t < steps; ++t) {
    auto u = input_.values.middleRows(Eigen::Index(t * B), Eigen::Index(B));
    if (t > 0) u.noalias() += y.values.middleRows(Eigen::Index((t - 1) * B), Eigen::Index(B)) * weight_.transpose();
    if (bias_.size()) u.rowwise() += bias_.transpose();
    const std::span<const T> ut(u.data(), row);
    const std::span<T> yt(y.values.data() + t * row, row);
    if (keep) pop_->forward(1, ut, yt, this->recordings(t, 1));
    else pop_->run(1, ut, yt, this->recordings(t, 1));
  }
  output_ = &y;
}

template <class T>
void recurrent_population_layer<T>::backward(const sequence& dy, sequence* dx) {
  const std::size_t N = pop_->neurons(), B = dy.batch, steps = dy.steps, row = B * N;
  const std::size_t S = pop_->info().states.size();
  sequence du(steps, B, N);
  sequence gout = dy;  // dL/dz_t: the loss's, plus W_rec's path into step t + 1 (added below)
  std::vector<std::vector<T>> lambda(S, std::vector<T>(row, T(0)));
  auto io = this->gradient_spans();
  io.grad_out = gout.span();
  io.grad_x = du.span();
  this->attach_state_gradients(io);
  for (std::size_t s = 0; s < S; ++s) io.lambda[s] = lambda[s];
  for (std::size_t t = steps; t-- > 0;) {
    if (t + 1 < steps)
      gout.values.middleRows(Eigen::Index(t * B), Eigen::Index(B)).noalias() +=
          du.values.middleRows(Eigen::Index((t + 1) * B), Eigen::Index(B)) * weight_;
    this->attach_gradients(io);
    pop_->backward(input_.span(), io, t, t + 1);
    this->accumulate_gradients();
  }
  // dW_rec = Σ_t du_tᵀ z_{t−1}: one product over the sequence
  if (steps > 1)
    weight_grad_.noalias() +=
        du.values.bottomRows(Eigen::Index((steps - 1) * B)).transpose() * output_->values.topRows(Eigen::Index((steps - 1) * B));
  if (!options_.autapses) weight_grad_.diagonal().setZero();
  if (bias_.size()) bias_grad_ += du.values.colwise().sum().transpose();
  for (auto& g : this->state_grads_) g = sequence();
  if (dx) *dx = std::move(du);
}

template <class T>
std::vector<typename recurrent_population_layer<T>::parameter_ref> recurrent_population_layer<T>::parameters() {
  std::vector<parameter_ref> out;
  out.push_back({"recurrent_weight", {std::size_t(weight_.rows()), std::size_t(weight_.cols())},
                 {weight_.data(), std::size_t(weight_.size())}, {weight_grad_.data(), std::size_t(weight_grad_.size())}});
  if (bias_.size())
    out.push_back({"recurrent_bias", {std::size_t(bias_.size())}, {bias_.data(), std::size_t(bias_.size())},
                   {bias_grad_.data(), std::size_t(bias_grad_.size())}});
  for (auto& p : base::parameters()) out.push_back(std::move(p));
  return out;
}

template <class T>
std::unique_ptr<basic_layer<T>> make_population_layer(const population_options& o) {
  if (!o.model) fail("norn: a population layer needs a model");
  if (o.recurrent) return std::make_unique<recurrent_population_layer<T>>(o);
  return std::make_unique<population_layer<T>>(o);
}

template class population_layer_base<float>;
template class population_layer_base<double>;
template class population_layer<float>;
template class population_layer<double>;
template class recurrent_population_layer<float>;
template class recurrent_population_layer<double>;
template std::unique_ptr<basic_layer<float>> make_population_layer(const population_options&);
template std::unique_ptr<basic_layer<double>> make_population_layer(const population_options&);

// ---- the kind: every model by name -----------------------------------------------------

namespace {

std::vector<std::pair<std::string, double>> values_of(const config_object& c, std::string_view key,
                                                      const model_info& info, bool states) {
  std::vector<std::pair<std::string, double>> out;
  if (!c.has(key)) return out;
  const auto& p = c.json(key);
  const auto where = c.place(key);
  if (!p.is_object()) where.error("expected an object of {} values", states ? "initial state" : "parameter");
  for (const auto& [name, value] : p.items()) {
    if (states && !info.state_index(name))
      where.error("model '{}' has no state '{}' (states: {})", info.name, name, info.state_names());
    if (!states && !info.parameter_index(name))
      where.error("model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    out.emplace_back(name, read_number(value, where.at(name)));
  }
  return out;
}

std::vector<std::pair<std::string, std::size_t>> trained_of(const config_object& c, const model_info& info,
                                                            const std::vector<std::size_t>& shape, std::size_t neurons) {
  std::vector<std::pair<std::string, std::size_t>> out;
  if (!c.has("train")) return out;
  const auto& t = c.json("train");
  const auto where = c.place("train");
  auto add = [&](const std::string& name, std::size_t groups, const config_place& at) {
    if (!info.parameter_index(name))
      at.error("model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    out.emplace_back(name, groups);
  };
  if (t.is_array()) {
    for (std::size_t k = 0; k < t.size(); ++k) add(read_text(t[k], where.at(k)), neurons, where.at(k));
  } else if (t.is_object()) {
    for (const auto& [name, mode] : t.items()) {
      const auto m = read_text(mode, where.at(name));
      if (m == "neuron") add(name, neurons, where.at(name));
      else if (m == "shared") add(name, 1, where.at(name));
      else if (m == "channel") {
        if (shape.size() < 2)
          where.at(name).error("\"channel\" needs an input of channels ([C, H, W] or [C, W]); this one is {}", npy::shape_text(shape));
        add(name, shape[0], where.at(name));
      } else {
        where.at(name).error("expected \"neuron\", \"channel\" or \"shared\", got \"{}\"", m);
      }
    }
  } else {
    where.error("expected a list of parameter names or an object name → \"neuron\"/\"channel\"/\"shared\"");
  }
  return out;
}

std::vector<std::string> per_neuron_of(const config_object& c, const model_info& info,
                                       const std::vector<std::pair<std::string, std::size_t>>& train) {
  std::vector<std::string> out;
  if (!c.has("per_neuron")) return out;
  const auto& t = c.json("per_neuron");
  const auto where = c.place("per_neuron");
  if (!t.is_array()) where.error("expected a list of parameter names");
  for (std::size_t k = 0; k < t.size(); ++k) {
    const auto name = read_text(t[k], where.at(k));
    if (!info.parameter_index(name))
      where.at(k).error("model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
    for (const auto& [trained, groups] : train)
      if (trained == name) where.at(k).error("'{}' is trained (\"train\"); a parameter is trained or held per neuron, not both", name);
    if (std::find(out.begin(), out.end(), name) != out.end()) where.at(k).error("'{}' is listed twice", name);
    out.push_back(name);
  }
  return out;
}

}  // namespace

extern const layer_kind population_layer_kind{
    .name = "population",
    .summary = "a population of a model, by the model's name, shaped as its input: \"neurons\", \"params\", \"initial\", "
               "\"train\" (names, or name → \"neuron\"/\"channel\"/\"shared\"), \"per_neuron\" (names held per neuron, not trained, "
               "read by --init), "
               "\"surrogate\", \"alpha\", \"detach_reset\", \"checkpoint_every\", \"recurrent\" (with \"autapses\", "
               "\"recurrent_std\", \"recurrent_bias\")",
    .types =
        [](const layer_context& context) {
          std::vector<std::string> names;
          for (const auto& m : context.models) names.push_back(m.info.name);
          return names;
        },
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where,
                            {"type", "neurons", "params", "train", "per_neuron", "initial", "surrogate", "alpha", "detach_reset",
                             "recurrent", "autapses", "recurrent_std", "recurrent_bias", "checkpoint_every"});
      population_options o;
      o.model = &find_model(context.models, read_text(j.at("type"), where.at("type")));
      const auto& info = o.model->info;
      o.dt = context.dt;
      o.neurons = input_features(c, context, "neurons");
      // a population keeps the shape of its input (a [C, H, W] map stays one)
      const std::vector<std::size_t> shape = context.in_shape.empty() ? std::vector<std::size_t>{o.neurons} : context.in_shape;
      o.set = values_of(c, "params", info, false);
      o.initial = values_of(c, "initial", info, true);
      o.train = trained_of(c, info, shape, o.neurons);
      o.per_neuron = per_neuron_of(c, info, o.train);
      o.gradient.surrogate = c.text("surrogate", "");
      if (c.has("surrogate") && !info.surrogate_index(o.gradient.surrogate))
        c.place("surrogate").error("unknown surrogate '{}' for model '{}' (surrogates: {})", o.gradient.surrogate,
                                   info.name, info.surrogate_names());
      o.gradient.alpha = c.positive("alpha");
      o.recurrent = c.boolean("recurrent", false);
      // Norse's recurrent cells detach the reset; its feed-forward steps do not
      o.gradient.detach_reset = c.boolean("detach_reset", o.recurrent);
      o.autapses = c.boolean("autapses", false);
      o.recurrent_std = c.positive("recurrent_std");
      o.recurrent_bias = c.boolean("recurrent_bias", false);
      o.checkpoint_every = c.count("checkpoint_every", 1);
      if (!o.recurrent && (c.has("autapses") || c.has("recurrent_std") || c.has("recurrent_bias")))
        c.error("\"autapses\", \"recurrent_std\" and \"recurrent_bias\" need \"recurrent\": true");
      return layer_plan{info.name, shape, shape,
                        [o]<class T>(std::type_identity<T>, std::uint64_t seed) {
                          auto with_seed = o;
                          with_seed.seed = seed;
                          return make_population_layer<T>(with_seed);
                        },
                        (o.recurrent ? double(o.neurons) * double(o.neurons) : 0.0) +
                            double(o.neurons) * double(info.parameters.size() + 2 * info.states.size())};
    },
    .example = R"({"type": "li", "train": ["tau_mem_inv"]})"};

}  // namespace norn
