#pragma once
/// The built-in surrogate gradients, one declaration per file under dsl/surrogates/, listed
/// once here. Everything that chooses a surrogate by name iterates this list (plus a
/// model's own default: surrogates_of below): configurations, the command line and
/// its help, the backward kernels compiled for every model, and the gradient tests.

#include <dsl/surrogates/arctan.hpp>
#include <dsl/surrogates/fast_sigmoid.hpp>
#include <dsl/surrogates/heaviside.hpp>
#include <dsl/surrogates/sigmoid.hpp>
#include <dsl/surrogates/straight_through.hpp>
#include <dsl/surrogates/superspike.hpp>
#include <dsl/surrogates/triangle.hpp>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace norn::dsl {
namespace hana = boost::hana;
}

namespace norn::dsl::surrogates {

/// Every built-in surrogate, in the order help and messages list them.
inline constexpr auto all = hana::make_tuple(superspike, fast_sigmoid, arctan, sigmoid, triangle, straight_through, heaviside);

}  // namespace norn::dsl::surrogates

namespace norn::dsl {

/// The surrogate a model declares (`static constexpr auto surrogate = ...`), else SuperSpike.
template <class M>
constexpr auto default_surrogate() {
  if constexpr (requires { M::surrogate; }) return M::surrogate;
  else return surrogates::superspike;
}
template <class M>
using default_surrogate_t = std::remove_cvref_t<decltype(default_surrogate<M>())>;

/// The surrogates model M can be differentiated with, by name: the built-in list, then the
/// model's default when it is one of its own (a `make_surrogate` in the model's header).
template <class M>
constexpr auto surrogates_of() {
  constexpr bool builtin = hana::fold_left(surrogates::all, false, [](bool found, auto s) {
    return found || decltype(s)::name.view() == default_surrogate_t<M>::name.view();
  });
  if constexpr (builtin) return surrogates::all;
  else return hana::append(surrogates::all, default_surrogate<M>());
}
template <class M>
inline constexpr std::size_t surrogate_count_v = decltype(hana::length(surrogates_of<M>()))::value;

/// Calls f(surrogate) with surrogate number k of surrogates_of<M>() (k < surrogate_count_v<M>).
template <class M, class F>
decltype(auto) with_surrogate(std::size_t k, F&& f) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
    using R = decltype(f(hana::at_c<0>(surrogates_of<M>())));
    if constexpr (std::is_void_v<R>) {
      ((k == I ? (void)f(hana::at_c<I>(surrogates_of<M>())) : (void)0), ...);
    } else {
      R out{};
      ((k == I ? (void)(out = f(hana::at_c<I>(surrogates_of<M>()))) : (void)0), ...);
      return out;
    }
  }(std::make_index_sequence<surrogate_count_v<M>>{});
}

}  // namespace norn::dsl
