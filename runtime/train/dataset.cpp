#include <runtime/train/dataset.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace norn {

template <class R>
void dataset::read(std::size_t s, std::size_t t, std::span<R> out) const {
  const std::size_t first = ((sequences ? s * steps + t : s)) * features;
  if (file) file->read(first, out);
  else std::copy_n(x.begin() + std::ptrdiff_t(first), out.size(), out.begin());
}
template void dataset::read(std::size_t, std::size_t, std::span<float>) const;
template void dataset::read(std::size_t, std::size_t, std::span<double>) const;

namespace {

std::size_t product(std::span<const std::size_t> shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

}  // namespace

dataset load_dataset(const std::filesystem::path& xf, const std::optional<std::filesystem::path>& yf,
                     const train_config& c, std::string_view role) {
  auto x = std::make_shared<const npy::mapped>(xf);
  std::optional<npy::mapped> y;
  if (yf) y.emplace(*yf);
  return load_dataset(std::move(x), y ? &*y : nullptr, c, role, role == "--data" ? "--targets" : "--test-targets");
}

dataset load_dataset(std::shared_ptr<const npy::mapped> x, const npy::mapped* yp, const train_config& c,
                     std::string_view role, std::string_view target_role, bool need_targets) {
  dataset d;
  const std::string file = x->file();
  const auto& shape = x->shape();
  const std::size_t in = c.layers.front().in_features();
  if (shape.size() < 2) fail("norn: {} {} has shape {}; expected [samples, features...] or [samples, steps, features...]", role, file, x->shape_text());
  d.samples = shape[0];
  // static samples when one sample holds what the first layer takes, else sequences
  if (product(std::span(shape).subspan(1)) == in) {
    d.sequences = false;
    if (!c.steps)
      fail("norn: {} {} holds static samples {}; the configuration needs \"steps\" to make sequences of them", role,
           file, x->shape_text());
    d.steps = *c.steps;
  } else if (shape.size() >= 3 && product(std::span(shape).subspan(2)) == in) {
    d.steps = shape[1];
    if (c.steps && *c.steps != d.steps)
      fail("norn: {} {} holds sequences of {} steps; the configuration says \"steps\": {}", role, file, d.steps, *c.steps);
    if (c.input_encoder && !c.input_encoder->takes_sequences())
      fail("norn: {} {} holds sequences {}; the {} encoder encodes static samples [samples, features...]", role, file,
           x->shape_text(), c.input_encoder->name());
  } else {
    fail("norn: {} {} has shape {}; the first layer takes {} features per step: expected [samples, {}] or "
         "[samples, steps, {}]{}",
         role, file, x->shape_text(), in, in, in,
         c.input_shape.empty() ? "" : fmt::format(" (\"input_shape\" {})", npy::shape_text(c.input_shape)));
  }
  // a sample stored as a map must be the map the configuration declares ([S, 8, 8, 1] is
  // not [1, 8, 8], though it holds as many values); a flat one is read in the declared order
  const auto sample = std::span(shape).subspan(d.sequences ? 2 : 1);
  if (sample.size() > 1 && !c.input_shape.empty() && !std::ranges::equal(sample, c.input_shape))
    fail("norn: {} {} holds samples of shape {}, but the configuration's \"input_shape\" is {}", role, file,
         npy::shape_text(sample), npy::shape_text(c.input_shape));
  d.features = in;
  if (d.samples == 0 || d.steps == 0) fail("norn: {} {} is empty ({})", role, file, x->shape_text());
  if (const auto k = x->first_non_finite(); k < x->size())
    fail("norn: {} {} holds {} at flat index {}, not a finite float", role, file, x->at(k), k);
  if (const auto range = c.input_encoder ? c.input_encoder->accepts() : std::nullopt)
    for (std::size_t k = 0; k < x->size(); ++k)
      if (const double v = x->at(k); v < range->min || v > range->max)
        fail("norn: {} {} holds {} at flat index {}; the {} encoder takes values {}", role, file, v, k,
             c.input_encoder->name(),
             std::isinf(range->min) ? fmt::format("≤ {}", range->max) : fmt::format("in [{}, {}]", range->min, range->max));
  d.file = std::move(x);

  d.outputs = c.layers.back().out_features();
  const loss& l = *c.loss_function;
  l.check_steps(d.steps);
  const auto layout = l.target_layout_for(d.steps, d.outputs);
  if (!need_targets) return d;
  if (!layout) {
    if (yp) fail("norn: the {} loss has its target in the configuration; drop {}", l.name(), target_role);
    return d;
  }
  if (!yp) fail("norn: the {} loss needs {}", l.name(), target_role);
  const npy::mapped& y = *yp;
  std::vector<std::size_t> want{d.samples};
  want.insert(want.end(), layout->shape.begin(), layout->shape.end());
  if (y.shape() != want) {
    if (!y.shape().empty() && y.shape()[0] != d.samples)
      fail("norn: {} {} has {} samples, {} {} has {}", target_role, y.file(), y.shape()[0], role, file, d.samples);
    fail("norn: {} {} has shape {}; the {} loss needs {}", target_role, y.file(), y.shape_text(), l.name(),
         layout->describe(d.samples));
  }
  if (const auto k = y.first_non_finite(); k < y.size())
    fail("norn: {} {} holds {} at flat index {}, not a finite float", target_role, y.file(), y.at(k), k);
  d.y.shape = layout->shape;
  d.y.values.resize(y.size());
  y.read(0, d.y.values);
  l.check_targets(d.y, d.outputs, y.file());
  return d;
}

std::vector<std::vector<std::size_t>> epoch_batches(std::size_t samples, std::size_t batch_size, bool shuffle,
                                                    std::uint64_t seed, std::size_t epoch) {
  std::vector<std::size_t> order(samples);
  std::iota(order.begin(), order.end(), 0);
  if (shuffle)  // Fisher–Yates from a counter-based stream of (seed, epoch)
    for (std::size_t k = samples; k > 1; --k) {
      const auto u = uniform01(seed * 0x9E3779B97F4A7C15ull ^ (epoch + 1) * 0xD1B54A32D192ED03ull, k);
      std::swap(order[k - 1], order[std::min(k - 1, std::size_t(double(u) * double(k)))]);
    }
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t k = 0; k < samples; k += batch_size)
    batches.emplace_back(order.begin() + std::ptrdiff_t(k), order.begin() + std::ptrdiff_t(std::min(samples, k + batch_size)));
  return batches;
}

