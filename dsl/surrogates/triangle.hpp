#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// Triangle (Bellec et al. 2018; Norse's triangle): alpha * max(0, 1 - |u|), alpha = 0.3.
inline constexpr auto triangle = make_surrogate<"triangle", 0.3>(alpha * relu(1_c - abs(u)));

}  // namespace norn::dsl::surrogates
