#pragma once
/// Every built-in model, as a type list: tests that must hold for every model (gradient
/// checks, trace properties) iterate over it, so a model added here is checked
/// automatically. The same names form NORN_BUILTIN_MODELS in CMakeLists.txt (a test checks
/// the two agree).

#include <models/alpha.hpp>
#include <models/izhikevich.hpp>
#include <models/lapicque.hpp>
#include <models/leaky.hpp>
#include <models/li.hpp>
#include <models/lif.hpp>
#include <models/lif_adex.hpp>
#include <models/lif_refrac.hpp>
#include <models/lsnn.hpp>
#include <models/synaptic.hpp>

#include <tuple>

namespace norn::models {

using all = std::tuple<lif, li, lif_refrac, lif_adex, izhikevich, lsnn, leaky, synaptic, alpha, lapicque>;

}  // namespace norn::models
