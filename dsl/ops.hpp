#pragma once
/// Operator tags. Each tag is an empty type; what an operator means (its value, its
/// derivative, its C++ spelling) is defined by the rules in codegen/, one overload per tag.

namespace norn::dsl {

// arithmetic
struct add_op {};
struct sub_op {};
struct mul_op {};
struct div_op {};
struct neg_op {};
struct pow_op {};

// elementary functions
struct exp_op {};
struct log_op {};
struct sqrt_op {};
struct tanh_op {};
struct sigmoid_op {};
struct abs_op {};

// piecewise
struct min_op {};
struct max_op {};
struct relu_op {};

// comparisons give 0 or 1 and have derivative 0
struct gt_op {};
struct ge_op {};
struct lt_op {};
struct le_op {};
struct heaviside_op {};  ///< H(x) = 1 if x > 0 else 0; its derivative is 0

/// H(x) forward, the population's surrogate derivative backward.
struct spike_op {};
/// The spike as it enters a reset: the spike itself, or the spike with its gradient cut
/// when a population asks for detached resets (snnTorch's behaviour).
struct reset_gate_op {};
/// Identity forward, derivative 0: `detach(x)` as PyTorch's `x.detach()`.
struct detach_op {};

/// `select(c, a, b)` is a where c > 0, else b; no derivative through c.
struct select_op {};

}  // namespace norn::dsl
