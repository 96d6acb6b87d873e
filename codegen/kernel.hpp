#pragma once
/// Forward kernels over arrays. A population of N neurons × B batch entries keeps one
/// contiguous array per state ([B·N], batch-major) and one per parameter ([N]). Neurons
/// are processed in tiles of `tile_width` lanes; the lane loop is an OpenMP `simd` loop
/// over straight-line code (selects, no branches). Two walks over tiles and time:
///  - spans (inputs and outputs in memory): each thread takes a span of consecutive tiles
///    (up to `span_tiles_max`, their states in a local block that stays in L2) and steps
///    the whole span at each time step, so every array of [steps][B·N] is read and written
///    in long contiguous runs, as the prefetchers want;
///  - tiles walking time (inputs computed per tile, e.g. from a feeding layer's spikes):
///    one tile runs all its steps before the next, so what the input needs per tile (a
///    panel of weights) stays in cache.
/// Every lane's arithmetic is the same whatever the walk or the thread count, so results
/// are identical for 1 and 2 threads.

#include <codegen/step.hpp>

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace norn::codegen {

/// Lanes per tile: eight AVX2 float vectors.
inline constexpr std::size_t tile_width = 64;

/// Raw arrays of a population, as the kernels see them.
template <class M, class T>
struct population_arrays {
  static constexpr std::size_t state_count = slots<M>::state_count;
  static constexpr std::size_t parameter_count = slots<M>::parameter_count;

  std::size_t batch = 1;
  std::size_t neurons = 0;
  std::array<T*, state_count> state{};                  ///< each [batch * neurons]
  std::array<const T*, parameter_count> parameter{};  ///< each [neurons]
  T dt = T(0.001);
  /// Every parameter has one value for all neurons: kernels then read it once, into a
  /// register, instead of a value per lane (five fewer streams per step for lif).
  bool uniform_parameters = false;
};

/// The slot a model outputs: z for spiking models, else the state named by `output`.
template <class M>
constexpr std::size_t output_slot() {
  if constexpr (requires { M::output; })
    return slots<M>::template of<dsl::node_t<decltype(M::output)>>;
  else
    return slots<M>::template of<dsl::symbol<dsl::symbol_kind::local, "z">>;
}

namespace detail {

// NORN-LANE-LOOP-BEGIN (tests/vectorization checks that the loops from here to the end
// marker are vectorized for every built-in model whose step calls no libm function: all
// but lif_adex and alpha)
/// One lane's step: reads its state from the tile and its parameters from the population,
/// writes the new state back and returns the output. A function of its own so that its
/// environment is an ordinary local the compiler scalarizes (a variable declared in an
/// `omp simd` body would become a per-lane array instead).
template <bool Uniform, class M, class T>
[[gnu::always_inline, gnu::flatten]] inline T lane_step(T (&st)[slots<M>::state_count][tile_width],
                                          const std::array<const T*, slots<M>::parameter_count>& param,
                                          std::size_t j, std::size_t n, T x, T dt) {
  using S = slots<M>;
  env<M, T> e;
  for (std::size_t s = 0; s < S::state_count; ++s) e.values[s] = st[s][j];
  for (std::size_t q = 0; q < S::parameter_count; ++q) e.values[S::state_count + q] = param[q][Uniform ? 0 : n];
  e.values[S::input_slot] = x;
  e.values[S::dt_slot] = dt;
  forward_step(e);
  for (std::size_t s = 0; s < S::state_count; ++s) st[s][j] = e.values[s];
  return e.values[output_slot<M>()];
}

/// One time step of one tile: lanes [0, width), neurons [n0, n0 + width). One instance per
/// model, precision and parameter layout: a run without input reads a tile of zeros, one
/// without output writes a scratch tile (the same bits as skipping them, a fraction of
/// the compile time of four variants).
template <bool Uniform, class M, class T>
inline void tile_step(const population_arrays<M, T>& p, std::size_t n0, std::size_t width,
                      T (&st)[slots<M>::state_count][tile_width], const T* __restrict x, T* __restrict out) {
  const T dt = p.dt;
#pragma omp simd
  for (std::size_t j = 0; j < width; ++j) out[j] = lane_step<Uniform, M>(st, p.parameter, j, n0 + j, x[j], dt);
}
// NORN-LANE-LOOP-END

}  // namespace detail

/// Calls f(b, n0, width, offset) for every tile of lanes, spread over threads: tile
/// neurons [n0, n0 + width) of batch entry b, at flat offset b·N + n0. Tiles of the same
/// neurons follow each other (batch entry innermost), so per-neuron data (parameters, a
/// feeding layer's weights) stays in cache from one tile to the next. Tiles are fixed by
/// the shape alone, so each lane's arithmetic is the same for any thread count.
template <class F>
void for_each_tile(std::size_t batch, std::size_t neurons, F&& f) {
  const std::size_t tiles_per_row = (neurons + tile_width - 1) / tile_width;
  const std::ptrdiff_t tiles = std::ptrdiff_t(batch * tiles_per_row);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t tile = 0; tile < tiles; ++tile) {
    const std::size_t b = std::size_t(tile) % batch;
    const std::size_t n0 = (std::size_t(tile) / batch) * tile_width;
    f(b, n0, std::min(tile_width, neurons - n0), b * neurons + n0);
  }
}

/// A tile of the row-major order (batch entry outer, neurons inner) used by spans.
struct tile_ref {
  std::size_t n0, width, offset;  ///< neurons [n0, n0 + width), at flat offset b·N + n0
};

