#pragma once
/// Source emission: the forward step and the adjoint step of a model as readable C++, from
/// the same lowered phases and symbolic derivatives the kernels are compiled from. One
/// statement per line, the model's own names (a state after phase k is `<name>_k`), every
/// subexpression used more than once named once (`t0`, `t1`, ...). The emitted functions
/// compute, operation for operation, what the compile-time kernels compute for one neuron;
/// tests/codegen/emit.test.cpp compiles them and compares.
///
///   emit_prelude()            helpers the emitted code calls (heaviside, ipow<N>, ...)
///   emit_forward<M>()         float M_forward(float& state..., float param..., float input, float dt)
///   emit_backward<M, Sg>()    void M_backward(state..., param..., input, dt, surrogate_alpha, reset_grad,
///                                             grad_output, float& lambda_state...,
///                                             float& grad_param... (added to), float& grad_input)

#include <codegen/adjoint.hpp>

#include <fmt/format.h>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/range.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace norn::codegen {

namespace emit_detail {

/// Expressions as a graph of shared nodes: equal subtrees over equal leaves are one node.
class graph {
 public:
  int leaf(const std::string& text) { return intern({"", {}, text}); }
  int op(const std::string& spelling, std::vector<int> args) { return intern({spelling, std::move(args), ""}); }

  /// Marks the uses of everything under `root` (call once per statement).
  void use(int root) {
    if (nodes_[root].uses++ > 0) return;
    for (int a : nodes_[root].args) use(a);
  }

  /// Prints `root`, first emitting (into `out`) a named temporary for every shared
  /// subexpression under it not yet named.
  std::string print(int root, std::string& out, const std::string& indent) {
    return print_node(root, out, indent, true).first;
  }

 private:
  struct node {
    std::string op;  ///< "+", "exp", ... ("" for a leaf)
    std::vector<int> args;
    std::string text;  ///< a leaf's text
    int uses = 0;
    std::string name;
  };

  int intern(node n) {
    std::string key = n.op + "|" + n.text;
    for (int a : n.args) key += fmt::format(",{}", a);
    auto [it, fresh] = index_.try_emplace(key, int(nodes_.size()));
    if (fresh) nodes_.push_back(std::move(n));
    return it->second;
  }

  /// Text and binding strength: 1 for + and -, 2 for * and /, 3 for negation, 4 for the rest.
  using printed = std::pair<std::string, int>;

  printed print_node(int root, std::string& out, const std::string& indent, bool top) {
    node& n = nodes_[root];
    if (n.args.empty()) return {n.text, n.text.front() == '-' ? 3 : 4};
    if (!n.name.empty()) return {n.name, 4};
    std::vector<printed> a;
    for (int c : n.args) a.push_back(print_node(c, out, indent, false));
    printed p = spell(n, a);
    if (!top && n.uses > 1) {
      n.name = fmt::format("t{}", temporaries_++);
      out += fmt::format("{}const float {} = {};\n", indent, n.name, p.first);
      return {n.name, 4};
    }
    return p;
  }

  /// Parentheses exactly where C++ would otherwise group the operations differently (the
  /// emitted code must compute in the tree's order: float addition is not associative).
  static printed spell(const node& n, const std::vector<printed>& a) {
    auto wrap = [](const printed& p, bool need) { return need ? "(" + p.first + ")" : p.first; };
    if (n.op == "neg") return {"-" + wrap(a[0], a[0].second < 4), 3};
    if (a.size() == 2 && (n.op == "+" || n.op == "-" || n.op == "*" || n.op == "/")) {
      const int level = n.op == "+" || n.op == "-" ? 1 : 2;
      return {fmt::format("{} {} {}", wrap(a[0], a[0].second < level), n.op, wrap(a[1], a[1].second <= level)), level};
    }
    std::string s = n.op + "(";
    for (std::size_t k = 0; k < a.size(); ++k) s += (k ? ", " : "") + a[k].first;
    return {s + ")", 4};
  }

