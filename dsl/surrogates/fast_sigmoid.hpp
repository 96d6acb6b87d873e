#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// The fast sigmoid's derivative, snnTorch's fast_sigmoid (slope 25): 1 / (alpha |u| + 1)^2.
inline constexpr auto fast_sigmoid = make_surrogate<"fast_sigmoid", 25.0>(1_c / pow(alpha * abs(u) + 1_c, 2_c));

}  // namespace norn::dsl::surrogates
