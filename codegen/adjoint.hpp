#pragma once
/// The adjoint (backward) step, derived at compile time from a model's declaration.
///
/// A step is a list of lowered phases, each a set of simultaneous assignments
/// `t ← e(values before the phase)`. Its exact discrete adjoint walks the phases in
/// reverse: with ā the adjoint of every slot after a phase, the adjoint before it is
///
///     ā'[u] = (u assigned by the phase ? 0 : ā[u]) + Σ_{t ← e} ā[t] · ∂e/∂u
///
/// where every ∂e/∂u is a symbolic derivative (codegen/derivative.hpp) evaluated at the
/// values before the phase. Parameters and the input are never assigned, so their adjoints
/// accumulate over the phases: after the sweep they are the step's parameter gradient and
/// the gradient with respect to the step's input; the states' adjoints are λ before the step.
///
/// What the forward keeps: only the state before each step (S values per neuron-step,
/// `tape_bytes_per_neuron_step`); the backward recomputes the step's intermediates
/// (pre-reset voltage, spike, masks) from it in registers. With checkpoints every K steps
/// the forward keeps S values per neuron every K steps, and each segment is recomputed.

#include <codegen/derivative.hpp>
#include <codegen/kernel.hpp>
#include <dsl/surrogates.hpp>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/length.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

namespace norn::codegen {

/// The run-time values derivative expressions read: the surrogate's width and whether the
/// reset passes gradient. Evaluation depends on these values only, not on the surrogate's
/// type, so expressions shared by all surrogates are compiled once.
struct surrogate_values {
  double alpha = 1.0;
  double reset_grad = 1.0;  ///< 1: through the reset (Norse); 0: detached (snnTorch)