  std::vector<node> nodes_;
  std::map<std::string, int> index_;
  int temporaries_ = 0;
};

/// A float constant as C++ source: the shortest decimal that reads back as the same double.
inline std::string number(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s + "f";
}

// ---- expression types to graph nodes -------------------------------------------------------

inline const char* spelling(dsl::add_op) { return "+"; }
inline const char* spelling(dsl::sub_op) { return "-"; }
inline const char* spelling(dsl::mul_op) { return "*"; }
inline const char* spelling(dsl::div_op) { return "/"; }
inline const char* spelling(dsl::neg_op) { return "neg"; }
inline const char* spelling(dsl::pow_op) { return "std::pow"; }
inline const char* spelling(dsl::exp_op) { return "std::exp"; }
inline const char* spelling(dsl::log_op) { return "std::log"; }
inline const char* spelling(dsl::sqrt_op) { return "std::sqrt"; }
inline const char* spelling(dsl::tanh_op) { return "std::tanh"; }
inline const char* spelling(dsl::sigmoid_op) { return "sigmoid"; }
inline const char* spelling(dsl::abs_op) { return "std::abs"; }
inline const char* spelling(dsl::relu_op) { return "relu"; }
inline const char* spelling(dsl::min_op) { return "min_left"; }
inline const char* spelling(dsl::max_op) { return "max_left"; }
inline const char* spelling(dsl::gt_op) { return "gt"; }
inline const char* spelling(dsl::ge_op) { return "ge"; }
inline const char* spelling(dsl::lt_op) { return "lt"; }
inline const char* spelling(dsl::le_op) { return "le"; }
inline const char* spelling(dsl::heaviside_op) { return "heaviside"; }
inline const char* spelling(dsl::spike_op) { return "heaviside"; }  // H forward; the adjoint sees the surrogate
inline const char* spelling(dsl::select_op) { return "select"; }

/// Names of the values a phase reads, by slot.
using names = std::vector<std::string>;

template <class M, class N>
int build(graph& g, N, const names& env) {
  using S = slots<M>;
  if constexpr (dsl::is_symbol_v<N>) {
    if constexpr (N::kind == dsl::symbol_kind::surrogate)  // alpha may also name a model's parameter
      return g.leaf(N::name.view() == "alpha" ? std::string("surrogate_alpha") : std::string(N::name.view()));
    else return g.leaf(env[S::template of<N>]);
  } else if constexpr (dsl::is_constant_v<N>) {
    return g.leaf(number(N::value));
  } else {
    return build_node<M>(g, N{}, env);
  }
}

template <class M, class Op, class A>
int build_node(graph& g, unary<Op, A>, const names& env) {
  // the reset gate and detach are the identity forward; their derivatives are elsewhere
  if constexpr (std::is_same_v<Op, dsl::reset_gate_op> || std::is_same_v<Op, dsl::detach_op>)
    return build<M>(g, A{}, env);
  else return g.op(spelling(Op{}), {build<M>(g, A{}, env)});
}
template <class M, class Op, class L, class R>
int build_node(graph& g, binary<Op, L, R>, const names& env) {
  if constexpr (std::is_same_v<Op, dsl::pow_op> && dsl::is_constant_v<R>) {
    if constexpr (small_integer_v<R::value>)
      return g.op(fmt::format("ipow<{}>", int(R::value)), {build<M>(g, L{}, env)});
    else return g.op(spelling(Op{}), {build<M>(g, L{}, env), build<M>(g, R{}, env)});
  } else {
    return g.op(spelling(Op{}), {build<M>(g, L{}, env), build<M>(g, R{}, env)});
  }
}
template <class M, class Op, class C, class A, class B>
int build_node(graph& g, ternary<Op, C, A, B>, const names& env) {
  return g.op(spelling(Op{}), {build<M>(g, C{}, env), build<M>(g, A{}, env), build<M>(g, B{}, env)});
}

template <class K, class... A>
const char* phase_kind(dsl::phase<K, A...>) {
  if constexpr (std::is_same_v<K, dsl::update_phase>) return "update";
  else if constexpr (std::is_same_v<K, dsl::euler_phase>) return "euler";
  else if constexpr (std::is_same_v<K, dsl::spike_phase>) return "spike";
  else return "reset";
}

/// One statement of a forward step: `const float target = root;`.
struct statement {
  std::string target;
  int root;
  std::string comment;  ///< printed above it when not empty
};

/// The forward step as statements over a graph; env_before[p] names the values phase p reads.
struct forward_trace {
  graph g;
  std::vector<statement> statements;
  std::vector<names> env_before;
  names final;  ///< names of every slot after the step
};

template <class M, class A>
void trace_assignment(forward_trace& f, const names& env, names& next, std::vector<int>& assigned, std::size_t p,
                      std::string& comment) {
  using S = slots<M>;
  using T = typename A::target;
  constexpr std::size_t slot = S::template of<T>;
  const int root = build<M>(f.g, typename A::expr{}, env);
  ++assigned[slot];
  std::string name(T::name.view());
  if (T::kind != dsl::symbol_kind::local || assigned[slot] > 1) name += fmt::format("_{}", p + 1);
  f.statements.push_back({name, root, comment});
  comment.clear();
  next[slot] = name;
}

template <class M, class... A>
void trace_phase(forward_trace& f, lowered_phase<A...>, names& env, std::vector<int>& assigned, std::size_t p,
                 std::string comment) {
  f.env_before.push_back(env);
  names next = env;
  (trace_assignment<M, A>(f, env, next, assigned, p, comment), ...);
  env = next;
}

template <class M>
forward_trace trace_forward() {
  using S = slots<M>;
  forward_trace f;
  names env(S::count);
  for (std::size_t k = 0; k < S::count; ++k) env[k] = std::string(S::table[k].name);
  env[S::input_slot] = "input";
  std::vector<int> assigned(S::count, 0);
  constexpr auto steps = lowered_step<M>;
  constexpr std::size_t P = decltype(hana::length(steps))::value;
  hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<P>), [&](auto pc) {
    constexpr std::size_t p = decltype(pc)::value;
    trace_phase<M>(f, hana::at_c<p>(steps), env, assigned, p,
                fmt::format("phase {}: {}", p + 1, phase_kind(hana::at_c<p>(M::step))));
  });
  f.final = env;
  return f;
}

