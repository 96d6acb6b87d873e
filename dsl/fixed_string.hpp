#pragma once
/// Compile-time names: the names of states, parameters and models are string-literal
/// template parameters, so generated code and diagnostics can print them.

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace norn::dsl {

/// A string literal usable as a template argument: `state<"v">`.
template <std::size_t N>
struct fixed_string {
  char data[N]{};

  constexpr fixed_string(const char (&s)[N]) { std::copy_n(s, N, data); }

  constexpr std::string_view view() const { return {data, N - 1}; }
  constexpr std::size_t size() const { return N - 1; }

  template <std::size_t M>
  constexpr bool operator==(const fixed_string<M>& other) const {
    return view() == other.view();
  }
};

}  // namespace norn::dsl
