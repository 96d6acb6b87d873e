#pragma once
/// Every built-in model, listed once: the type list below is read by CMakeLists.txt to
/// generate each model's registry entry and kernels (in this order, the order of `norn
/// models`) and its gradient-law test; tests that must hold for every model iterate it. A
/// new model is its header plus a line here; tests/models/places.test.cpp then says what
/// else it needs (a reference-trace test, a training configuration, a gradient-check drive,
/// a row in the README).

#include <models/alpha.hpp>
#include <models/izhikevich.hpp>
#include <models/lapicque.hpp>
#include <models/leaky.hpp>
#include <models/li.hpp>
#include <models/lif.hpp>
#include <models/lif_adex.hpp>
#include <models/lif_refrac.hpp>
#include <models/lsnn.hpp>
#include <models/nir_cubali.hpp>
#include <models/nir_cubalif.hpp>
#include <models/nir_i.hpp>
#include <models/nir_if.hpp>
#include <models/nir_li.hpp>
#include <models/nir_lif.hpp>
#include <models/synaptic.hpp>

#include <tuple>

namespace norn::models {

using all = std::tuple<lif, li, lif_refrac, lif_adex, izhikevich, lsnn, leaky, synaptic, alpha, lapicque,
                       nir_lif, nir_cubalif, nir_li, nir_cubali, nir_if, nir_i>;

}  // namespace norn::models