/// A phase of the adjoint: the targets' adjoints are read into a_<target>, then zeroed,
/// then every right-hand side passes a · ∂e/∂u to each of its symbols u.
struct adjoint_phase {
  std::string comment;
  std::vector<std::pair<std::string, std::string>> reads;  // a_t = bar_t, then bar_t = 0
  std::vector<std::pair<std::string, int>> sums;           // bar_u += root
};

template <class M>
std::string bar_name(std::size_t slot) {
  return slot == slots<M>::input_slot ? std::string("bar_input") : fmt::format("bar_{}", slots<M>::table[slot].name);
}

template <class M, class Sg, class A>
void adjoint_assignment(graph& g, const names& env, adjoint_phase& ph, std::vector<bool>& has_bar, std::size_t& a) {
  using S = slots<M>;
  using E = typename A::expr;
  const std::string gname = ph.reads[a++].first;
  hana::for_each(detail::unique_symbols_of(E{}), [&](auto s) {
    using U = typename decltype(s)::type;
    if constexpr (detail::has_adjoint_v<U>) {
      using D = derivative_t<Sg, E, U>;
      if constexpr (!std::is_same_v<D, constant<0.0>>) {
        const int root = g.op("*", {g.leaf(gname), build<M>(g, D{}, env)});
        has_bar[S::template of<U>] = true;
        ph.sums.emplace_back(bar_name<M>(S::template of<U>), root);
      }
    }
  });
}

template <class M, class Sg, class... A>
adjoint_phase adjoint_of(graph& g, lowered_phase<A...>, const names& env, std::vector<bool>& has_bar, std::size_t p,
                         std::string comment) {
  using S = slots<M>;
  adjoint_phase ph;
  ph.comment = std::move(comment);
  ((ph.reads.emplace_back(fmt::format("a_{}_{}", std::string(A::target::name.view()), p + 1),
                          bar_name<M>(S::template of<typename A::target>)),
    has_bar[S::template of<typename A::target>] = true),
   ...);
  std::size_t a = 0;
  (adjoint_assignment<M, Sg, A>(g, env, ph, has_bar, a), ...);
  return ph;
}

