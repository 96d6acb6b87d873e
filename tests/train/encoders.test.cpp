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
    if (e->takes_sequences()) {
      e->encode(a, 0.001, 5);
      e->encode(b, 0.001, 5);
    } else {  // static samples [B, F] into 50 steps
      const matrix s = x.values.topRows(4);
      e->encode_static(s, 50, 0.001, 5, a);
      e->encode_static(s, 50, 0.001, 5, b);
    }
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

TEST_CASE("encoders: latency spikes once per input at snnTorch's linear, normalized times") {
  // snnTorch's documented example: spikegen.latency([0.02, 0.5, 1], num_steps=5,
  // normalize=True, linear=True) spikes at steps 4, 2 and 0; below the threshold, never
  const auto j = nlohmann::json::parse(R"({"type": "latency"})");
  const auto e = parse_encoder(&j, {"test", "encoder"});
  CHECK_FALSE(e->takes_sequences());
  matrix x(1, 4);
  x << 0.02f, 0.5f, 1.0f, 0.005f;
  sequence out;
  e->encode_static(x, 5, 0.001, 0, out);
  REQUIRE(out.values.rows() == 5);
  auto spike_step = [&](Eigen::Index f) {
    int step = -1, count = 0;
    for (std::size_t t = 0; t < 5; ++t)
      if (out.row(t, 0)(f) == 1.0f) step = int(t), ++count;
    return count == 1 ? step : -count - 1;
  };
  CHECK(spike_step(0) == 4);
  CHECK(spike_step(1) == 2);
  CHECK(spike_step(2) == 0);
  CHECK(spike_step(3) == -1);  // no spike
  REQUIRE(e->accepts());
  CHECK(e->accepts()->max == 1.0);
}

TEST_CASE("encoders: direct keeps a static sample once, standing for every step") {
  const auto j = nlohmann::json::parse(R"({"type": "direct"})");
  const auto e = parse_encoder(&j, {"test", "encoder"});
  matrix x(3, 2);
  x << 1, 2, 3, 4, 5, 6;
  sequence out;
  e->encode_static(x, 25, 0.001, 0, out);
  CHECK(out.repeated);
  CHECK(out.steps == 25);
  CHECK(out.values == x);
  CHECK(out.row(24, 2)(1) == 6.0f);
  sequence full;
  expand_steps(out, full);
  CHECK(full.values.rows() == 75);
  CHECK(full.row(24, 2)(1) == 6.0f);
  CHECK_FALSE(full.repeated);
}
