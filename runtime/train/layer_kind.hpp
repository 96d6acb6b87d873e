#pragma once
/// Kinds of layers, each in a file of its own under runtime/train/layers/ and listed once in
/// layers/list.cpp: a kind says which configuration types it answers to, reads and checks
/// its configuration (its keys, the shape it takes and gives), and builds its layer from a
/// seed. Everything that enumerates layer types (configuration parsing and its messages,
/// help) iterates layer_kinds().

#include <runtime/core/registry.hpp>
#include <runtime/train/config_reader.hpp>
#include <runtime/train/layer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// What a kind's parse may consult besides the layer's own JSON.
struct layer_context {
  std::span<const model_entry> models;  ///< the models this binary knows
  double dt = 0.001;                    ///< the run's time step
  std::vector<std::size_t> in_shape;    ///< per step, of the previous layer's output; empty for the first layer
};

/// A layer as its configuration describes it, checked: the shape it gives per step and
/// how to build it.
struct layer_plan {
  std::string type;
  std::vector<std::size_t> in_shape, out_shape;
  std::function<std::unique_ptr<layer>(std::uint64_t seed)> build;
  double parameters = 0;  ///< how many values its weights hold (for the memory a run needs, before building)

  std::size_t in_features() const;
  std::size_t out_features() const;
};

/// A kind of layer.
struct layer_kind {
  std::string_view name;     ///< what help and messages call it
  std::string_view summary;  ///< one line, for help
  /// The configuration types it answers to when not just its name (populations: every
  /// model's name); null for just the name.
  std::vector<std::string> (*types)(const layer_context&) = nullptr;
  /// Reads and checks the layer's configuration `j` at `where`.
  layer_plan (*parse)(const nlohmann::json& j, const config_place& where, const layer_context& context);
  /// A configuration taking the previous layer's outputs, for help and the tests of every kind.
  std::string_view example = {};
  /// The input shape (per step) the example is tested with.
  std::vector<std::size_t> example_input = {4};
};

/// Every layer kind, in the order messages and help list them (layers/list.cpp).
std::span<const layer_kind* const> layer_kinds();

/// The configuration types `kind` answers to.
std::vector<std::string> types_of(const layer_kind& kind, const layer_context& context);

/// The features a first layer takes: "in" (or `key`) from its configuration, else those of
/// the previous layer; bad_input when neither or when they disagree.
std::size_t input_features(const config_object& c, const layer_context& context, std::string_view key = "in");

}  // namespace norn
