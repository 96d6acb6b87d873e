#pragma once
/// Populations of a model as layers. A feed-forward population runs the generated kernel
/// over the whole sequence (each tile of neurons walks time with its state in registers);
/// a recurrent one adds W_rec z_{t−1} to each step's input, as Norse's recurrent cells,
/// stepping in time with the recurrent product only. Chosen parameters are trained,
/// per neuron ([N]) or shared by the population ([1]).

#include <runtime/layers/layer.hpp>
#include <runtime/encoders.hpp>
#include <runtime/population.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace norn {

/// How to build a population layer.
struct population_options {
  std::size_t neurons = 0;
  double dt = 0.001;
  std::vector<std::pair<std::string, double>> set;      ///< parameter values (for every neuron)
  std::vector<std::pair<std::string, bool>> train;      ///< trained parameters; true: shared
  std::vector<std::pair<std::string, double>> initial;  ///< initial state values
  spike_gradient gradient;
  std::size_t checkpoint_every = 1;  ///< keep the state every K steps only (recompute in backward)
  bool recurrent = false;
  bool autapses = false;                ///< recurrent: keep W_rec's diagonal
  std::optional<double> recurrent_std;  ///< recurrent: N(0, std²) init, default √(2/N)
  std::uint64_t seed = 0;
};

namespace detail {

/// The trained parameters of a population layer, and applying them to the population.
template <class M>
class trained_parameters {
 public:
  void configure(population<M, float>& pop, const population_options& o) {
    for (const auto& [name, value] : o.set) pop.set_parameter(name, value);
    for (const auto& [name, value] : o.initial) pop.set_initial(name, value);
    for (const auto& [name, shared] : o.train) {
      entry e{pop.parameter_index(name), shared, {}, {}};
      const auto current = pop.parameter(name);
      if (shared) e.value.assign(1, current[0]);
      else e.value.assign(current.begin(), current.end());
      e.grad.assign(e.value.size(), 0.0f);
      entries_.push_back(std::move(e));
    }
  }
  /// Writes the trained values into the population's parameter arrays.
  void apply(population<M, float>& pop) {
    for (auto& e : entries_) {
      auto dst = pop.parameter(e.index);
      if (e.shared) std::fill(dst.begin(), dst.end(), e.value[0]);
      else std::copy(e.value.begin(), e.value.end(), dst.begin());
    }
  }
  /// Zeroed [N] buffers for the per-neuron gradients of the next backward, with the index
  /// of the parameter each belongs to; accumulate() then adds them to the gradients.
  std::vector<std::pair<std::size_t, std::span<float>>> gradient_buffers(std::size_t neurons) {
    scratch_.resize(entries_.size());
    std::vector<std::pair<std::size_t, std::span<float>>> out;
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      scratch_[k].assign(neurons, 0.0f);
      out.emplace_back(entries_[k].index, scratch_[k]);
    }
    return out;
  }
  /// Adds the per-neuron gradients of the last backward (summed over neurons when shared).
  void accumulate() {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      auto& e = entries_[k];
      if (e.shared) {
        double sum = 0;
        for (float g : scratch_[k]) sum += g;
        e.grad[0] += float(sum);
      } else {
        for (std::size_t n = 0; n < e.grad.size(); ++n) e.grad[n] += scratch_[k][n];
      }
    }
  }
  void add_to(std::vector<parameter_ref>& out, const model_info& info) {
    for (auto& e : entries_)
      out.push_back({info.parameters[e.index].name, {e.value.size()}, e.value, e.grad, parameter_group::neuron});
  }

 private:
  struct entry {
    std::size_t index;
    bool shared;
    std::vector<float> value, grad;
  };
  std::vector<entry> entries_;
  std::vector<std::vector<float>> scratch_;
};

}  // namespace detail

/// What both population layers share: the population, its trained parameters, and the
/// recorded states and their gradients.
template <class M>
class population_layer_base : public layer {
 public:
  static constexpr std::size_t S = population<M, float>::state_count;
  static constexpr std::size_t P = population<M, float>::parameter_count;

  explicit population_layer_base(const population_options& o) : options_(o), pop_(o.neurons, 1, o.dt) {
    pop_.gradient_rule() = o.gradient;
    trained_.configure(pop_, o);
  }

  std::string kind() const override { return pop_.info().name; }
  std::size_t in_features() const override { return pop_.neurons(); }
  std::size_t out_features() const override { return pop_.neurons(); }