/// Prints the forward statements, each phase's first under its comment.
inline void print_statements(forward_trace& f, std::string& out) {
  for (const auto& s : f.statements) {
    if (!s.comment.empty()) out += fmt::format("  // {}\n", s.comment);
    std::string line = f.g.print(s.root, out, "  ");
    out += fmt::format("  const float {} = {};\n", s.target, line);
  }
}

/// "float& v, float& i" or "float tau_mem_inv, ..." for slots [first, last).
template <class M>
std::string arguments(std::size_t first, std::size_t last, const std::string& type, const std::string& prefix) {
  std::string s;
  for (std::size_t k = first; k < last; ++k)
    s += fmt::format("{}{} {}{}", s.empty() ? "" : ", ", type, prefix, slots<M>::table[k].name);
  return s;
}

}  // namespace emit_detail

/// Helpers the emitted code calls, with the kernels' exact semantics.
inline std::string emit_prelude() {
  return R"(// Helpers of Norn's emitted code: the same operations as the compile-time kernels.
#include <cmath>

namespace norn_emitted {
inline float heaviside(float a) { return a > 0.0f ? 1.0f : 0.0f; }  // H(0) = 0
inline float relu(float a) { return a > 0.0f ? a : 0.0f; }
inline float sigmoid(float a) { return 1.0f / (1.0f + std::exp(-a)); }
inline float min_left(float l, float r) { return r < l ? r : l; }  // ties keep the left operand
inline float max_left(float l, float r) { return l < r ? r : l; }
inline float gt(float l, float r) { return l > r ? 1.0f : 0.0f; }
inline float ge(float l, float r) { return l >= r ? 1.0f : 0.0f; }
inline float lt(float l, float r) { return l < r ? 1.0f : 0.0f; }
inline float le(float l, float r) { return l <= r ? 1.0f : 0.0f; }
inline float select(float c, float a, float b) { return c > 0.0f ? a : b; }
template <int N>
inline float ipow(float a) {  // a^N by repeated squaring
  if constexpr (N < 0) return 1.0f / ipow<-N>(a);
  else if constexpr (N == 0) return 1.0f;
  else if constexpr (N == 1) return a;
  else if constexpr (N % 2 == 0) {
    const float h = ipow<N / 2>(a);
    return h * h;
  } else {
    return a * ipow<N - 1>(a);
  }
}
}  // namespace norn_emitted
)";
}

/// The forward step of one neuron of M as C++ source.
template <class M>
std::string emit_forward() {
  using S = slots<M>;
  auto f = emit_detail::trace_forward<M>();
  for (const auto& s : f.statements) f.g.use(s.root);
  const std::string id(M::name.view());
  std::string out = fmt::format(
      "// {}: one forward Euler step of one neuron (emitted by Norn from the model's declaration).\n"
      "// States are read before the step and written after it; returns the output ({}).\n"
      "inline float {}_forward({}, {}, float input, float dt) {{\n",
      id, std::string(S::table[output_slot<M>()].name), id,
      emit_detail::arguments<M>(0, S::state_count, "float&", ""),
      emit_detail::arguments<M>(S::state_count, S::input_slot, "float", ""));
  emit_detail::print_statements(f, out);
  out += "  // the state after the step\n";
  for (std::size_t k = 0; k < S::state_count; ++k)
    if (f.final[k] != std::string(S::table[k].name)) out += fmt::format("  {} = {};\n", S::table[k].name, f.final[k]);
  constexpr std::size_t o = output_slot<M>();
  out += fmt::format("  return {};\n}}\n", o < S::state_count ? std::string(S::table[o].name) : f.final[o]);
  return out;
}