template <class R>
basic_batch<R> make_batch(const dataset& d, const train_config& c, std::span<const std::size_t> samples,
                          std::uint64_t noise_seed) {
  const std::size_t B = samples.size(), T = d.steps, F = d.features;
  basic_batch<R> b;
  b.noise_seed = noise_seed;
  if (d.sequences) {
    b.x = basic_sequence<R>(T, B, F);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t j = 0; j < B; ++j) d.read(samples[j], t, std::span<R>{b.x.values.data() + (t * B + j) * F, F});
    if (c.input_encoder) c.input_encoder->encode(b.x, c.dt, noise_seed);
  } else {
    matrix_of<R> x(static_cast<Eigen::Index>(B), static_cast<Eigen::Index>(F));
    for (std::size_t j = 0; j < B; ++j) d.read(samples[j], 0, std::span<R>{x.data() + j * F, F});
    if (c.input_encoder) c.input_encoder->encode_static(x, T, c.dt, noise_seed, b.x);
    else repeat_static(x, T, b.x);
  }
  if (!d.y.values.empty()) b.targets = d.y.select(samples);
  return b;
}

template basic_batch<float> make_batch(const dataset&, const train_config&, std::span<const std::size_t>, std::uint64_t);
template basic_batch<double> make_batch(const dataset&, const train_config&, std::span<const std::size_t>, std::uint64_t);

}  // namespace norn
