#pragma once
/// How a population's spikes pass gradient: the surrogate (by name, one of the model's
/// surrogates), its width alpha, and whether resets are differentiated through the spike
/// (Norse) or detached (snnTorch).

#include <runtime/core/errors.hpp>
#include <runtime/core/model_info.hpp>

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>

namespace norn {

/// A population's choice of spike gradient.
struct spike_gradient {
  std::string surrogate;        ///< one of model_info::surrogates; empty for the model's default
  std::optional<double> alpha;  ///< the surrogate's default when empty
  bool detach_reset = false;
};

/// A choice checked against a model: the surrogate's index in the model's list, and the
/// values its kernels read.
struct resolved_gradient {
  std::size_t surrogate = 0;
  double alpha = 1.0;
  double reset_grad = 1.0;  ///< 1: through the reset; 0: detached
};

/// Checks the choice against the model; bad_input naming the model's surrogates otherwise.
inline resolved_gradient resolve(const spike_gradient& g, const model_info& info) {
  const auto k = info.surrogate_index(g.surrogate);
  if (!k) fail("norn: unknown surrogate '{}' for model '{}' (surrogates: {})", g.surrogate, info.name, info.surrogate_names());
  if (g.alpha && !(std::isfinite(*g.alpha) && *g.alpha > 0))
    fail("norn: the surrogate's alpha must be a positive number, got {}", *g.alpha);
  return {*k, g.alpha.value_or(info.surrogates[*k].default_alpha), g.detach_reset ? 0.0 : 1.0};
}

}  // namespace norn
