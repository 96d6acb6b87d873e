#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// No surrogate: the true derivative of H, zero (Norse's method "heaviside"). Spikes then
/// pass no gradient; gradient checks against finite differences use it.
inline constexpr auto heaviside = make_surrogate<"heaviside", 1.0>(0_c);

}  // namespace norn::dsl::surrogates
