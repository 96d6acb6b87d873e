#pragma once
/// The models a `norn` binary knows, by name. An entry carries the model's declaration as
/// data and makes populations of it behind the run-time interface; the entries of the
/// built-in models come from `builtin_models()`, those of a model binary's own model from
/// norn_add_model_binary (cmake/NornModels.cmake). Entries are made by entry_of<M>()
/// (runtime/core/model_entry.hpp) in a translation unit of their own per model.

#include <runtime/core/dynamic_population.hpp>
#include <runtime/core/model_info.hpp>
#include <runtime/core/spike_gradient.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// A model as a `norn` binary knows it.
struct model_entry {
  model_info info;
  /// A population of the model, computing in float or double.
  std::unique_ptr<dynamic_population> (*make)(std::size_t neurons, std::size_t batch, double dt,
                                              bool double_precision);
  /// The model's forward step, or its adjoint through `rule`'s surrogate, as C++ source.
  std::string (*emit)(bool backward, const spike_gradient& rule);
};

/// Every built-in model, in the order `norn models` lists them (models/all.hpp).
const std::vector<model_entry>& builtin_models();

/// Looks a model up by name; throws bad_input naming the known models when absent.
const model_entry& find_model(std::span<const model_entry> models, std::string_view name);

}  // namespace norn
