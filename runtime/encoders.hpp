#pragma once
/// Input encoders: constant currents and random spike trains. Random numbers come from a
/// counter-based generator (a hash of seed and index), so an encoded array is the same for
/// a given seed whatever the thread count, and any slice can be generated on its own.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace norn {

/// A uniform number in [0, 1) for (seed, index): 24 random bits, as float32 has.
inline float uniform01(std::uint64_t seed, std::uint64_t index) {
  // splitmix64 finalizer over a seed-dependent Weyl sequence
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + (index + 1) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return float(z >> 40) * 0x1.0p-24f;
}

/// A standard normal number for (seed, index), by Box–Muller over two uniforms.
double normal01(std::uint64_t seed, std::uint64_t index);

/// [steps × n] spikes of height `weight` where uniform < p (`torch.rand(T, N) < p`).
std::vector<float> bernoulli_spikes(std::size_t steps, std::size_t n, double p, double weight,
                                    std::uint64_t seed);

/// Norse's poisson_encode: [steps × n] spikes where uniform < dt · f_max · value[k].
std::vector<float> poisson_encode(std::span<const float> values, std::size_t steps, double f_max,
                                  double dt, std::uint64_t seed);

/// [steps × n] filled with a constant current.
std::vector<float> constant_current(std::size_t steps, std::size_t n, double value);

}  // namespace norn
