// The NIR mapping: any tree of groups and datasets (what an HDF5 file can hold) is refused
// with bad_input or becomes a configuration that parses. The input is the tree as JSON
// (objects are groups, strings and numbers datasets, nested lists their shapes), so that the
// fuzzer mutates graphs, not HDF5's own encoding: HDF5's parser is Debian's libhdf5, which
// this build does not link.
#include "harness.hpp"

#include <runtime/core/errors.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/nir.hpp>

#include <nlohmann/json.hpp>

namespace {

using norn::hdf5::kind;
using norn::hdf5::node;

/// Flattens nested lists into values and a shape; false when ragged or mixed.
bool flatten(const nlohmann::json& j, std::size_t depth, std::vector<std::size_t>& shape, node& out) {
  if (depth > 8) return false;
  if (j.is_array()) {
    if (shape.size() == depth) shape.push_back(j.size());
    else if (shape.size() <= depth || shape[depth] != j.size()) return false;
    for (const auto& e : j)
      if (!flatten(e, depth + 1, shape, out)) return false;
    return true;
  }
  if (shape.size() != depth) return false;
  if (j.is_string()) {
    if (out.what == kind::numbers && !out.numbers.empty()) return false;
    out.what = kind::strings;
    out.strings.push_back(j.get<std::string>());
    return true;
  }
  if (j.is_number()) {
    if (out.what == kind::strings) return false;
    out.what = kind::numbers;
    out.numbers.push_back(j.get<double>());
    if (!j.is_number_float()) out.type = "int64";
    return true;
  }
  return false;
}

node tree(const nlohmann::json& j, int depth) {
  if (j.is_object() && depth < 32) {
    node g = node::group();
    for (const auto& [k, v] : j.items()) g.add(k, tree(v, depth + 1));
    return g;
  }
  node d;
  d.what = kind::numbers;
  d.type = "float32";
  std::vector<std::size_t> shape;
  if (!flatten(j, 0, shape, d)) {
    node other;
    other.what = kind::other;
    other.type = "compound";
    return other;
  }
  d.shape = shape;
  if (d.what == kind::strings) d.type = "string";
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  const node file = tree(j, 0);
  try {
    const auto g = norn::nir::import_graph(file, std::nullopt, "fuzz.nir");
    (void)norn::parse_config(g.config, "fuzz.nir", {});
  } catch (const norn::bad_input&) {
  }
  return 0;
}
