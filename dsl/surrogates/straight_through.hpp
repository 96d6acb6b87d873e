#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// Straight-through estimator: the gradient passes unchanged.
inline constexpr auto straight_through = make_surrogate<"straight_through", 1.0>(1_c);

}  // namespace norn::dsl::surrogates
