#pragma once
/// Inputs of a population computed a tile of neurons at a time.

#include <cstddef>

namespace norn {

/// Inputs computed a tile of neurons at a time instead of read from memory (a feeding
/// layer's currents from its input events), so that they are never stored whole. `Real`:
/// float or double, the population's precision.
template <class Real>
class basic_current_source {
 public:
  virtual ~basic_current_source() = default;
  /// The inputs of neurons [n0, n0 + width) for row `row` (= t·B + b) of the sequence,
  /// written into `scratch` (codegen::tile_width floats) or pointing into the source.
  virtual const Real* currents(std::size_t row, std::size_t n0, std::size_t width, Real* scratch) const = 0;
};

using current_source = basic_current_source<float>;

}  // namespace norn
