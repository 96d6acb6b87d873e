#pragma once
#include <dsl/surrogate.hpp>

namespace norn::dsl::surrogates {
using namespace norn::literals;

/// The logistic function's derivative, snnTorch's sigmoid (slope 25):
/// alpha · σ(alpha u) · (1 − σ(alpha u)).
inline constexpr auto sigmoid =
    make_surrogate<"sigmoid", 25.0>(alpha * dsl::sigmoid(alpha * u) * (1_c - dsl::sigmoid(alpha * u)));

}  // namespace norn::dsl::surrogates
