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
#include <type_traits>
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
  double parameters = 0;  ///< how many values its weights hold (for the memory a run needs, before building)

  layer_plan() = default;
  /// `make(std::type_identity<T>{}, seed)` builds the layer computing in T (float or double)
  /// as a std::unique_ptr<basic_layer<T>>: a generic lambda, so that each kind says once
  /// how it is built.
  template <class F>
  layer_plan(std::string type_name, std::vector<std::size_t> in, std::vector<std::size_t> out, F make, double weights = 0)
      : type(std::move(type_name)),
        in_shape(std::move(in)),
        out_shape(std::move(out)),
        parameters(weights),
        build_float([make](std::uint64_t seed) -> std::unique_ptr<basic_layer<float>> {
          return make(std::type_identity<float>{}, seed);
        }),
        build_double([make](std::uint64_t seed) -> std::unique_ptr<basic_layer<double>> {
          return make(std::type_identity<double>{}, seed);
        }) {}

  std::size_t in_features() const;
  std::size_t out_features() const;

  /// The layer, computing in T, its initial values drawn from `seed`.
  template <class T = float>
  std::unique_ptr<basic_layer<T>> build(std::uint64_t seed) const {
    if constexpr (std::is_same_v<T, float>) return build_float(seed);
    else return build_double(seed);
  }

 private:
  std::function<std::unique_ptr<basic_layer<float>>(std::uint64_t)> build_float;
  std::function<std::unique_ptr<basic_layer<double>>(std::uint64_t)> build_double;
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