  template <class S>
  double get() const {
    if constexpr (S::name.view() == "alpha") return alpha;
    else return reset_grad;
  }
};

/// How spikes differentiate: the surrogate (a type: its g(u) is part of the derived
/// expressions), its width, and whether resets pass gradient.
template <class Surrogate>
struct spike_policy : surrogate_values {
  using surrogate = Surrogate;
  spike_policy() : surrogate_values{Surrogate::default_alpha, 1.0} {}
};

/// Bytes the forward keeps per neuron and step for the backward (float: 4 per state).
template <class M, class T>
inline constexpr std::size_t tape_bytes_per_neuron_step = slots<M>::state_count * sizeof(T);

namespace detail {

template <class E>
constexpr auto unique_symbols_of(E) {
  return hana::fold_left(dsl::symbols_of(E{}), hana::tuple_t<>, [](auto acc, auto s) {
    if constexpr (decltype(hana::contains(acc, s))::value) return acc;
    else return hana::append(acc, s);
  });
}

template <class S>
inline constexpr bool has_adjoint_v = S::kind == dsl::symbol_kind::state || S::kind == dsl::symbol_kind::parameter ||
                                      S::kind == dsl::symbol_kind::input || S::kind == dsl::symbol_kind::local;

/// ā'[u] += ā[t] ∂e/∂u for every symbol u of one assignment t ← e.
template <class Sg, class A, class Env, class Bar>
inline void accumulate(const Env& before, typename Env::value_type g, Bar& next) {
  using V = typename Env::value_type;
  using E = typename A::expr;
  hana::for_each(unique_symbols_of(E{}), [&](auto s) {
    using U = typename decltype(s)::type;
    if constexpr (has_adjoint_v<U>) {
      using D = derivative_t<Sg, E, U>;
      if constexpr (!std::is_same_v<D, constant<0.0>>)
        next[Env::slot_table::template of<U>] += g * eval<V>(D{}, before);
    }
  });
}

/// The adjoint of one lowered phase, evaluated at the values before it.
template <class Sg, class Env, class Bar, class... A>
inline void backward_phase(lowered_phase<A...>, const Env& before, Bar& bar) {
  using S = typename Env::slot_table;
  Bar next = bar;
  ((next[S::template of<typename A::target>] = 0), ...);
  (accumulate<Sg, A>(before, bar[S::template of<typename A::target>], next), ...);
  bar = next;
}

}  // namespace detail

/// One step's adjoint for one neuron, spikes differentiated through surrogate Sg. `e` holds
/// the values before the step (states, parameters, input, dt); `bar` holds on entry the
/// adjoints after the step (states, and the output slot), and on exit the adjoints before
/// it: states (λ), parameters (this step's contribution), the input.
template <class Sg, int Instance = 0, class Env>
inline void backward_step(Env e, std::array<typename Env::value_type, Env::slot_table::count>& bar) {
  using M = typename Env::model_type;
  constexpr auto steps = lowered_step<M>;
  constexpr std::size_t P = decltype(hana::length(steps))::value;
  std::array<Env, P> before;
  [&]<std::size_t... p>(std::index_sequence<p...>) {
    ((before[p] = e, apply_phase(hana::at_c<p>(steps), e)), ...);
  }(std::make_index_sequence<P>{});
  [&]<std::size_t... p>(std::index_sequence<p...>) {
    (detail::backward_phase<Sg>(hana::at_c<P - 1 - p>(steps), before[P - 1 - p], bar), ...);
  }(std::make_index_sequence<P>{});
}

/// What a backward pass over a sequence reads and writes; arrays are [steps][B·N] unless
/// said otherwise, and a null pointer means "none" (zeros for inputs).
template <class M, class T>
struct adjoint_arrays {
  static constexpr std::size_t S = slots<M>::state_count;
  static constexpr std::size_t P = slots<M>::parameter_count;
  std::array<const T*, S> states_before{};  ///< state s before step t (the tape)
  const T* x = nullptr;                     ///< the forward's input
  const T* grad_out = nullptr;              ///< dL/d(output of step t)
  std::array<const T*, S> grad_state{};     ///< dL/d(state s after step t), direct terms
  std::array<T*, S> lambda{};               ///< [B·N]: in, λ after the last step; out, λ before step 0
  T* grad_x = nullptr;                      ///< out: dL/dx_t
  std::array<T*, P> grad_param{};           ///< [B·N]: dL/dθ summed over steps, per batch entry (added to)
  std::array<T*, S> record_lambda{};        ///< out: λ of state s after step t (adjoint traces)
};

namespace detail {

// NORN-LANE-LOOP-BEGIN (the backward lane loop, checked by tests/vectorization)
template <class M, class Sg, bool Params, bool Uniform, class T>
[[gnu::always_inline, gnu::flatten]] inline void lane_backward(
    std::size_t j, std::size_t n, const std::array<const T*, slots<M>::state_count>& sb, const T* x,
    const T* gout, const std::array<const T*, slots<M>::state_count>& gs, T* gx,
    T (&lam)[slots<M>::state_count][tile_width], T (&gacc)[slots<M>::parameter_count + 1][tile_width],
    const std::array<const T*, slots<M>::parameter_count>& param, T dt, double alpha, double reset_grad) {
  using S = slots<M>;
  env<M, T, surrogate_values> e;
  e.rules.alpha = alpha;  // field by field: a struct copy here stops GCC vectorizing the lanes
  e.rules.reset_grad = reset_grad;
  for (std::size_t s = 0; s < S::state_count; ++s) e.values[s] = sb[s][j];
  for (std::size_t q = 0; q < S::parameter_count; ++q) e.values[S::state_count + q] = param[q][Uniform ? 0 : n];
  e.values[S::input_slot] = x[j];
  e.values[S::dt_slot] = dt;
  std::array<T, S::count> bar{};
  for (std::size_t s = 0; s < S::state_count; ++s) bar[s] = lam[s][j] + gs[s][j];
  bar[output_slot<M>()] += gout[j];
  backward_step<Sg, 1 + 2 * Params + Uniform>(e, bar);  // an instance per variant, each inlined in full
  for (std::size_t s = 0; s < S::state_count; ++s) lam[s][j] = bar[s];
  if constexpr (Params)  // else the compiler drops the arithmetic of the parameters' adjoints
    for (std::size_t q = 0; q < S::parameter_count; ++q) gacc[q][j] += bar[S::state_count + q];
  gx[j] = bar[S::input_slot];
}

/// One time step back of one tile: lanes [0, width); parameter gradients summed if Params;
/// parameters read once if Uniform.
template <class M, class Sg, bool Params, bool Uniform, class T>
[[gnu::flatten]] inline void tile_backward(std::size_t width, const std::array<const T*, slots<M>::state_count>& sb, const T* x,
                          const T* gout, const std::array<const T*, slots<M>::state_count>& gs, T* gx,
                          T (&lam)[slots<M>::state_count][tile_width],
                          T (&gacc)[slots<M>::parameter_count + 1][tile_width],
                          const std::array<const T*, slots<M>::parameter_count>& param, T dt, double alpha,
                          double reset_grad) {
#pragma omp simd
  for (std::size_t j = 0; j < width; ++j)
    lane_backward<M, Sg, Params, Uniform>(j, j, sb, x, gout, gs, gx, lam, gacc, param, dt, alpha, reset_grad);
}
// NORN-LANE-LOOP-END

/// A tile's adjoint states and parameter-gradient sums, as a span keeps them.
template <class M, class T>
struct tile_adjoint {
  alignas(64) T lam[slots<M>::state_count][tile_width];
  alignas(64) T gacc[slots<M>::parameter_count + 1][tile_width];
};

}  // namespace detail

/// Backward through `steps` steps, from the last to the first, a span of tiles at a time
/// (each tile keeps its λ and parameter-gradient sums local while the span walks time back).
template <class M, class T, class Policy>
void backward_sequence(const population_arrays<M, T>& p, const Policy& policy, std::size_t steps,
                       const adjoint_arrays<M, T>& a) {
  constexpr std::size_t S = slots<M>::state_count;
  constexpr std::size_t P = slots<M>::parameter_count;
  const std::size_t row = p.batch * p.neurons;
  for_each_span(p.batch, p.neurons, [&](const std::vector<tile_ref>& tiles) {
    alignas(64) T zeros[tile_width] = {};
    alignas(64) T scratch[tile_width];
    // continuing the caller's sums (rather than adding a fresh sum to them) keeps the order
    // of additions, so a backward split into segments gives the same bits as one pass
    std::vector<detail::tile_adjoint<M, T>> adj(tiles.size());
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const tile_ref& tile = tiles[i];
      auto& d = adj[i];
      for (std::size_t q = 0; q <= P; ++q)
        for (std::size_t j = 0; j < tile_width; ++j)
          d.gacc[q][j] = q < P && a.grad_param[q] && j < tile.width ? a.grad_param[q][tile.offset + j] : T(0);
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t j = 0; j < tile_width; ++j)
          d.lam[s][j] = a.lambda[s] && j < tile.width ? a.lambda[s][tile.offset + j] : T(0);
    }
    const double alpha = policy.alpha, reset_grad = policy.reset_grad;
    const bool params = std::any_of(a.grad_param.begin(), a.grad_param.end(), [](const T* g) { return g != nullptr; });
    for (std::size_t t = steps; t-- > 0;)
      for (std::size_t i = 0; i < tiles.size(); ++i) {
        const tile_ref& tile = tiles[i];
        const std::size_t k = t * row + tile.offset, width = tile.width;
        auto& lam = adj[i].lam;
        auto& gacc = adj[i].gacc;
        std::array<const T*, S> sb, gs;
        for (std::size_t s = 0; s < S; ++s) {
          sb[s] = a.states_before[s] + k;
          gs[s] = a.grad_state[s] ? a.grad_state[s] + k : zeros;
          if (a.record_lambda[s])
            for (std::size_t j = 0; j < width; ++j) a.record_lambda[s][k + j] = lam[s][j] + gs[s][j];
        }
        std::array<const T*, P> param;
        for (std::size_t q = 0; q < P; ++q) param[q] = p.parameter[q] + tile.n0;
        const T* x = a.x ? a.x + k : zeros;
        const T* gout = a.grad_out ? a.grad_out + k : zeros;
        T* gx = a.grad_x ? a.grad_x + k : scratch;
        auto back = [&](auto with_params, auto uniform) {
          detail::tile_backward<M, typename Policy::surrogate, decltype(with_params)::value, decltype(uniform)::value>(
              width, sb, x, gout, gs, gx, lam, gacc, param, p.dt, alpha, reset_grad);
        };
        using yes = std::true_type;
        using no = std::false_type;
        if (params) p.uniform_parameters ? back(yes{}, yes{}) : back(yes{}, no{});
        else p.uniform_parameters ? back(no{}, yes{}) : back(no{}, no{});
      }
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const tile_ref& tile = tiles[i];
      for (std::size_t s = 0; s < S; ++s)
        if (a.lambda[s]) std::copy_n(adj[i].lam[s], tile.width, a.lambda[s] + tile.offset);
      for (std::size_t q = 0; q < P; ++q)
        if (a.grad_param[q]) std::copy_n(adj[i].gacc[q], tile.width, a.grad_param[q] + tile.offset);
    }
  });
}

