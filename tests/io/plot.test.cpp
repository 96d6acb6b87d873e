#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/io/plot.hpp>

#include <cstdint>

using namespace norn;

namespace {
// Width and height from a PNG's IHDR chunk.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  auto be32 = [&](std::size_t at) {
    return std::uint32_t(std::uint8_t(png[at])) << 24 | std::uint32_t(std::uint8_t(png[at + 1])) << 16 |
           std::uint32_t(std::uint8_t(png[at + 2])) << 8 | std::uint32_t(std::uint8_t(png[at + 3]));
  };
  return {be32(16), be32(20)};
}
}  // namespace

TEST_CASE("plot: lines, raster, histogram and bars become PNG files of the requested size") {
  const auto dir = test::scratch("plot");
  plot::series s{"sine", {}, {}};
  for (int k = 0; k < 100; ++k) s.x.push_back(k), s.y.push_back(std::sin(k / 10.0));
  plot::options opt{"title", "x", "y"};
  opt.hline = 0.5;
  plot::lines(dir / "lines.png", {s}, opt);
  const std::vector<double> times{1.0, 6.0}, neurons{2.0, 3.0};
  plot::raster(dir / "raster.png", times, neurons, 20.0, 5, {"r", "t", "n", {}, {}, false, 640, 480});
  const std::vector<double> values{1, 2, 2, 3, 3, 3};
  plot::histogram(dir / "hist.png", values, 3, {"h", "v", "count"});
  plot::bars(dir / "bars.png", {"a", "b"}, {{"p", {}, {0.2, 0.8}}, {"q", {}, {0.5, 0.5}}}, {"b", "", "p"});
  for (const char* name : {"lines.png", "hist.png", "bars.png"}) {
    const auto png = test::slurp(dir / name);
    REQUIRE(png.size() > 100);
    CHECK(png_size(png) == std::pair<std::uint32_t, std::uint32_t>{1000, 600});
  }
  CHECK(png_size(test::slurp(dir / "raster.png")) == std::pair<std::uint32_t, std::uint32_t>{640, 480});
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().extension() == ".png");  // no temporaries left behind
}