/// The adjoint of one step of one neuron of M, spikes differentiated through surrogate Sg.
template <class M, class Sg>
std::string emit_backward() {
  using S = slots<M>;
  auto f = emit_detail::trace_forward<M>();
  emit_detail::graph& g = f.g;
  constexpr auto steps = lowered_step<M>;
  constexpr std::size_t P = decltype(hana::length(steps))::value;
  auto bar = [](std::size_t slot) { return emit_detail::bar_name<M>(slot); };

  // adjoint statements, last phase first
  std::vector<emit_detail::adjoint_phase> phases;
  std::vector<bool> has_bar(S::count, false);
  for (std::size_t k = 0; k < S::count; ++k) has_bar[k] = k < S::state_count || k == output_slot<M>();
  hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<P>), [&](auto qc) {
    constexpr std::size_t p = P - 1 - decltype(qc)::value;
    phases.push_back(emit_detail::adjoint_of<M, Sg>(
        g, hana::at_c<p>(steps), f.env_before[p], has_bar, p,
        fmt::format("phase {}: {}, backwards", p + 1, emit_detail::phase_kind(hana::at_c<p>(M::step)))));
  });

  for (const auto& s : f.statements) g.use(s.root);
  for (const auto& ph : phases)
    for (const auto& a : ph.sums) g.use(a.second);

  const std::string id(M::name.view());
  const std::string out_name(S::table[output_slot<M>()].name);
  std::string out = fmt::format(
      "// {}: the adjoint of one step of one neuron, spikes through the surrogate '{}' (emitted by Norn).\n"
      "// Reads the state before the step; lambda_<state> holds dL/d(state after the step) on entry\n"
      "// and dL/d(state before it) on exit; grad_output is dL/d({}); parameter gradients are added to.\n"
      "inline void {}_backward({}, {}, float input, float dt,\n"
      "    float surrogate_alpha, float reset_grad, float grad_output, {}, {}, float& grad_input) {{\n"
      "  (void)surrogate_alpha;\n  (void)reset_grad;\n",
      id, std::string(Sg::name.view()), out_name, id, emit_detail::arguments<M>(0, S::state_count, "float", ""),
      emit_detail::arguments<M>(S::state_count, S::input_slot, "float", ""),
      emit_detail::arguments<M>(0, S::state_count, "float&", "lambda_"),
      emit_detail::arguments<M>(S::state_count, S::input_slot, "float&", "grad_"));
  out += "  // the forward step again: the values each phase's adjoint reads\n";
  emit_detail::print_statements(f, out);
  out += "  // adjoints: bar_u = dL/du\n";
  for (std::size_t k = 0; k < S::count; ++k) {
    if (!has_bar[k] || k == S::dt_slot) continue;
    std::string init = k < S::state_count ? fmt::format("lambda_{}", S::table[k].name) : std::string("0.0f");
    out += fmt::format("  float {} = {};\n", bar(k), init);
  }
  out += fmt::format("  {} += grad_output;\n", bar(output_slot<M>()));
  for (const auto& ph : phases) {
    out += fmt::format("  // {}\n", ph.comment);
    for (const auto& [a, b] : ph.reads) out += fmt::format("  const float {} = {};\n", a, b);
    for (const auto& [a, b] : ph.reads) out += fmt::format("  {} = 0.0f;\n", b);
    for (const auto& [target, root] : ph.sums) {
      std::string line = g.print(root, out, "  ");
      out += fmt::format("  {} += {};\n", target, line);
    }
  }
  out += "  // results\n";
  for (std::size_t k = 0; k < S::state_count; ++k) out += fmt::format("  lambda_{} = {};\n", S::table[k].name, bar(k));
  for (std::size_t k = S::state_count; k < S::input_slot; ++k)
    out += has_bar[k] ? fmt::format("  grad_{} += {};\n", S::table[k].name, bar(k))
                      : fmt::format("  (void)grad_{};\n", S::table[k].name);
  out += has_bar[S::input_slot] ? std::string("  grad_input = bar_input;\n") : std::string("  grad_input = 0.0f;\n");
  out += "}\n";
  return out;
}

}  // namespace norn::codegen
