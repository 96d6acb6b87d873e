#include <runtime/train/nir.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/layers/grid.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace norn::nir {

namespace {

using hdf5::kind;
using json = nlohmann::json;

/// The version of NIR whose layout Norn writes (and reads: 1.0 and later).
constexpr const char* written_version = "1.0.7";

/// NIR's neurons and Norn's models of them, with each one's parameters in NIR's names
/// (which are the models' names too) and whether NIR may leave them out (their default).
struct neuron_kind {
  std::string_view nir_type, model;
  std::vector<std::string_view> parameters;
  std::vector<std::pair<std::string_view, double>> optional;  ///< may be absent: this value
};
const std::vector<neuron_kind>& neuron_kinds() {
  static const std::vector<neuron_kind> kinds{
      {"LIF", "nir_lif", {"tau", "r", "v_leak", "v_threshold", "v_reset"}, {{"v_reset", 0.0}}},
      {"CubaLIF", "nir_cubalif", {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"},
       {{"v_reset", 0.0}, {"w_in", 1.0}}},
      {"LI", "nir_li", {"tau", "r", "v_leak"}, {}},
      {"CubaLI", "nir_cubali", {"tau_syn", "tau_mem", "r", "v_leak", "w_in"}, {{"w_in", 1.0}}},
      {"IF", "nir_if", {"r", "v_threshold", "v_reset"}, {{"v_reset", 0.0}}},
      {"I", "nir_i", {"r"}, {}},
  };
  return kinds;
}
const neuron_kind* neuron_by_type(std::string_view type) {
  for (const auto& k : neuron_kinds())
    if (k.nir_type == type) return &k;
  return nullptr;
}
const neuron_kind* neuron_by_model(std::string_view model) {
  for (const auto& k : neuron_kinds())
    if (k.model == model) return &k;
  return nullptr;
}

std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// ---- reading: the graph, flattened ------------------------------------------------------

/// A node of the flattened graph.
struct graph_node {
  std::string name;  ///< "a", or "sub.a" inside subgraph "sub"
  std::string type;
  const hdf5::node* data = nullptr;
  bool identity = false;  ///< a subgraph's own Input or Output: passes its input on
};

class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail_at(const std::string& node, const std::string& message) const {
    fail("norn: {}: node '{}': {}", source_, node, message);
  }
  [[noreturn]] void fail_file(const std::string& message) const { fail("norn: {}: {}", source_, message); }

  /// The string dataset `key` of a group, or null when absent.
  std::optional<std::string> text(const hdf5::node& g, std::string_view key, const std::string& node) const {
    const auto* d = g.child(key);
    if (!d) return std::nullopt;
    if (d->what != kind::strings || d->strings.size() != 1)
      fail_at(node, fmt::format("'{}' must be one string, but is {} {}", key, d->type, npy::shape_text(d->shape)));
    return d->strings[0];
  }

  /// The numbers of dataset `key`, required, finite.
  const hdf5::node& numbers(const graph_node& n, std::string_view key) const {
    const auto* d = n.data->child(key);
    if (!d) fail_at(n.name, fmt::format("{} lacks its '{}' dataset", n.type, key));
    if (d->what != kind::numbers)
      fail_at(n.name, fmt::format("'{}' must hold numbers, but holds {}", key, d->type.empty() ? "a group" : d->type));
    for (std::size_t k = 0; k < d->numbers.size(); ++k)
      if (!std::isfinite(d->numbers[k])) fail_at(n.name, fmt::format("'{}' holds {} at flat index {}", key, d->numbers[k], k));
    return *d;
  }

  /// Whole numbers ≥ `minimum` from dataset `key`: `count` of them (one value standing for
  /// all), or `fallback` when absent and a fallback is given.
  std::vector<std::size_t> whole(const graph_node& n, std::string_view key, std::size_t count, std::size_t minimum,
                                 std::optional<std::size_t> fallback = std::nullopt) const {
    if (!n.data->child(key)) {
      if (fallback) return std::vector<std::size_t>(count, *fallback);
      numbers(n, key);  // fails: absent
    }
    const auto& d = numbers(n, key);
    if (d.numbers.size() != 1 && d.numbers.size() != count)
      fail_at(n.name, fmt::format("'{}' must hold 1 or {} values, but holds {}", key, count, d.numbers.size()));
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < count; ++k) {
      const double v = d.numbers[d.numbers.size() == 1 ? 0 : k];
      if (v != std::floor(v) || v < double(minimum) || v > 1e9)
        fail_at(n.name, fmt::format("'{}' must hold whole numbers ≥ {}, but holds {}", key, minimum, v));
      out.push_back(std::size_t(v));
    }
    return out;
  }

