#pragma once
/// Expression nodes. A node is an empty type that holds only its children (as template
/// arguments); it never computes. Evaluation, simplification, differentiation and source
/// emission are rules in codegen/ that dispatch on the node types and the operator tags.

#include <dsl/fixed_string.hpp>
#include <dsl/ops.hpp>

#include <type_traits>

namespace norn::dsl {

/// What a name stands for in a model.
enum class symbol_kind {
  state,      ///< carried from step to step (v, i, mem, ...)
  parameter,  ///< constant within a step; per population or per neuron; trainable
  local,      ///< an intermediate of one step (the spike z, a refractory mask r, ...)
  input,      ///< the step's input x, already weighted
  time_step,  ///< dt, in seconds
  surrogate,  ///< the argument u and the width alpha inside a surrogate-derivative declaration
};

/// A leaf naming a state, parameter, local, the input or dt.
template <symbol_kind Kind, fixed_string Name>
struct symbol {
  static constexpr symbol_kind kind = Kind;
  static constexpr auto name = Name;
};

/// A compile-time number (written `0.04_c` in models).
template <double Value>
struct constant {
  static constexpr double value = Value;
};

template <class Op, class A>
struct unary {};

template <class Op, class L, class R>
struct binary {};

template <class Op, class A, class B, class C>
struct ternary {};

// ---- recognising nodes ----------------------------------------------------------------

template <class T>
inline constexpr bool is_symbol_v = false;
template <symbol_kind K, fixed_string N>
inline constexpr bool is_symbol_v<symbol<K, N>> = true;

template <class T>
inline constexpr bool is_constant_v = false;
template <double V>
inline constexpr bool is_constant_v<constant<V>> = true;

template <class T>
inline constexpr bool is_node_v = is_symbol_v<T> || is_constant_v<T>;
template <class Op, class A>
inline constexpr bool is_node_v<unary<Op, A>> = true;
template <class Op, class L, class R>
inline constexpr bool is_node_v<binary<Op, L, R>> = true;
template <class Op, class A, class B, class C>
inline constexpr bool is_node_v<ternary<Op, A, B, C>> = true;

/// An expression node (after stripping const and references).
template <class T>
concept expression = is_node_v<std::remove_cvref_t<T>>;

/// A declaration (state, parameter, local) stands for its symbol inside expressions.
template <class T>
concept declaration = requires { typename std::remove_cvref_t<T>::symbol_type; };

/// Anything that may appear as an operand: a node or a declaration.
template <class T>
concept expression_like = expression<T> || declaration<T>;

/// The node an operand stands for.
template <class T>
struct node_of {
  using type = std::remove_cvref_t<T>;
};
template <declaration T>
struct node_of<T> {
  using type = typename std::remove_cvref_t<T>::symbol_type;
};
template <class T>
using node_t = typename node_of<T>::type;

}  // namespace norn::dsl
