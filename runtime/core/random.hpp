#pragma once
/// Random numbers and the random inputs made from them (Bernoulli and Poisson spike trains,
/// constant currents). Numbers come from a counter-based generator (a hash of seed and
/// index), so a random array is the same for a given seed whatever the thread count, and
/// any slice of it can be generated on its own.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace norn {

/// A 32-bit integer hash with full avalanche (xor-shift-multiply, "lowbias32" constants).
inline std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

/// The key of the stream of `seed` for indices [2^32·block, 2^32·(block + 1)).
inline std::uint32_t stream_key(std::uint64_t seed, std::uint64_t block) {
  return mix32(std::uint32_t(seed) ^ mix32(std::uint32_t(seed >> 32) ^ mix32(std::uint32_t(block) + 0x9E3779B9U)));
}

/// A uniform number in [0, 1) from a stream key and a 32-bit index: 24 random bits, as
/// float32 has. Only 32-bit arithmetic, so loops over indices vectorize (AVX2 has no
/// 64-bit multiply).
inline float uniform01_keyed(std::uint32_t key, std::uint32_t index) {
  return float(mix32(index ^ key) >> 8) * 0x1.0p-24f;
}

/// A uniform number in [0, 1) for (seed, index).
inline float uniform01(std::uint64_t seed, std::uint64_t index) {
  return uniform01_keyed(stream_key(seed, index >> 32), std::uint32_t(index));
}

/// A standard normal number for (seed, index), by Box–Muller over two uniforms.
double normal01(std::uint64_t seed, std::uint64_t index);

/// out[k] = weight where uniform01(seed, first + k) < p, else 0: Bernoulli spikes into a
/// buffer (a slice of a longer stream starting at index `first`).
void fill_bernoulli(std::span<float> out, double p, double weight, std::uint64_t seed, std::uint64_t first = 0);

/// [steps × n] spikes of height `weight` where uniform < p (`torch.rand(T, N) < p`).
std::vector<float> bernoulli_spikes(std::size_t steps, std::size_t n, double p, double weight,
                                    std::uint64_t seed);

/// Norse's poisson_encode: [steps × n] spikes where uniform < dt · f_max · value[k].
std::vector<float> poisson_encode(std::span<const float> values, std::size_t steps, double f_max,
                                  double dt, std::uint64_t seed);

/// [steps × n] filled with a constant current.
std::vector<float> constant_current(std::size_t steps, std::size_t n, double value);

}  // namespace norn
