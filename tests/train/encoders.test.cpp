// Every encoder kind of encoders/list.cpp, from its example configuration.
#include <catch2/catch.hpp>

#include <runtime/train/encoder.hpp>

#include <cmath>

using namespace norn;

TEST_CASE("encoders: every kind keeps the shape, gives finite values, and depends on the seed alone") {
  for (const auto* kind : encoder_kinds()) {
    INFO(kind->name);
    const auto j = nlohmann::json::parse(kind->example);
    const auto e = parse_encoder(&j, {"test", "encoder"});
    REQUIRE(e);
    CHECK(e->name() == kind->name);
    sequence x(50, 4, 8);
    for (std::size_t k = 0; k < x.size(); ++k) x.span()[k] = float(k % 7) / 7.0f;
    sequence a = x, b = x;
    e->encode(a, 0.001, 5);
    e->encode(b, 0.001, 5);
    CHECK(a.values == b.values);
    CHECK(a.steps == x.steps);
    CHECK(a.values.rows() == x.values.rows());
    CHECK(a.values.cols() == x.values.cols());
    for (float v : a.span()) REQUIRE(std::isfinite(v));
  }
}

TEST_CASE("encoders: poisson spikes with probability dt · f_max · x") {
  const auto j = nlohmann::json::parse(R"({"type": "poisson", "f_max": 200})");
  const auto e = parse_encoder(&j, {"test", "encoder"});
  sequence x(2000, 1, 10);
  x.values.setConstant(0.5f);
  e->encode(x, 0.001, 1);
  const double rate = x.values.sum() / double(x.size());
  CHECK(std::abs(rate - 0.1) < 0.01);
  for (float v : x.span()) REQUIRE((v == 0.0f || v == 1.0f));
}

TEST_CASE("encoders: none, and unknown kinds") {
  const auto none = nlohmann::json::parse(R"({"type": "none"})");
  CHECK(parse_encoder(&none, {"c.json", "encoder"}) == nullptr);
  CHECK(parse_encoder(nullptr, {"c.json", "encoder"}) == nullptr);
  const auto bad = nlohmann::json::parse(R"({"type": "rate"})");
  CHECK_THROWS_WITH(parse_encoder(&bad, {"c.json", "encoder"}), Catch::Contains("unknown encoder 'rate'") && Catch::Contains("poisson"));
}

TEST_CASE("encoders: delta spikes on changes of at least the threshold, as snnTorch's spikegen.delta") {
  // snnTorch's documented inputs [1, 2, 2.9, 3, 3.9] and [1, 2, 0, 2, 2.9], threshold 1, with
  // the outputs its code computes (its docstring shows a spike at 3 for the first, a rise of 0.1)
  auto encode = [](std::vector<float> data, const char* config) {
    const auto j = nlohmann::json::parse(config);
    sequence x(data.size(), 1, 1);
    std::copy(data.begin(), data.end(), x.values.data());
    parse_encoder(&j, {"test", "encoder"})->encode(x, 0.001, 0);
    return std::vector<float>(x.values.data(), x.values.data() + x.size());
  };
  CHECK(encode({1, 2, 2.9f, 3, 3.9f}, R"({"type": "delta", "threshold": 1})") == std::vector<float>{1, 1, 0, 0, 0});
  CHECK(encode({1, 2, 2.9f, 3, 3.9f}, R"({"type": "delta", "threshold": 1, "padding": true})") ==
        std::vector<float>{0, 1, 0, 0, 0});
  CHECK(encode({1, 2, 0, 2, 2.9f}, R"({"type": "delta", "threshold": 1, "off_spike": true})") ==
        std::vector<float>{1, 1, -1, 1, 0});
}