  /// Flattens the graph in group `g` (a NIRGraph node) into nodes_ and edges_, naming its
  /// nodes with `prefix`; returns the names of its Input and Output nodes.
  std::pair<std::vector<std::string>, std::vector<std::string>> flatten(const hdf5::node& g, const std::string& prefix,
                                                                        const std::string& graph_name, int depth) {
    if (depth > 16) fail_at(graph_name, "subgraphs nest deeper than 16");
    const auto* nodes = g.child("nodes");
    if (!nodes || nodes->what != kind::group) fail_at(graph_name, "NIRGraph lacks its 'nodes' group");
    const auto* edges = g.child("edges");
    if (!edges) fail_at(graph_name, "NIRGraph lacks its 'edges' dataset");
    std::vector<std::string> inputs, outputs;
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> subgraphs;  // local name → ends
    for (const auto& [local, data] : nodes->children) {
      const std::string name = prefix + local;
      if (data.what != kind::group) fail_at(name, "is a dataset, not a node group");
      const auto type = text(data, "type", name);
      if (!type) fail_at(name, "lacks its 'type' dataset");
      if (*type == "NIRGraph") {
        subgraphs[local] = flatten(data, name + ".", name, depth + 1);
        continue;
      }
      graph_node n{name, *type, &data, depth > 0 && (*type == "Input" || *type == "Output")};
      if (*type == "Input") inputs.push_back(name);
      if (*type == "Output") outputs.push_back(name);
      nodes_.push_back(n);
    }
    // edges: [E, 2] strings; an empty list may come as any empty dataset
    if (edges->what == kind::strings) {
      if (edges->shape.size() != 2 || edges->shape[1] != 2)
        fail_at(graph_name, fmt::format("'edges' must be [E, 2] strings, but is {}", npy::shape_text(edges->shape)));
    } else if (edges->size() != 0 || edges->what == kind::group) {
      fail_at(graph_name, fmt::format("'edges' must be [E, 2] strings, but holds {}", edges->what == kind::group ? "a group" : edges->type));
    }
    auto ends = [&](const std::string& local, bool as_source) -> std::vector<std::string> {
      if (auto s = subgraphs.find(local); s != subgraphs.end()) {
        const auto& list = as_source ? s->second.second : s->second.first;
        if (list.size() != 1)
          fail_at(prefix + local, fmt::format("a subgraph with {} {} nodes cannot be connected", list.size(),
                                              as_source ? "Output" : "Input"));
        return list;
      }
      if (!nodes->child(local))
        fail_at(graph_name, fmt::format("an edge names '{}', which is not a node of the graph", local));
      return {prefix + local};
    };
    for (std::size_t e = 0; edges->what == kind::strings && e < edges->shape[0]; ++e) {
      const auto& from = edges->strings[2 * e];
      const auto& to = edges->strings[2 * e + 1];
      for (const auto& a : ends(from, true))
        for (const auto& b : ends(to, false)) edges_.emplace_back(a, b);
    }
    return {inputs, outputs};
  }

  std::string source_;
  std::vector<graph_node> nodes_;
  std::vector<std::pair<std::string, std::string>> edges_;
};

/// A neuron's parameter as an array of n values (one value standing for all).
std::vector<double> neuron_values(const reader& r, const graph_node& n, std::string_view key, std::size_t neurons,
                                  std::optional<double> fallback) {
  if (!n.data->child(key) && fallback) return std::vector<double>(neurons, *fallback);
  const auto& d = r.numbers(n, key);
  if (d.numbers.size() == 1) return std::vector<double>(neurons, d.numbers[0]);
  if (d.numbers.size() != neurons)
    r.fail_at(n.name, fmt::format("'{}' holds {} values ({}), but the node's input gives {}", key, d.numbers.size(),
                                  npy::shape_text(d.shape), neurons));
  return d.numbers;
}

std::vector<float> as_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

}  // namespace

