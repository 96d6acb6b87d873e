#pragma once
/// Inputs of a population computed a tile of neurons at a time.

#include <cstddef>

namespace norn {

/// Inputs computed a tile of neurons at a time instead of read from memory (a feeding
/// layer's currents from its input events), so that they are never stored whole.
class current_source {
 public:
  virtual ~current_source() = default;
  /// The inputs of neurons [n0, n0 + width) for row `row` (= t·B + b) of the sequence,
  /// written into `scratch` (codegen::tile_width floats) or pointing into the source.
  virtual const float* currents(std::size_t row, std::size_t n0, std::size_t width, float* scratch) const = 0;
};

}  // namespace norn
