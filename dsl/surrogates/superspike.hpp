#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// SuperSpike (Zenke & Ganguli 2018), Norse's default: 1 / (alpha |u| + 1)^2, alpha = 100.
inline constexpr auto superspike = make_surrogate<"superspike", 100.0>(1_c / pow(alpha * abs(u) + 1_c, 2_c));

}  // namespace norn::dsl::surrogates