  std::vector<parameter_ref> parameters() override {
    std::vector<parameter_ref> out;
    trained_.add_to(out, pop_.info());
    return out;
  }
  void record_states(const std::vector<std::string>& names) override {
    for (const auto& n : names) recording_[pop_.state_index(n)] = true;
  }
  const sequence* recorded(const std::string& name) const override {
    const auto s = pop_.state_index(name);
    return recording_[s] ? &recorded_[s] : nullptr;
  }
  void add_state_gradient(const std::string& name, const sequence& g) override {
    auto& dst = state_grads_[pop_.state_index(name)];
    if (dst.size() == 0) dst = g;
    else dst.values += g.values;
  }

  population<M, float>& neurons() { return pop_; }

 protected:
  /// Checks the input, sizes the population for its batch and applies trained values.
  void prepare(const sequence& x) {
    if (x.features() != pop_.neurons())
      fail("norn: layer '{}' has {} neurons but receives {} features", kind(), pop_.neurons(), x.features());
    if (pop_.batch() != x.batch) pop_.resize_batch(x.batch);
    pop_.reset();
    trained_.apply(pop_);
    for (std::size_t s = 0; s < S; ++s)
      if (recording_[s]) recorded_[s].reshape(x.steps, x.batch, pop_.neurons());
  }

  population_options options_;
  population<M, float> pop_;
  detail::trained_parameters<M> trained_;
  std::array<bool, S> recording_{};
  std::array<sequence, S> recorded_, state_grads_;
};

/// A feed-forward population of model M: y_t = output of the neurons given input x_t.
template <class M>
class population_layer final : public population_layer_base<M> {
  using base = population_layer_base<M>;
  using base::pop_, base::trained_, base::recording_, base::recorded_, base::state_grads_, base::options_;

 public:
  static constexpr std::size_t S = base::S, P = base::P;
  using base::base;

  void forward(const sequence& x, sequence& y, bool keep) override {
    this->prepare(x);
    y.reshape(x.steps, x.batch, pop_.neurons());
    std::array<std::span<float>, S> rec{};
    for (std::size_t s = 0; s < S; ++s)
      if (recording_[s]) rec[s] = recorded_[s].span();
    if (keep) {
      input_ = &x;
      pop_.forward(x.steps, x.span(), y.span(), tape_, options_.checkpoint_every, rec);
    } else {
      pop_.run(x.steps, x.span(), y.span(), rec);
    }
  }

  bool forward_from(const current_source& source, std::size_t steps, std::size_t batch, sequence& y) override {
    sequence shape;
    shape.steps = steps;
    shape.batch = batch;
    shape.values.resize(0, Eigen::Index(pop_.neurons()));
    this->prepare(shape);
    y.reshape(steps, batch, pop_.neurons());
    std::array<float*, S> rec{};
    for (std::size_t s = 0; s < S; ++s)
      if (recording_[s]) rec[s] = recorded_[s].values.data();
    codegen::forward_sequence_from(
        pop_.arrays(), steps,
        [&](std::size_t t, std::size_t b, std::size_t n0, std::size_t width, float* scratch) {
          return source.currents(t * batch + b, n0, width, scratch);
        },
        y.values.data(), rec);
    return true;
  }

  void backward(const sequence& dy, sequence* dx) override {
    gradient_io<float, S, P> io;
    io.grad_out = dy.span();
    for (std::size_t s = 0; s < S; ++s)
      if (state_grads_[s].size()) io.grad_state[s] = state_grads_[s].span();
    if (dx) {
      dx->reshape(dy.steps, dy.batch, pop_.neurons());
      io.grad_x = dx->span();
    }
    for (auto [q, buffer] : trained_.gradient_buffers(pop_.neurons())) io.grad_param[q] = buffer;
    pop_.backward(tape_, input_->span(), io);
    trained_.accumulate();
    for (auto& g : state_grads_) g = sequence();
  }

 private:
  tape<float, S> tape_;
  const sequence* input_ = nullptr;  // the last kept forward's input
};

/// A recurrent population of model M: the input of step t is x_t + W_rec z_{t−1}, as in
/// Norse's recurrent cells (z_{−1} = 0). W_rec is [N, N], initialized N(0, 2/N) with a zero
/// diagonal unless autapses are allowed (its diagonal gradient is then zeroed too).
template <class M>
class recurrent_population_layer final : public population_layer_base<M> {
  using base = population_layer_base<M>;
  using base::pop_, base::trained_, base::recording_, base::recorded_, base::state_grads_, base::options_;

 public:
  static constexpr std::size_t S = base::S, P = base::P;

