#pragma once
/// NIR (the Neuromorphic Intermediate Representation, github.com/neuromorphs/NIR) graphs as
/// Norn's networks: a file, in the layout NIR's serializer writes (a `version` string and a
/// `node` group: the graph's `nodes`, each a group with a `type` and its arrays, and its
/// `edges`, [E, 2] strings), becomes a training configuration and its parameters; a
/// configuration and its parameters become such a file.
///
/// What maps: Input, Output, Affine and Linear (linear layers), Scale, Flatten, Conv2d,
/// SumPool2d and AvgPool2d, and NIR's six neurons (nir_lif, nir_cubalif, nir_li, nir_cubali,
/// nir_if, nir_i; a parameter that differs between neurons is held per neuron). A neuron that
/// feeds itself through a Linear or Affine (as snnTorch exports its recurrent layers, in a
/// subgraph or not) is a recurrent population. Subgraphs are inlined. Anything else, and
/// any graph that is not one chain from the input to the output (branches, skips, merges,
/// other cycles), is refused with bad_input naming the node and the reason.

#include <runtime/core/registry.hpp>
#include <runtime/io/hdf5.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/network.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace norn::nir {

/// A parameter array of an imported network, named as `norn train --init` reads it.
struct parameter_array {
  std::string name;  ///< "<layer index>.<name>"
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

/// A NIR graph as a Norn network.
struct imported {
  nlohmann::json config;                   ///< "dt", "input_shape" and "layers"
  std::vector<parameter_array> parameters;  ///< every array the layers need
  std::vector<std::string> layer_nodes;    ///< the NIR node each layer comes from
  std::vector<std::size_t> input_shape, output_shape;  ///< per step
  double dt = 0;
};

/// Maps a NIR file (read by hdf5::read) to a network. The time step is `dt`, else the one in
/// the graph's metadata ("dt"); bad_input when neither is given. `source` names the file in
/// messages.
imported import_graph(const hdf5::node& file, std::optional<double> dt, const std::string& source);

/// Sets the network's parameters (float or double) to the imported arrays.
template <class Real>
void apply_parameters(basic_network<Real>& net, const imported& g);

/// The NIR file of a configuration (its JSON and the parsed plan) with the network's current
/// parameters, for a time step `dt` (written into the graph's metadata). bad_input for a
/// layer NIR cannot hold (maxpool2d; populations of models other than NIR's own, or with
/// initial states).
hdf5::node export_graph(const nlohmann::json& config, const train_config& plan, network& net, double dt);

}  // namespace norn::nir
