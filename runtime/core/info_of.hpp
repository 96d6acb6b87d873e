#pragma once
/// A model's declaration read off at compile time into run-time data (model_info).

#include <dsl/model.hpp>
#include <dsl/surrogates.hpp>
#include <runtime/core/model_info.hpp>

#include <boost/hana/for_each.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace norn {

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
  if constexpr (requires { M::roles; })
    boost::hana::for_each(M::roles, [&](auto binding) {
      using B = decltype(binding);
      const std::string_view name = B::symbol_type::name.view();
      if constexpr (std::is_same_v<typename B::role_type, dsl::role::membrane>) info.membrane = info.state_index(name);
      else info.threshold = info.parameter_index(name);
    });
  boost::hana::for_each(dsl::surrogates_of<M>(), [&](auto s) {
    using S = decltype(s);
    if (S::name.view() == dsl::default_surrogate_t<M>::name.view()) info.default_surrogate = info.surrogates.size();
    info.surrogates.push_back({std::string(S::name.view()), S::default_alpha});
  });
  return info;
}

}  // namespace norn