  explicit recurrent_population_layer(const population_options& o)
      : base(o), weight_(Eigen::Index(o.neurons), Eigen::Index(o.neurons)),
        weight_grad_(matrix::Zero(Eigen::Index(o.neurons), Eigen::Index(o.neurons))) {
    const double std = o.recurrent_std.value_or(std::sqrt(2.0 / double(o.neurons)));
    std::uint64_t k = 0;
    for (Eigen::Index r = 0; r < weight_.rows(); ++r)
      for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k)
        weight_(r, c) = (r == c && !o.autapses) ? 0.0f : float(std * normal01(o.seed, k));
  }

  void forward(const sequence& x, sequence& y, bool) override {
    this->prepare(x);
    const std::size_t N = pop_.neurons(), B = x.batch, T = x.steps, row = B * N;
    y.reshape(T, B, N);
    input_ = x;  // becomes u_t = x_t + z_{t-1} W_rec^T below
    for (std::size_t s = 0; s < S; ++s) tape_[s].resize(T * row);
    auto arr = pop_.arrays();
    for (std::size_t t = 0; t < T; ++t) {
      auto u = input_.values.middleRows(Eigen::Index(t * B), Eigen::Index(B));
      if (t > 0) u.noalias() += y.values.middleRows(Eigen::Index((t - 1) * B), Eigen::Index(B)) * weight_.transpose();
      std::array<float*, S> rec{};
      for (std::size_t s = 0; s < S; ++s) {
        std::copy(arr.state[s], arr.state[s] + row, tape_[s].begin() + std::ptrdiff_t(t * row));
        if (recording_[s]) rec[s] = recorded_[s].values.data() + t * row;
      }
      codegen::forward_sequence(arr, 1, u.data(), y.values.data() + t * row, rec);
    }
    output_ = y;
  }

  void backward(const sequence& dy, sequence* dx) override {
    const std::size_t N = pop_.neurons(), B = dy.batch, T = dy.steps, row = B * N;
    sequence du(T, B, N);
    matrix dz_next = matrix::Zero(Eigen::Index(B), Eigen::Index(N));
    matrix gout = dz_next;
    std::array<std::vector<float>, S> lambda;
    for (auto& l : lambda) l.assign(row, 0.0f);
    const auto buffers = trained_.gradient_buffers(N);
    std::vector<std::vector<float>> partial(buffers.size(), std::vector<float>(row, 0.0f));
    codegen::adjoint_arrays<M, float> a;
    for (std::size_t s = 0; s < S; ++s) a.lambda[s] = lambda[s].data();
    for (std::size_t k = 0; k < buffers.size(); ++k) a.grad_param[buffers[k].first] = partial[k].data();
    const auto arr = pop_.arrays();  // parameters do not change during the backward
    with_policy<M>(pop_.gradient_rule(), [&](const auto& policy) {
      for (std::size_t t = T; t-- > 0;) {
        gout = dy.values.middleRows(Eigen::Index(t * B), Eigen::Index(B)) + dz_next;
        for (std::size_t s = 0; s < S; ++s) {
          a.states_before[s] = tape_[s].data() + t * row;
          a.grad_state[s] = state_grads_[s].size() ? state_grads_[s].values.data() + t * row : nullptr;
        }
        a.x = input_.values.data() + t * row;
        a.grad_out = gout.data();
        a.grad_x = du.values.data() + t * row;
        codegen::backward_sequence(arr, policy, 1, a);
        dz_next.noalias() = du.values.middleRows(Eigen::Index(t * B), Eigen::Index(B)) * weight_;
      }
    });
    // dW_rec = Σ_t du_tᵀ z_{t−1}: one product over the sequence
    if (T > 1)
      weight_grad_.noalias() += du.values.bottomRows(Eigen::Index((T - 1) * B)).transpose() *
                                output_.values.topRows(Eigen::Index((T - 1) * B));
    if (!options_.autapses) weight_grad_.diagonal().setZero();
    for (std::size_t k = 0; k < buffers.size(); ++k)
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t n = 0; n < N; ++n) buffers[k].second[n] += partial[k][b * N + n];
    trained_.accumulate();
    for (auto& g : state_grads_) g = sequence();
    if (dx) *dx = std::move(du);
  }

  std::vector<parameter_ref> parameters() override {
    std::vector<parameter_ref> out;
    out.push_back({"recurrent_weight", {std::size_t(weight_.rows()), std::size_t(weight_.cols())},
                   {weight_.data(), std::size_t(weight_.size())}, {weight_grad_.data(), std::size_t(weight_grad_.size())}});
    trained_.add_to(out, pop_.info());
    return out;
  }

  matrix& recurrent_weight() { return weight_; }

 private:
  matrix weight_, weight_grad_;
  std::array<std::vector<float>, S> tape_;
  sequence input_, output_;
};

}  // namespace norn