imported import_graph(const hdf5::node& file, std::optional<double> dt, const std::string& source) {
  reader r(source);
  if (!file.child("version")) r.fail_file("not a NIR file: it lacks the 'version' dataset");
  const auto version = r.text(file, "version", "version");
  const auto* root = file.child("node");
  if (!root || root->what != kind::group) r.fail_file("not a NIR file: it lacks the 'node' group");
  const auto root_type = r.text(*root, "type", "node");
  if (root_type != "NIRGraph")
    r.fail_file(fmt::format("the top node must be a NIRGraph, but is {}", root_type ? "'" + *root_type + "'" : "untyped"));
  // the time step: given, or in the graph's metadata
  if (!dt) {
    if (const auto* meta = root->child("metadata"); meta && meta->what == kind::group)
      if (const auto* d = meta->child("dt"); d && d->what == kind::numbers && d->numbers.size() == 1) dt = d->numbers[0];
  }
  if (!dt)
    r.fail_file("NIR does not store the time step and this file's metadata has no 'dt': give --dt (snnTorch's exporter "
                "assumes dt = 1e-4 s; see the README's NIR section)");
  if (!std::isfinite(*dt) || *dt <= 0) r.fail_file(fmt::format("the time step must be > 0, got {}", *dt));
  (void)version;

  const auto [inputs, outputs] = r.flatten(*root, "", "node", 0);
  auto& nodes = r.nodes_;
  auto& edges = r.edges_;
  if (inputs.size() != 1) r.fail_file(fmt::format("the graph has {} Input nodes; Norn runs graphs of one input", inputs.size()));
  if (outputs.size() != 1) r.fail_file(fmt::format("the graph has {} Output nodes; Norn runs graphs of one output", outputs.size()));
  std::map<std::string, const graph_node*> by_name;
  for (const auto& n : nodes) by_name[n.name] = &n;
  auto succ = [&](const std::string& name) {
    std::vector<std::string> out;
    for (const auto& [a, b] : edges)
      if (a == name) out.push_back(b);
    return out;
  };
  auto pred = [&](const std::string& name) {
    std::vector<std::string> out;
    for (const auto& [a, b] : edges)
      if (b == name) out.push_back(a);
    return out;
  };
  // a subgraph's Input and Output pass their input on: connect around them
  for (const auto& n : nodes) {
    if (!n.identity) continue;
    const auto p = pred(n.name), s = succ(n.name);
    std::erase_if(edges, [&](const auto& e) { return e.first == n.name || e.second == n.name; });
    for (const auto& a : p)
      for (const auto& b : s) edges.emplace_back(a, b);
  }
  // duplicated edges are one connection counted twice: refuse (they would double the input)
  {
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& e : edges)
      if (!seen.insert(e).second) r.fail_at(e.first, fmt::format("the edge to '{}' appears twice", e.second));
  }
  // recurrent connections: neuron → Linear/Affine → the same neuron, the weight connected to nothing else
  std::map<std::string, std::string> recurrent;  // neuron → its recurrent weight node
  for (const auto& n : nodes) {
    if (n.identity || !neuron_by_type(n.type)) continue;
    for (const auto& w : succ(n.name)) {
      const auto* wn = by_name.at(w);
      if ((wn->type == "Linear" || wn->type == "Affine") && succ(w) == std::vector<std::string>{n.name} &&
          pred(w) == std::vector<std::string>{n.name}) {
        if (recurrent.count(n.name)) r.fail_at(n.name, "has two recurrent connections");
        recurrent[n.name] = w;
      }
    }
  }
  for (const auto& connection : recurrent) {
    const std::string& w = connection.second;
    std::erase_if(edges, [&](const auto& e) { return e.first == w || e.second == w; });
  }
  std::set<std::string> weights_of_recurrence;
  for (const auto& [neuron, w] : recurrent) weights_of_recurrence.insert(w);

  // the rest must be one chain from the input to the output
  std::vector<const graph_node*> chain;
  std::set<std::string> visited;
  std::string at = inputs[0];
  while (true) {
    const auto* n = by_name.at(at);
    if (!visited.insert(at).second)
      r.fail_at(at, "is on a cycle that is not a neuron's recurrent connection through a Linear or Affine node");
    chain.push_back(n);
    const auto p = pred(at);
    if (n->type != "Input" && p.size() > 1)
      r.fail_at(at, fmt::format("takes input from {} nodes ({}): Norn's networks are one chain, without merges or skips",
                                p.size(), fmt::join(p, ", ")));
    if (at == outputs[0]) break;
    const auto s = succ(at);
    if (s.empty()) r.fail_at(at, fmt::format("leads nowhere: the chain from the input does not reach the output '{}'", outputs[0]));
    if (s.size() > 1)
      r.fail_at(at, fmt::format("feeds {} nodes ({}): Norn's networks are one chain, without branches", s.size(),
                                fmt::join(s, ", ")));
    at = s[0];
  }
  for (const auto& n : nodes)
    if (!n.identity && !visited.count(n.name) && !weights_of_recurrence.count(n.name))
      r.fail_at(n.name, "is not on the chain from the input to the output");
  if (!pred(inputs[0]).empty()) r.fail_at(inputs[0], "an Input node cannot take input");

  // ---- the layers ---------------------------------------------------------------------
  imported g;
  g.dt = *dt;
  json layers = json::array();
  std::vector<std::size_t> shape;  // per step, of the current node's output
  auto add_layer = [&](const graph_node& n, json layer) {
    g.layer_nodes.push_back(n.name);
    layers.push_back(std::move(layer));
  };
  auto add_parameter = [&](const std::string& name, std::vector<std::size_t> s, std::vector<float> v) {
    g.parameters.push_back({fmt::format("{}.{}", layers.size() - 1, name), std::move(s), std::move(v)});
  };
  for (const auto* np : chain) {
    const auto& n = *np;
    const auto& type = n.type;
    if (type == "Input") {
      const auto& s = r.numbers(n, "shape");
      shape = r.whole(n, "shape", s.numbers.size(), 1);
      if (shape.empty() || shape.size() > 3)
        r.fail_at(n.name, fmt::format("an input of shape {}: Norn takes [features], [channels, width] or [channels, height, width]",
                                      npy::shape_text(shape)));
      g.input_shape = shape;
    } else if (type == "Output") {
      if (const auto* s = n.data->child("shape"); s && s->what == kind::numbers) {
        std::size_t count = 1;
        for (double v : s->numbers) count *= std::size_t(std::max(v, 0.0));
        if (count != product(shape))
          r.fail_at(n.name, fmt::format("its shape holds {} values, but the graph gives {} ({})", count, product(shape),
                                        npy::shape_text(shape)));
      }
      g.output_shape = shape;
    } else if (type == "Affine" || type == "Linear") {
      const auto& w = r.numbers(n, "weight");
      if (w.shape.size() != 2) r.fail_at(n.name, fmt::format("'weight' must be [out, in], but is {}", npy::shape_text(w.shape)));
      const std::size_t out = w.shape[0], in = w.shape[1];
      if (in != product(shape))
        r.fail_at(n.name, fmt::format("'weight' {} takes {} inputs, but the node's input gives {} ({})", npy::shape_text(w.shape),
                                      in, product(shape), npy::shape_text(shape)));
      const bool bias = type == "Affine";
      add_layer(n, {{"type", "linear"}, {"in", in}, {"out", out}, {"bias", bias}});
      add_parameter("weight", {out, in}, as_float(w.numbers));
      if (bias) {
        const auto& b = r.numbers(n, "bias");
        if (b.numbers.size() != out)
          r.fail_at(n.name, fmt::format("'bias' holds {} values for {} outputs", b.numbers.size(), out));
        add_parameter("bias", {out}, as_float(b.numbers));
      }
      shape = {out};
    } else if (type == "Scale") {
      const auto& s = r.numbers(n, "scale");
      const std::size_t f = product(shape);
      if (s.numbers.size() != 1 && s.numbers.size() != f)
        r.fail_at(n.name, fmt::format("'scale' holds {} values, but the node's input gives {}", s.numbers.size(), f));
      add_layer(n, {{"type", "scale"}, {"train", false}});
      add_parameter("scale", {f}, as_float(s.numbers.size() == 1 ? std::vector<double>(f, s.numbers[0]) : s.numbers));
      shape = {f};
    } else if (type == "Flatten") {
      const auto start = n.data->child("start_dim") ? r.numbers(n, "start_dim").numbers.at(0) : 1.0;
      const auto end = n.data->child("end_dim") ? r.numbers(n, "end_dim").numbers.at(0) : -1.0;
      const double rank = double(shape.size());
      // NIR's dims count the node's own input shape (no batch): start 0 and end −1 (or the
      // last) flatten all of it; exporters that count a batch write start 1 on a 4-d shape
      const double s0 = start < 0 ? start + rank : start, e0 = end < 0 ? end + rank : end;
      if (!(s0 == 0 && e0 == rank - 1) && !(rank == 1))
        r.fail_at(n.name, fmt::format("flattens dims {} to {} of a {} input; Norn flattens whole maps only", start, end,
                                      npy::shape_text(shape)));
      add_layer(n, {{"type", "flatten"}});
      shape = {product(shape)};
    } else if (type == "Conv2d") {
      const auto& w = r.numbers(n, "weight");
      if (w.shape.size() != 4)
        r.fail_at(n.name, fmt::format("'weight' must be [out channels, in channels, kh, kw], but is {}", npy::shape_text(w.shape)));
      const std::size_t O = w.shape[0], C = w.shape[1], kh = w.shape[2], kw = w.shape[3];
      if (n.data->child("input_shape")) {
        const auto hw = r.whole(n, "input_shape", 2, 1);
        if (shape.size() == 1 && product(shape) == C * hw[0] * hw[1] && layers.empty()) shape = {C, hw[0], hw[1]};
        if (shape != std::vector<std::size_t>{C, hw[0], hw[1]} && !(shape.size() == 2 && C == 1 && shape == hw))
          r.fail_at(n.name, fmt::format("its input_shape {} with {} channels does not match its input {}", npy::shape_text(hw),
                                        C, npy::shape_text(shape)));
      }
      if (shape.size() == 2) shape = {1, shape[0], shape[1]};
      if (shape.size() != 3)
        r.fail_at(n.name, fmt::format("a Conv2d needs a [channels, height, width] input, but its input is {}", npy::shape_text(shape)));
      if (shape[0] != C) r.fail_at(n.name, fmt::format("'weight' takes {} channels, but the input {} has {}", C, npy::shape_text(shape), shape[0]));
      const auto stride = r.whole(n, "stride", 2, 1, 1);
      const auto dilation = r.whole(n, "dilation", 2, 1, 1);
      if (dilation != std::vector<std::size_t>{1, 1})
        r.fail_at(n.name, fmt::format("dilation {}×{}: Norn's conv2d has no dilation", dilation[0], dilation[1]));
      if (r.whole(n, "groups", 1, 1, 1)[0] != 1) r.fail_at(n.name, "groups ≠ 1: Norn's conv2d has no groups");
      std::vector<std::size_t> padding{0, 0};
      if (const auto* pd = n.data->child("padding"); pd && pd->what == kind::strings) {
        const auto p = r.text(*n.data, "padding", n.name);
        if (*p == "same") {
          if (stride != std::vector<std::size_t>{1, 1} || kh % 2 == 0 || kw % 2 == 0)
            r.fail_at(n.name, "padding 'same' needs stride 1 and an odd kernel in Norn");
          padding = {kh / 2, kw / 2};
        } else if (*p != "valid") {
          r.fail_at(n.name, fmt::format("padding '{}': expected 'same', 'valid' or numbers", *p));
        }
      } else if (n.data->child("padding")) {
        padding = r.whole(n, "padding", 2, 0);
      }
      if (padding[0] > kh / 2 || padding[1] > kw / 2)
        r.fail_at(n.name, fmt::format("padding {}×{} is more than half the kernel {}×{}", padding[0], padding[1], kh, kw));
      if (shape[1] + 2 * padding[0] < kh || shape[2] + 2 * padding[1] < kw)
        r.fail_at(n.name, fmt::format("a {}×{} kernel does not fit the input {}", kh, kw, npy::shape_text(shape)));
      if (layers.empty() && g.input_shape.size() == 1) g.input_shape = shape;
      add_layer(n, {{"type", "conv2d"}, {"in_channels", C}, {"out_channels", O}, {"kernel", {kh, kw}},
                    {"stride", stride}, {"padding", padding}, {"bias", true}});
      add_parameter("weight", {O, C, kh, kw}, as_float(w.numbers));
      std::vector<double> bias(O, 0.0);
      if (n.data->child("bias")) {
        const auto& b = r.numbers(n, "bias");
        if (b.numbers.size() != O) r.fail_at(n.name, fmt::format("'bias' holds {} values for {} output channels", b.numbers.size(), O));
        bias = b.numbers;
      }
      add_parameter("bias", {O}, as_float(bias));
      const window2d win{kh, kw, stride[0], stride[1], padding[0], padding[1]};
      shape = win.output({shape[0], shape[1], shape[2]}, O).dims();
    } else if (type == "SumPool2d" || type == "AvgPool2d") {
      if (shape.size() == 2) shape = {1, shape[0], shape[1]};
      if (shape.size() != 3)
        r.fail_at(n.name, fmt::format("a {} needs a [channels, height, width] input, but its input is {}", type, npy::shape_text(shape)));
      const auto k = r.whole(n, "kernel_size", 2, 1);
      const auto s = r.whole(n, "stride", 2, 1, k[0]);
      const auto p = r.whole(n, "padding", 2, 0, 0);
      if (p[0] > k[0] / 2 || p[1] > k[1] / 2)
        r.fail_at(n.name, fmt::format("padding {}×{} is more than half the kernel {}×{}", p[0], p[1], k[0], k[1]));
      if (shape[1] + 2 * p[0] < k[0] || shape[2] + 2 * p[1] < k[1])
        r.fail_at(n.name, fmt::format("a {}×{} kernel does not fit the input {}", k[0], k[1], npy::shape_text(shape)));
      add_layer(n, {{"type", type == "SumPool2d" ? "sumpool2d" : "avgpool2d"}, {"kernel", k}, {"stride", s}, {"padding", p}});
      shape = window2d{k[0], k[1], s[0], s[1], p[0], p[1]}.output({shape[0], shape[1], shape[2]}, shape[0]).dims();
    } else if (const auto* nk = neuron_by_type(type)) {
      const std::size_t N = product(shape);
      json layer{{"type", std::string(nk->model)}};
      json params = json::object(), per_neuron = json::array();
      std::vector<std::pair<std::string, std::vector<double>>> arrays;
      for (const auto& key : nk->parameters) {
        std::optional<double> fallback;
        for (const auto& [name, value] : nk->optional)
          if (name == key) fallback = value;
        auto v = neuron_values(r, n, key, N, fallback);
        if ((key == "tau" || key == "tau_mem" || key == "tau_syn") && std::any_of(v.begin(), v.end(), [](double x) { return x <= 0; }))
          r.fail_at(n.name, fmt::format("'{}' must be > 0", key));
        if (std::all_of(v.begin(), v.end(), [&](double x) { return float(x) == float(v[0]); })) {
          params[std::string(key)] = v[0];
        } else {
          per_neuron.push_back(std::string(key));
          arrays.emplace_back(std::string(key), std::move(v));
        }
      }
      if (!params.empty()) layer["params"] = params;
      if (!per_neuron.empty()) layer["per_neuron"] = per_neuron;
      std::optional<std::vector<float>> recurrent_weight, recurrent_bias;
      if (auto rec = recurrent.find(n.name); rec != recurrent.end()) {
        const graph_node& w = *by_name.at(rec->second);
        const auto& wd = r.numbers(w, "weight");
        if (wd.shape != std::vector<std::size_t>{N, N})
          r.fail_at(w.name, fmt::format("a recurrent weight of '{}' must be [{}, {}], but is {}", n.name, N, N, npy::shape_text(wd.shape)));
        if (w.type == "Affine") {
          const auto& b = r.numbers(w, "bias");
          if (b.numbers.size() != N) r.fail_at(w.name, fmt::format("'bias' holds {} values for {} neurons", b.numbers.size(), N));
          recurrent_bias = as_float(b.numbers);
        }
        bool diagonal = false;
        for (std::size_t k = 0; k < N; ++k) diagonal = diagonal || wd.numbers[k * N + k] != 0;
        layer["recurrent"] = true;
        layer["autapses"] = diagonal;
        if (recurrent_bias) layer["recurrent_bias"] = true;
        recurrent_weight = as_float(wd.numbers);
      }
      add_layer(n, layer);
      if (recurrent_weight) add_parameter("recurrent_weight", {N, N}, std::move(*recurrent_weight));
      if (recurrent_bias) add_parameter("recurrent_bias", {N}, std::move(*recurrent_bias));
      for (auto& [key, v] : arrays) add_parameter(key, {N}, as_float(v));
    } else if (type == "Delay") {
      r.fail_at(n.name, "Delay is not supported yet (Norn's networks have no synaptic delays)");
    } else if (type == "Threshold") {
      r.fail_at(n.name, "a Threshold node is not supported (in Norn the threshold belongs to a neuron model)");
    } else if (type == "Conv1d") {
      r.fail_at(n.name, "Conv1d is not supported (Norn has conv2d)");
    } else {
      r.fail_at(n.name, fmt::format("unknown node type '{}'", type));
    }
  }
  if (layers.empty()) r.fail_file("the graph has no node between its input and its output");
  g.config = {{"dt", *dt}, {"input_shape", g.input_shape}, {"layers", layers}};
  return g;
}

