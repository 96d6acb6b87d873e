#pragma once
/// Numbers written as text (command-line values, lists in configurations): the one reading
/// every parser of them shares, so that they accept and refuse the same spellings.

#include <optional>
#include <stdexcept>
#include <string>

namespace norn {

/// The number `text` spells, all of it (std::stod's syntax: "1e-3", " 2", "inf"); nullopt
/// when it spells none or has anything after the number. The value may be infinite or NaN:
/// callers decide what range they take.
inline std::optional<double> number_in(const std::string& text) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size()) return std::nullopt;
  return v;
}

}  // namespace norn
