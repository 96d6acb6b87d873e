// A data set read against a small configuration: any .npy bytes as --data (with fixed
// targets) are refused with bad_input or loaded, and a batch of them made.
#include "harness.hpp"

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/dataset.hpp>

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace norn;
  static const train_config c = [] {
    const auto j = nlohmann::json::parse(R"({"batch_size": 4, "steps": 3, "encoder": {"type": "latency"},
      "layers": [{"type": "linear", "in": 6, "out": 2}], "loss": {"type": "cross_entropy"}})");
    return parse_config(j, "fuzz", {});
  }();
  static const std::filesystem::path targets = [] {
    const auto p = fuzz::scratch() / "y.npy";
    const std::vector<std::int64_t> y{0, 1, 0, 1};
    const std::size_t shape[1] = {4};
    npy::write(p, y, shape);
    return p;
  }();
  const auto file = fuzz::as_file(data, size, "x.npy");
  try {
    const dataset d = load_dataset(file, targets, c);
    const std::vector<std::size_t> samples{0};
    (void)make_batch(d, c, samples, 1);
  } catch (const bad_input&) {
  }
  return 0;
}
