#pragma once
/// What a model declares, as plain run-time data: names, defaults, units and meanings of
/// its states and parameters. Read off the declaration at compile time.

#include <dsl/model.hpp>

#include <boost/hana/for_each.hpp>

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

/// A model's declaration as data.
struct model_info {
  std::string name;
  std::string doc;
  bool spiking = false;
  std::string output;  ///< "z" for spiking models, else the state it outputs
  std::vector<variable_info> states;
  std::vector<variable_info> parameters;

  /// Index of a parameter by name.
  std::optional<std::size_t> parameter_index(std::string_view name) const;
  /// Index of a state by name.
  std::optional<std::size_t> state_index(std::string_view name) const;
  /// "tau_syn_inv, tau_mem_inv, ..."
  std::string parameter_names() const;
  std::string state_names() const;
};

/// The declaration of model M as data.
template <dsl::model M>
model_info info_of() {
  model_info info;
  info.name = std::string(M::name.view());
  if constexpr (requires { M::doc; }) info.doc = M::doc;
  info.spiking = dsl::is_spiking_v<M>;
  if constexpr (requires { M::output; })
    info.output = std::string(dsl::node_t<decltype(M::output)>::name.view());
  else
    info.output = "z";
  boost::hana::for_each(M::states, [&](const auto& d) {
    info.states.push_back({std::string(d.name.view()), d.initial, d.unit, d.doc});
  });
  boost::hana::for_each(M::parameters, [&](const auto& d) {
    info.parameters.push_back({std::string(d.name.view()), d.value, d.unit, d.doc});
  });
  return info;
}

}  // namespace norn
