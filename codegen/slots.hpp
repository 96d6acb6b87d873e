#pragma once
/// The slots of a model: every name a step reads or writes gets a fixed index known at
/// compile time (states, then parameters, then the input and dt, then locals in the order
/// phases first assign them). Kernels keep values in plain arrays indexed by slot, which
/// is what lets the compiler keep them in registers and vectorize the neuron loop.

#include <dsl/model.hpp>

#include <boost/hana/for_each.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace norn::codegen {

namespace hana = boost::hana;
using dsl::symbol_kind;

/// A slot's identity, readable at compile time and at run time.
struct slot_info {
  symbol_kind kind;
  std::string_view name;
};

namespace detail {

template <class M>
constexpr std::size_t count_locals_upper_bound() {
  std::size_t n = 0;
  hana::for_each(M::step, [&](auto p) {
    hana::for_each(dsl::detail::targets_of(p), [&](auto) { ++n; });
  });
  return n;
}

template <class M>
constexpr auto collect_slots() {
  constexpr std::size_t upper = std::size_t(hana::length(M::states)) + std::size_t(hana::length(M::parameters)) + 2 +
                                count_locals_upper_bound<M>();
  std::array<slot_info, upper> out{};
  std::size_t n = 0;
  hana::for_each(M::states, [&](const auto& d) {
    out[n++] = {symbol_kind::state, std::remove_cvref_t<decltype(d)>::name.view()};
  });
  hana::for_each(M::parameters, [&](const auto& d) {
    out[n++] = {symbol_kind::parameter, std::remove_cvref_t<decltype(d)>::name.view()};
  });
  out[n++] = {symbol_kind::input, "x"};
  out[n++] = {symbol_kind::time_step, "dt"};
  hana::for_each(M::step, [&](auto p) {
    hana::for_each(dsl::detail::targets_of(p), [&](auto t) {
      using T = typename decltype(t)::type;
      if constexpr (T::kind == symbol_kind::local) {
        bool seen = false;
        for (std::size_t k = 0; k < n; ++k)
          seen = seen || (out[k].kind == symbol_kind::local && out[k].name == T::name.view());
        if (!seen) out[n++] = {symbol_kind::local, T::name.view()};
      }
    });
  });
  return std::pair{out, n};
}

}  // namespace detail

/// The slot table of model M.
template <class M>
struct slots {
  static_assert(dsl::check_model<M>());
  static constexpr std::size_t state_count = hana::length(M::states).value;
  static constexpr std::size_t parameter_count = hana::length(M::parameters).value;
  static constexpr std::size_t input_slot = state_count + parameter_count;
  static constexpr std::size_t dt_slot = input_slot + 1;
  static constexpr std::size_t first_local = dt_slot + 1;

 private:
  static constexpr auto collected = detail::collect_slots<M>();

 public:
  static constexpr std::size_t count = collected.second;
  static constexpr std::size_t local_count = count - first_local;

  /// All slots, in index order.
  static constexpr auto table = [] {
    std::array<slot_info, count> t{};
    for (std::size_t k = 0; k < count; ++k) t[k] = collected.first[k];
    return t;
  }();

  /// The index of a symbol.
  template <class S>
  static constexpr std::size_t index_of() {
    for (std::size_t k = 0; k < count; ++k)
      if (table[k].kind == S::kind && table[k].name == S::name.view()) return k;
    return count;  // unreachable for a checked model
  }

  template <class S>
  static constexpr std::size_t of = index_of<S>();

  /// The index of a name at run time (count when absent).
  static constexpr std::size_t find(symbol_kind kind, std::string_view name) {
    for (std::size_t k = 0; k < count; ++k)
      if (table[k].kind == kind && table[k].name == name) return k;
    return count;
  }
};

}  // namespace norn::codegen
