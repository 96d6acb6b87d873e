#pragma once
// How to drive each model in the gradient checks: an input that makes it spike within the
// run, and a quiet one that keeps it below threshold. Every model of models::all needs one
// (the tests generated per model from models/all.hpp stop compiling without it).

#include <gradient_law.hpp>
#include <models/all.hpp>

#include <boost/hana/for_each.hpp>

namespace norn::test {

template <class M>
struct gradient_setup {
  static_assert(sizeof(M) == 0, "norn tests: add a gradient_setup<Model> in tests/gradients/setups.hpp");
};

#define NORN_GRADIENT_SETUP(model, spiking_drive, quiet_drive)                \
  template <>                                                                  \
  struct gradient_setup<models::model> {                                       \
    static constexpr drive spiking = spiking_drive;                            \
    static constexpr drive quiet = quiet_drive;                                \
  }

NORN_GRADIENT_SETUP(lif, (drive{3.0, 1.0, 0.3}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(li, (drive{1.0, 1.0}), (drive{1.0, 1.0}));
NORN_GRADIENT_SETUP(lif_refrac, (drive{3.0, 1.0, 0.3}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(lif_adex, (drive{3.0, 1.0, 0.3}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(izhikevich, (drive{12.0, 4.0}), (drive{0.0, 0.2, 1.0, 0.002}));
NORN_GRADIENT_SETUP(lsnn, (drive{4.0, 1.0, 0.3}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(leaky, (drive{0.4, 0.3}), (drive{0.02, 0.01}));
NORN_GRADIENT_SETUP(synaptic, (drive{0.3, 0.2}), (drive{0.01, 0.005}));
NORN_GRADIENT_SETUP(alpha, (drive{2.0, 1.0}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(lapicque, (drive{3.0, 2.0}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(nir_lif, (drive{3.0, 1.0, 0.5}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(nir_cubalif, (drive{4.0, 1.0, 0.5}), (drive{0.05, 0.02}));
NORN_GRADIENT_SETUP(nir_li, (drive{1.0, 1.0}), (drive{1.0, 1.0}));
NORN_GRADIENT_SETUP(nir_cubali, (drive{1.0, 1.0}), (drive{1.0, 1.0}));
NORN_GRADIENT_SETUP(nir_if, (drive{300.0, 100.0, 0.5}), (drive{5.0, 2.0}));
NORN_GRADIENT_SETUP(nir_i, (drive{1.0, 1.0}), (drive{1.0, 1.0}));

#undef NORN_GRADIENT_SETUP

/// Runs the dual-number law for model M and surrogate Sg over 60 steps, with the reset
/// differentiated and detached; each run must contain spikes.
template <class M, class Sg>
void check_model_with_surrogate() {
  for (unsigned seed : {1u, 2u}) {
    const std::size_t spikes = check_adjoint_against_duals<M, Sg>(gradient_setup<M>::spiking, 60, seed);
    if constexpr (dsl::is_spiking_v<M>) CHECK(spikes >= 2);
    check_adjoint_against_duals<M, Sg>(gradient_setup<M>::spiking, 60, seed, /*detach_reset=*/true);
  }
}

/// The dual-number law for model M with every surrogate it can be differentiated with
/// (dsl::surrogates_of<M>(): the built-in list and the model's own default), and the
/// finite-difference law on quiet runs.
template <class M>
void check_model() {
  boost::hana::for_each(dsl::surrogates_of<M>(), [](auto surrogate) {
    INFO("surrogate " << decltype(surrogate)::name.view());
    check_model_with_surrogate<M, decltype(surrogate)>();
  });
  for (unsigned seed : {3u, 4u}) check_adjoint_against_finite_differences<M>(gradient_setup<M>::quiet, 50, seed);
}

}  // namespace norn::test