template <class Real>
void apply_parameters(basic_network<Real>& net, const imported& g) {
  auto params = net.parameters();
  for (const auto& a : g.parameters) {
    const auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == a.name; });
    if (it == params.end() || it->shape != a.shape || it->value.size() != a.values.size())
      throw std::logic_error("norn: an imported NIR parameter does not fit its layer: " + a.name);
    std::copy(a.values.begin(), a.values.end(), it->value.begin());
  }
}
template void apply_parameters(basic_network<float>&, const imported&);
template void apply_parameters(basic_network<double>&, const imported&);

// ---- writing ------------------------------------------------------------------------------

namespace {

hdf5::node float_array(std::vector<std::size_t> shape, std::span<const float> v) {
  return hdf5::node::numbers_of(std::move(shape), std::vector<double>(v.begin(), v.end()), "float32");
}
hdf5::node whole_array(std::vector<std::size_t> values) {
  const std::size_t n = values.size();
  return hdf5::node::numbers_of({n}, std::vector<double>(values.begin(), values.end()), "int64");
}
hdf5::node whole_scalar(long long v) { return hdf5::node::numbers_of({}, {double(v)}, "int64"); }

/// An Input or Output node of the given shape.
hdf5::node end_node(const char* type, std::vector<std::size_t> shape) {
  hdf5::node n = hdf5::node::group();
  n.add("type", hdf5::node::text(type));
  n.add("shape", whole_array(std::move(shape)));
  return n;
}

/// A graph's `edges`: [E, 2] strings, (from, to) per row.
hdf5::node edge_table(const std::vector<std::pair<std::string, std::string>>& edges) {
  hdf5::node t;
  t.what = hdf5::kind::strings;
  t.type = "string";
  t.shape = {edges.size(), 2};
  for (const auto& [from, to] : edges) {
    t.strings.push_back(from);
    t.strings.push_back(to);
  }
  return t;
}

}  // namespace