/// Model M's backward kernels in precision T for the surrogates k of dsl::surrogates_of<M>() with
/// k % Parts == Part: a unit of explicit instantiation, so that a model's kernels compile as
/// several translation units in parallel (`extern template struct backward_kernels<M, float,
/// 0, 2>;` where they are used, `template struct ...;` where they are compiled, as
/// cmake/model_*.cpp.in do). Surrogates the list gains get their kernels with nothing to edit.
template <class M, class T, std::size_t Part, std::size_t Parts>
struct backward_kernels {
  /// backward_sequence through surrogate k, which must belong to this part. Defined outside
  /// the class: an in-class definition would be inline, and GCC instantiates inline members
  /// of an `extern template` class anyway (to inline them), which compiled every kernel
  /// again in each translation unit that only declares them.
  static void run(std::size_t k, const surrogate_values& values, const population_arrays<M, T>& p, std::size_t steps,
                  const adjoint_arrays<M, T>& a);
};

template <class M, class T, std::size_t Part, std::size_t Parts>
void backward_kernels<M, T, Part, Parts>::run(std::size_t k, const surrogate_values& values,
                                              const population_arrays<M, T>& p, std::size_t steps,
                                              const adjoint_arrays<M, T>& a) {
  auto one = [&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if constexpr (I % Parts == Part) {
      if (k != I) return;
      spike_policy<std::remove_cvref_t<decltype(hana::at_c<I>(dsl::surrogates_of<M>()))>> policy;
      policy.alpha = values.alpha;
      policy.reset_grad = values.reset_grad;
      backward_sequence(p, policy, steps, a);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (one(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<dsl::surrogate_count_v<M>>{});
}

/// How many parts a model's backward kernels are compiled in.
inline constexpr std::size_t backward_parts = 2;

/// Backward through `steps` steps with surrogate k of dsl::surrogates_of<M>() (its width and
/// reset rule in `values`): backward_sequence, through the part that holds the kernel.
template <class M, class T>
void backward_sequence_with(std::size_t k, const surrogate_values& values, const population_arrays<M, T>& p,
                            std::size_t steps, const adjoint_arrays<M, T>& a) {
  [&]<std::size_t... Part>(std::index_sequence<Part...>) {
    ((k % backward_parts == Part ? backward_kernels<M, T, Part, backward_parts>::run(k, values, p, steps, a) : void()), ...);
  }(std::make_index_sequence<backward_parts>{});
}

}  // namespace norn::codegen
