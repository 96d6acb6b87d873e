// `norn nir import|export` and `norn simulate --nir`: NIR files to Norn's configurations
// and back, and running a NIR graph over an input (runtime/train/nir.hpp does the mapping;
// the contract is in the README's NIR section).

#include <runtime/cli/commands.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/resources.hpp>
#include <runtime/io/hdf5.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/io/output_set.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/nir.hpp>
#include <runtime/train/trainer.hpp>

#include <fmt/format.h>

#include <fstream>

namespace norn::cli {

namespace {

std::optional<double> checked_dt(std::optional<double> dt) {
  if (dt && !(*dt > 0)) fail("norn: --dt must be > 0, got {}", *dt);
  return dt;
}

std::string layers_comment(const nir::imported& g, const std::string& file) {
  std::string s = fmt::format("imported from {} by norn nir import (dt {} s); layers from its nodes:", file, g.dt);
  for (std::size_t k = 0; k < g.layer_nodes.size(); ++k) s += fmt::format(" {} \u2190 {}{}", k, g.layer_nodes[k], k + 1 < g.layer_nodes.size() ? "," : "");
  return s;
}

}  // namespace

void nir_import_command(const nir_options& o, std::span<const model_entry> models) {
  output_set::check(o.out, "--out");
  const auto g = nir::import_graph(hdf5::read(o.input), checked_dt(o.dt), o.input);
  nlohmann::json config = nlohmann::json::object();
  config["comment"] = layers_comment(g, std::filesystem::path(o.input).filename().string());
  for (const auto& [key, value] : g.config.items()) config[key] = value;
  // what a training run needs besides: a loss and an optimizer the user will change
  parse_config(config, "the imported configuration", models);  // a mapping Norn cannot run is a bug, found here
  output_set out(o.out);
  for (const auto& p : g.parameters) out.npy(p.name + ".npy", p.values, p.shape);
  {
    std::ofstream f(out.stage("config.json"));
    f << config.dump(2) << "\n";
    if (!f) fail("norn: cannot write {}/config.json", o.out);
  }
  out.commit();
  fmt::print("{}: {} layers ({}), {} parameter arrays → {}\n", o.input, g.layer_nodes.size(),
             fmt::join(g.layer_nodes, ", "), g.parameters.size(), o.out);
}

void nir_export_command(const nir_options& o, std::span<const model_entry> models) {
  nlohmann::json j;  // the layers' own keys (kernel, bias, recurrent) as the file gives them
  const auto c = load_config(o.input, models, [&](const nlohmann::json& read) { j = read; });
  network net = build_network(c);
  load_parameters(net, o.init, true);
  const double dt = checked_dt(o.dt).value_or(c.dt);
  const auto file = nir::export_graph(j, c, net, dt);
  hdf5::write(o.out, file);
  fmt::print("{} with {} → {} ({} layers, dt {} s)\n", o.input, o.init, o.out, c.layers.size(), dt);
}

void simulate_nir(const simulate_options& o, std::span<const model_entry> models) {
  output_set::check(o.out, "--out");
  if (o.input_file.empty()) fail("norn: simulate --nir needs --input X.npy ([T, F...] or [T, B, F...])");
  bool record_all = false;
  for (const auto& r : o.record) {
    if (r != "all") fail("norn: with --nir, --record takes 'all' (every node's states), got '{}'", r);
    record_all = true;
  }
  const auto g = nir::import_graph(hdf5::read(o.nir), o.dt_given ? std::optional<double>(o.dt) : std::nullopt, o.nir);
  const auto c = parse_config(g.config, o.nir, models);
  const npy::mapped x(o.input_file);
  const auto& in = g.input_shape;
  const auto& xs = x.shape();
  const bool batched = xs.size() == in.size() + 2;
  if ((xs.size() != in.size() + 1 && !batched) || !std::equal(in.begin(), in.end(), xs.end() - std::ptrdiff_t(in.size())) ||
      xs[0] == 0 || (batched && xs[1] == 0))
    fail("norn: --input {} has shape {}; the graph takes [T, {}] or [T, B, {}]", o.input_file, x.shape_text(),
         fmt::join(in, ", "), fmt::join(in, ", "));
  if (const auto k = x.first_non_finite(); k < x.size())
    fail("norn: --input {} holds a non-finite value at flat index {}", o.input_file, k);
  const std::size_t T = xs[0], B = batched ? xs[1] : 1;
  auto bytes = network_bytes(c, T, false) * double(B) / double(c.batch_size);
  require_memory(bytes, fmt::format("running this graph ({} steps, batch {})", T, B));
  network net = build_network(c);
  nir::apply_parameters(net, g);
  if (record_all)
    for (std::size_t k = 0; k < net.size(); ++k)
      if (const auto* m = net.at(k).model()) {
        std::vector<std::string> names;
        for (const auto& s : m->states) names.push_back(s.name);
        net.at(k).record_states(names);
      }
  sequence input(T, B, x.size() / (T * B));
  x.read(0, input.span());
  const sequence& y = net.forward(input, false);
  output_set out(o.out);
  auto shaped = [&](const std::vector<std::size_t>& per_step) {
    std::vector<std::size_t> s{T};
    if (batched) s.push_back(B);
    s.insert(s.end(), per_step.begin(), per_step.end());
    return s;
  };
  out.npy("output.npy", y.span(), shaped(g.output_shape));
  if (record_all)
    for (std::size_t k = 0; k < net.size(); ++k)
      if (const auto* m = net.at(k).model())
        for (const auto& s : m->states) {
          const auto* rec = net.at(k).recorded(s.name);
          out.npy(fmt::format("{}.{}.npy", g.layer_nodes[k], s.name),
                  rec->span(), shaped(c.layers[k].out_shape));
        }
  out.commit();
}

}  // namespace norn::cli
