#include <runtime/train/config.hpp>

#include <runtime/core/errors.hpp>

#include <fstream>

namespace norn {

namespace {

using json = nlohmann::json;

layer_plan parse_layer(const json& j, const config_place& where, const layer_context& context) {
  if (!j.is_object() || !j.contains("type")) where.error("a layer is an object with a \"type\"");
  const auto type = read_text(j["type"], where.at("type"));
  std::vector<std::string> known;
  for (const auto* kind : layer_kinds())
    for (const auto& t : types_of(*kind, context)) {
      if (t == type) return kind->parse(j, where, context);
      known.push_back(t);
    }
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  where.at("type").error("unknown layer type '{}' (types: {})", type, list);
}

optimizer_options parse_optimizer(const json& j, const config_place& where) {
  const config_object c(j, where,
                        {"type", "lr", "neuron_lr", "momentum", "dampening", "nesterov", "betas", "eps", "weight_decay",
                         "clip_norm", "clip_value"});
  optimizer_options o;
  o.type = c.text("type", o.type);
  if (o.type != "adam" && o.type != "sgd") c.place("type").error("unknown optimizer '{}' (optimizers: adam, sgd)", o.type);
  if (o.type == "sgd") o.lr = 0.01;  // neither PyTorch default matters much; say it in configs
  o.lr = c.positive("lr", o.lr);
  o.neuron_lr = c.positive("neuron_lr");
  o.momentum = c.number("momentum", o.momentum);
  o.dampening = c.number("dampening", o.dampening);
  o.nesterov = c.boolean("nesterov", o.nesterov);
  if (c.has("betas")) {
    const auto& b = c.json("betas");
    if (!b.is_array() || b.size() != 2) c.place("betas").error("expected [beta1, beta2]");
    o.beta1 = read_number(b[0], c.place("betas").at(std::size_t(0)));
    o.beta2 = read_number(b[1], c.place("betas").at(std::size_t(1)));
  }
  o.eps = c.positive("eps", o.eps);
  o.weight_decay = c.number("weight_decay", o.weight_decay);
  o.clip_norm = c.positive("clip_norm");
  o.clip_value = c.positive("clip_value");
  if (o.type == "adam" && (c.has("momentum") || c.has("nesterov") || c.has("dampening")))
    c.error("momentum, dampening and nesterov belong to sgd, not adam");
  return o;
}

norn::schedule parse_schedule(const json& j, const config_place& where, double lr) {
  const config_object c(j, where, {"type", "step_size", "gamma", "t_max", "eta_min"});
  norn::schedule s;
  s.type = c.text("type", "constant");
  if (s.type == "step") {
    for (auto key : {"t_max", "eta_min"})
      if (c.has(key)) c.place(key).error("\"{}\" belongs to the cosine schedule", key);
    s.step_size = c.count("step_size", s.step_size);
    s.gamma = c.positive("gamma", s.gamma);
  } else if (s.type == "cosine") {
    for (auto key : {"step_size", "gamma"})
      if (c.has(key)) c.place(key).error("\"{}\" belongs to the step schedule", key);
    s.t_max = c.count("t_max", 0, 1);
    s.eta_min = c.number("eta_min", 0.0);
    if (s.eta_min < 0 || s.eta_min > lr) c.place("eta_min").error("expected a value in [0, lr = {}], got {}", lr, s.eta_min);
  } else if (s.type != "constant") {
    c.place("type").error("unknown schedule '{}' (schedules: constant, step, cosine)", s.type);
  }
  return s;
}

}  // namespace

train_config parse_config(const json& j, const std::string& source, std::span<const model_entry> models) {
  const config_object top(j, {source, ""},
                          {"dt", "seed", "epochs", "batch_size", "shuffle", "checkpoint_every", "layers", "loss",
                           "optimizer", "schedule", "encoder", "steps", "input_shape", "data", "targets", "test_data",
                           "test_targets", "precision", "comment"});
  train_config c;
  c.source = source;
  if (top.has("data")) c.data = top.text("data", "");
  if (top.has("targets")) c.targets = top.text("targets", "");
  if (top.has("test_data")) c.test_data = top.text("test_data", "");
  if (top.has("test_targets")) c.test_targets = top.text("test_targets", "");
  if (top.has("steps")) c.steps = top.count("steps");
  if (top.has("input_shape")) {
    const auto& shape = j["input_shape"];
    if (!shape.is_array() || shape.empty() || shape.size() > 3)
      top.place("input_shape").error("expected [features], [channels, width] or [channels, height, width]");
    for (std::size_t k = 0; k < shape.size(); ++k) c.input_shape.push_back(read_count(shape[k], top.place("input_shape").at(k)));
  }
  c.dt = top.positive("dt", c.dt);
  if (top.has("seed")) c.seed = read_count(j["seed"], top.place("seed"), 0, ~std::uint64_t(0));
  c.epochs = top.count("epochs", c.epochs, 0);
  c.batch_size = top.count("batch_size", c.batch_size);
  c.shuffle = top.boolean("shuffle", c.shuffle);
  c.checkpoint_every = top.count("checkpoint_every", c.checkpoint_every);
  if (const auto precision = top.text("precision", "float32"); precision == "float64") c.double_precision = true;
  else if (precision != "float32") top.place("precision").error("expected \"float32\" or \"float64\", got \"{}\"", precision);
  if (!top.has("layers") || !j["layers"].is_array() || j["layers"].empty())
    top.place("layers").error("expected a non-empty list of layers");
  layer_context context{models, c.dt, c.input_shape};
  for (std::size_t k = 0; k < j["layers"].size(); ++k) {
    c.layers.push_back(parse_layer(j["layers"][k], top.place("layers").at(k), context));
    context.in_shape = c.layers.back().out_shape;
  }
  c.loss_function = parse_loss(top.has("loss") ? &j["loss"] : nullptr, top.place("loss"));
  if (top.has("optimizer")) c.optimizer = parse_optimizer(j["optimizer"], top.place("optimizer"));
  if (top.has("schedule")) c.schedule = parse_schedule(j["schedule"], top.place("schedule"), c.optimizer.lr);
  c.input_encoder = parse_encoder(top.has("encoder") ? &j["encoder"] : nullptr, top.place("encoder"));
  return c;
}

train_config load_config(const std::filesystem::path& file, std::span<const model_entry> models,
                         const std::function<void(nlohmann::json&)>& amend) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec))
    fail("norn: {} is not a regular file (a configuration is a JSON file)", file.string());
  std::ifstream in(file);
  if (!in) fail("norn: cannot open {}: no such file or not readable", file.string());
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {  // parse errors, and numbers beyond double range (1e999)
    fail("norn: {} is not valid JSON: {}", file.string(), e.what());
  }
  if (amend) amend(j);
  auto c = parse_config(j, file.filename().string(), models);
  const auto base = file.parent_path();
  for (auto* path : {&c.data, &c.targets, &c.test_data, &c.test_targets})
    if (*path && (*path)->is_relative()) *path = base / **path;
  return c;
}

double network_bytes(const train_config& c, std::size_t steps, bool training) {
  double parameters = 0, features = double(c.layers.front().in_features());
  for (const auto& l : c.layers) parameters += l.parameters, features += double(l.out_features());
  const double rows = double(steps) * double(c.batch_size);
  const double bytes = c.double_precision ? 8.0 : 4.0;
  return bytes * (parameters * (training ? 4 : 1) + rows * features * (training ? 6 : 2));
}

template <class Real>
basic_network<Real> build_network(const train_config& c) {
  basic_network<Real> net;
  for (std::size_t k = 0; k < c.layers.size(); ++k) net.add(c.layers[k].build<Real>(c.seed * 1000003ull + k));
  return net;
}
template basic_network<float> build_network(const train_config&);
template basic_network<double> build_network(const train_config&);

}  // namespace norn
