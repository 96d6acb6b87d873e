#pragma once
#include <dsl/surrogate.hpp>

#include <numbers>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// snnTorch's atan (its default, alpha = 2): (alpha / 2) / (1 + (pi / 2 * alpha * u)^2).
inline constexpr auto arctan = make_surrogate<"arctan", 2.0>(
    (alpha / 2_c) / (1_c + pow(constant<std::numbers::pi / 2>{} * alpha * u, 2_c)));

}  // namespace norn::dsl::surrogates