hdf5::node export_graph(const json& config, const train_config& plan, network& net, double dt) {
  if (plan.layers.size() != net.size()) throw std::logic_error("norn: the network does not fit its configuration");
  hdf5::node file = hdf5::node::group();
  file.add("version", hdf5::node::text(written_version));
  auto& root = file.add("node", hdf5::node::group());
  auto& nodes = root.add("nodes", hdf5::node::group());
  std::vector<std::string> chain{"input"};
  const auto first_in = plan.input_shape.empty() ? std::vector<std::size_t>{plan.layers[0].in_features()} : plan.input_shape;
  nodes.add("input", end_node("Input", first_in));
  const auto all = net.parameters();
  auto value_of = [&](std::size_t k, const std::string& name) -> const parameter_ref& {
    const auto full = fmt::format("{}.{}", k, name);
    for (const auto& p : all)
      if (p.name == full) return p;
    throw std::logic_error("norn: no parameter " + full);
  };
  for (std::size_t k = 0; k < plan.layers.size(); ++k) {
    const auto& lp = plan.layers[k];
    const auto& j = config["layers"][k];
    const config_place where{"the configuration", fmt::format("layers[{}]", k)};
    const std::string name = std::to_string(k);
    hdf5::node n = hdf5::node::group();
    const auto& type = lp.type;
    if (type == "linear") {
      const auto& w = value_of(k, "weight");
      const bool bias = j.value("bias", true);
      n.add("type", hdf5::node::text(bias ? "Affine" : "Linear"));
      n.add("weight", float_array(w.shape, w.value));
      if (bias) {
        const auto& b = value_of(k, "bias");
        n.add("bias", float_array(b.shape, b.value));
      }
    } else if (type == "scale") {
      const auto& s = value_of(k, "scale");
      n.add("type", hdf5::node::text("Scale"));
      n.add("scale", float_array(s.shape, s.value));
    } else if (type == "flatten") {
      n.add("type", hdf5::node::text("Flatten"));
      n.add("start_dim", whole_scalar(0));
      n.add("end_dim", whole_scalar(-1));
      n.add("input_type", whole_array(lp.in_shape));
    } else if (type == "conv2d" || type == "avgpool2d" || type == "sumpool2d") {
      const config_object c(j, where, {"type", "in_channels", "out_channels", "kernel", "stride", "padding", "bias"});
      const map_shape in{lp.in_shape[0], lp.in_shape[1], lp.in_shape[2]};
      const auto w = read_window(c, in, type != "conv2d");
      if (type == "conv2d") {
        const auto& wt = value_of(k, "weight");
        n.add("type", hdf5::node::text("Conv2d"));
        n.add("weight", float_array(wt.shape, wt.value));
        std::vector<float> bias(wt.shape[0], 0.0f);
        if (j.value("bias", true)) {
          const auto& b = value_of(k, "bias");
          bias.assign(b.value.begin(), b.value.end());
        }
        n.add("bias", float_array({bias.size()}, bias));
        n.add("stride", whole_array({w.sh, w.sw}));
        n.add("padding", whole_array({w.ph, w.pw}));
        n.add("dilation", whole_array({1, 1}));
        n.add("groups", whole_scalar(1));
        n.add("input_shape", whole_array({in.height, in.width}));
      } else {
        n.add("type", hdf5::node::text(type == "avgpool2d" ? "AvgPool2d" : "SumPool2d"));
        n.add("kernel_size", whole_array({w.kh, w.kw}));
        n.add("stride", whole_array({w.sh, w.sw}));
        n.add("padding", whole_array({w.ph, w.pw}));
      }
    } else if (type == "dropout") {
      continue;  // the identity outside training: NIR graphs are for inference
    } else if (const auto* nk = neuron_by_model(type)) {
      if (j.contains("initial")) where.error("NIR has no initial states: a population with \"initial\" cannot be exported");
      auto& l = net.at(k);
      const auto* info = l.model();
      const std::size_t N = lp.out_features();
      hdf5::node neuron = hdf5::node::group();
      neuron.add("type", hdf5::node::text(std::string(nk->nir_type)));
      for (const auto& key : nk->parameters) {
        const auto v = l.neuron_parameter(*info->parameter_index(std::string(key)));
        neuron.add(std::string(key), float_array({N}, v));
      }
      if (j.value("recurrent", false)) {
        // as snnTorch writes its recurrent layers: a subgraph input → neurons ⇄ w_rec → output
        const auto& w = value_of(k, "recurrent_weight");
        n.add("type", hdf5::node::text("NIRGraph"));
        auto& sub = n.add("nodes", hdf5::node::group());
        sub.add("input", end_node("Input", {N}));
        sub.add("neurons", std::move(neuron));
        sub.add("output", end_node("Output", {N}));
        auto& rec = sub.add("w_rec", hdf5::node::group());
        const bool bias = j.value("recurrent_bias", false);
        rec.add("type", hdf5::node::text(bias ? "Affine" : "Linear"));
        rec.add("weight", float_array(w.shape, w.value));
        if (bias) {
          const auto& b = value_of(k, "recurrent_bias");
          rec.add("bias", float_array(b.shape, b.value));
        }
        n.add("edges", edge_table({{"input", "neurons"}, {"neurons", "w_rec"}, {"w_rec", "neurons"}, {"neurons", "output"}}));
      } else {
        n = std::move(neuron);
      }
    } else if (type == "maxpool2d") {
      where.error("NIR has no max pooling: a network with maxpool2d cannot be exported");
    } else {
      where.error("'{}' is not one of NIR's neurons (nir_lif, nir_cubalif, nir_li, nir_cubali, nir_if, nir_i): Norn's {} "
                  "follows its peer's discretization, which NIR's equations do not express",
                  type, type);
    }
    nodes.add(name, std::move(n));
    chain.push_back(name);
  }
  nodes.add("output", end_node("Output", plan.layers.back().out_shape));
  chain.push_back("output");
  std::vector<std::pair<std::string, std::string>> edges;
  for (std::size_t k = 0; k + 1 < chain.size(); ++k) edges.emplace_back(chain[k], chain[k + 1]);
  root.add("edges", edge_table(edges));
  root.add("type", hdf5::node::text("NIRGraph"));
  auto& meta = root.add("metadata", hdf5::node::group());
  meta.add("dt", hdf5::node::numbers_of({}, {dt}, "float64"));
  meta.add("source", hdf5::node::text("norn"));
  return file;
}

}  // namespace norn::nir