/// Most tiles in a span: 8,192 lanes, whose states (a few floats each) stay in L2.
inline constexpr std::size_t span_tiles_max = 128;

/// Calls f(tiles) for spans of consecutive tiles (a std::vector<tile_ref>) spread over
/// threads, at least one span per thread.
template <class F>
void for_each_span(std::size_t batch, std::size_t neurons, F&& f) {
  const std::size_t tiles_per_row = (neurons + tile_width - 1) / tile_width;
  const std::size_t tiles = batch * tiles_per_row;
  if (tiles == 0) return;
  const std::size_t spans = std::min(
      tiles, std::max(std::size_t(omp_get_max_threads()), (tiles + span_tiles_max - 1) / span_tiles_max));
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t span = 0; span < std::ptrdiff_t(spans); ++span) {
    std::vector<tile_ref> refs;
    for (std::size_t i = tiles * std::size_t(span) / spans; i < tiles * (std::size_t(span) + 1) / spans; ++i) {
      const std::size_t b = i / tiles_per_row, n0 = (i % tiles_per_row) * tile_width;
      refs.push_back({n0, std::min(tile_width, neurons - n0), b * neurons + n0});
    }
    f(refs);
  }
}

namespace detail {

/// One time step of one tile; a null input is zeros, a null output is dropped.
template <bool Uniform = false, class M, class T>
inline void tile_step_any(const population_arrays<M, T>& p, std::size_t n0, std::size_t width,
                          T (&st)[slots<M>::state_count][tile_width], const T* x, T* out) {
  alignas(64) static constexpr T zeros[tile_width] = {};
  alignas(64) T scratch[tile_width];
  tile_step<Uniform>(p, n0, width, st, x ? x : zeros, out ? out : scratch);
}

/// A tile's states, as a span keeps them.
template <class M, class T>
struct tile_states {
  alignas(64) T v[slots<M>::state_count][tile_width];
};

}  // namespace detail

/// Runs `steps` forward steps with the input of each tile step supplied by
/// `input(t, b, n0, width, scratch)`: a pointer to the `width` inputs of neurons [n0, n0 +
/// width) of batch entry b at step t, which it may compute into `scratch` (tile_width
/// values, private to the tile). out receives the output [steps][B·N] (or null);
/// record[s], when not null, receives state s after each step. States are updated in place.
template <class M, class T, class Input>
void forward_sequence_from(const population_arrays<M, T>& p, std::size_t steps, Input&& input, T* out,
                           const std::array<T*, slots<M>::state_count>& record = {}) {
  constexpr std::size_t S = slots<M>::state_count;
  const std::size_t row = p.batch * p.neurons;
  for_each_tile(p.batch, p.neurons, [&](std::size_t b, std::size_t n0, std::size_t width, std::size_t offset) {
    T st[S][tile_width];
    alignas(64) T scratch[tile_width];
    for (std::size_t s = 0; s < S; ++s) std::copy_n(p.state[s] + offset, width, st[s]);
    for (std::size_t t = 0; t < steps; ++t) {
      const std::size_t at = t * row + offset;
      detail::tile_step_any(p, n0, width, st, input(t, b, n0, width, scratch), out ? out + at : out);
      for (std::size_t s = 0; s < S; ++s)
        if (record[s]) std::copy_n(st[s], width, record[s] + at);
    }
    for (std::size_t s = 0; s < S; ++s) std::copy_n(st[s], width, p.state[s] + offset);
  });
}

/// Runs `steps` forward steps. x is [steps][B·N] (or null for no input), out receives the
/// model's output [steps][B·N] (or null), and record[s], when not null, receives state s
/// after each step [steps][B·N]. States are updated in place.
template <class M, class T>
void forward_sequence(const population_arrays<M, T>& p, std::size_t steps, const T* x, T* out,
                      const std::array<T*, slots<M>::state_count>& record = {}) {
  constexpr std::size_t S = slots<M>::state_count;
  const std::size_t row = p.batch * p.neurons;
  for_each_span(p.batch, p.neurons, [&](const std::vector<tile_ref>& tiles) {
    std::vector<detail::tile_states<M, T>> st(tiles.size());
    for (std::size_t i = 0; i < tiles.size(); ++i)
      for (std::size_t s = 0; s < S; ++s) std::copy_n(p.state[s] + tiles[i].offset, tiles[i].width, st[i].v[s]);
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t i = 0; i < tiles.size(); ++i) {
        const tile_ref& tile = tiles[i];
        const std::size_t k = t * row + tile.offset;
        if (p.uniform_parameters)
          detail::tile_step_any<true>(p, tile.n0, tile.width, st[i].v, x ? x + k : x, out ? out + k : out);
        else
          detail::tile_step_any<false>(p, tile.n0, tile.width, st[i].v, x ? x + k : x, out ? out + k : out);
        for (std::size_t s = 0; s < S; ++s)
          if (record[s]) std::copy_n(st[i].v[s], tile.width, record[s] + k);
      }
    for (std::size_t i = 0; i < tiles.size(); ++i)
      for (std::size_t s = 0; s < S; ++s) std::copy_n(st[i].v[s], tiles[i].width, p.state[s] + tiles[i].offset);
  });
}

/// One forward step over the whole population: x and out are [B·N].
template <class M, class T>
void forward_step(const population_arrays<M, T>& p, const T* x, T* out) {
  forward_sequence(p, 1, x, out);
}

}  // namespace norn::codegen
