#pragma once
/// What a model declares, as plain run-time data: names, defaults, units and meanings of
/// its states and parameters, its roles and the surrogates its backward is compiled for.
/// Read off the declaration at compile time by info_of<M>() (runtime/core/info_of.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// One state or parameter of a model.
struct variable_info {
  std::string name;
  double value;  ///< default (parameter) or initial value (state)
  std::string unit;
  std::string doc;
};

/// A surrogate a model can be differentiated with.
struct surrogate_info {
  std::string name;
  double default_alpha;
};

/// A model's declaration as data.
struct model_info {
  std::string name;
  std::string doc;
  bool spiking = false;
  std::string output;  ///< "z" for spiking models, else the state it outputs
  std::vector<variable_info> states;
  std::vector<variable_info> parameters;
  std::optional<std::size_t> membrane;   ///< the state declared as the membrane potential
  std::optional<std::size_t> threshold;  ///< the parameter declared as the firing threshold
  std::vector<surrogate_info> surrogates;  ///< dsl::surrogates_of<M>(), in order
  std::size_t default_surrogate = 0;       ///< its index in `surrogates`

  /// Index of a parameter by name.
  std::optional<std::size_t> parameter_index(std::string_view name) const;
  /// Index of a state by name.
  std::optional<std::size_t> state_index(std::string_view name) const;
  /// Index of a surrogate by name; the model's default for an empty name.
  std::optional<std::size_t> surrogate_index(std::string_view name) const;
  /// "tau_syn_inv, tau_mem_inv, ..."
  std::string parameter_names() const;
  std::string state_names() const;
  std::string surrogate_names() const;
};

}  // namespace norn
