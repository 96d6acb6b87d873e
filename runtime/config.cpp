#include <runtime/config.hpp>

#include <runtime/errors.hpp>
#include <runtime/layers/linear.hpp>

#include <fstream>
#include <set>

namespace norn {

namespace {

using json = nlohmann::json;

/// A place in the configuration, for messages: "net.json: layers[1].params".
struct where {
  const std::string& source;
  std::string path;
  where at(const std::string& key) const { return {source, path.empty() ? key : path + "." + key}; }
  where at(std::size_t k) const { return {source, path + "[" + std::to_string(k) + "]"}; }
  template <class... Args>
  [[noreturn]] void error(fmt::format_string<Args...> f, Args&&... args) const {
    fail("norn: {}: {}: {}", source, path.empty() ? "top level" : path, fmt::format(f, std::forward<Args>(args)...));
  }
};

void only_keys(const json& j, const where& w, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) w.error("expected an object");
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      w.error("unknown key '{}' (allowed: {})", key, list);
    }
  }
}

double number(const json& j, const where& w) {
  if (!j.is_number()) w.error("expected a number, got {}", j.dump());
  const double v = j.get<double>();
  if (!std::isfinite(v)) w.error("expected a finite number");
  return v;
}
double positive(const json& j, const where& w) {
  const double v = number(j, w);
  if (!(v > 0)) w.error("expected a positive number, got {}", v);
  return v;
}
std::size_t count(const json& j, const where& w, std::size_t minimum = 1) {
  if (!j.is_number_integer() && !j.is_number_unsigned()) w.error("expected a whole number, got {}", j.dump());
  const auto v = j.get<long long>();
  if (v < (long long)minimum) w.error("expected at least {}, got {}", minimum, v);
  return std::size_t(v);
}
bool boolean(const json& j, const where& w) {
  if (!j.is_boolean()) w.error("expected true or false, got {}", j.dump());
  return j.get<bool>();
}
std::string text(const json& j, const where& w) {
  if (!j.is_string()) w.error("expected a string, got {}", j.dump());
  return j.get<std::string>();
}

layer_spec parse_population(const json& j, const where& w, const model_entry& model, std::size_t previous_out) {
  only_keys(j, w, {"type", "neurons", "params", "train", "initial", "surrogate", "alpha", "detach_reset", "recurrent",
                   "autapses", "recurrent_std", "checkpoint_every"});
  const auto& info = model.info;
  layer_spec s;
  s.type = info.name;
  auto& o = s.population;
  if (j.contains("neurons")) o.neurons = count(j["neurons"], w.at("neurons"));
  else if (previous_out) o.neurons = previous_out;
  else w.error("the first layer needs \"neurons\"");
  if (previous_out && o.neurons != previous_out)
    w.error("{} neurons, but the previous layer has {} outputs", o.neurons, previous_out);
  if (j.contains("params")) {
    const auto& p = j["params"];
    if (!p.is_object()) w.at("params").error("expected an object of parameter values");
    for (const auto& [name, value] : p.items()) {
      if (!info.parameter_index(name))
        w.at("params").error("model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
      o.set.emplace_back(name, number(value, w.at("params").at(name)));
    }
  }
  if (j.contains("train")) {
    const auto& t = j["train"];
    auto add = [&](const std::string& name, bool shared, const where& at) {
      if (!info.parameter_index(name))
        at.error("model '{}' has no parameter '{}' (parameters: {})", info.name, name, info.parameter_names());
      o.train.emplace_back(name, shared);
    };
    if (t.is_array()) {
      for (std::size_t k = 0; k < t.size(); ++k) add(text(t[k], w.at("train").at(k)), false, w.at("train").at(k));
    } else if (t.is_object()) {
      for (const auto& [name, mode] : t.items()) {
        const auto m = text(mode, w.at("train").at(name));
        if (m != "neuron" && m != "shared") w.at("train").at(name).error("expected \"neuron\" or \"shared\", got \"{}\"", m);
        add(name, m == "shared", w.at("train").at(name));
      }
    } else {
      w.at("train").error("expected a list of parameter names or an object name → \"neuron\"/\"shared\"");
    }
  }
  if (j.contains("initial")) {
    const auto& p = j["initial"];
    if (!p.is_object()) w.at("initial").error("expected an object of initial state values");
    for (const auto& [name, value] : p.items()) {
      if (!info.state_index(name))
        w.at("initial").error("model '{}' has no state '{}' (states: {})", info.name, name, info.state_names());
      o.initial.emplace_back(name, number(value, w.at("initial").at(name)));
    }
  }
  if (j.contains("surrogate")) {
    try {
      o.gradient.surrogate = parse_surrogate(text(j["surrogate"], w.at("surrogate")));
    } catch (const bad_input& e) {
      w.at("surrogate").error("{}", std::string(e.what()).substr(6));
    }
  }
  if (j.contains("alpha")) o.gradient.alpha = positive(j["alpha"], w.at("alpha"));
  if (j.contains("recurrent")) o.recurrent = boolean(j["recurrent"], w.at("recurrent"));
  // Norse's recurrent cells detach the reset; its feed-forward steps do not
  o.gradient.detach_reset = j.contains("detach_reset") ? boolean(j["detach_reset"], w.at("detach_reset")) : o.recurrent;
  if (j.contains("autapses")) o.autapses = boolean(j["autapses"], w.at("autapses"));
  if (j.contains("recurrent_std")) o.recurrent_std = positive(j["recurrent_std"], w.at("recurrent_std"));
  if (j.contains("checkpoint_every")) o.checkpoint_every = count(j["checkpoint_every"], w.at("checkpoint_every"));
  if (!o.recurrent && (j.contains("autapses") || j.contains("recurrent_std")))
    w.error("\"autapses\" and \"recurrent_std\" need \"recurrent\": true");
  s.in = s.out = o.neurons;
  return s;
}

layer_spec parse_linear(const json& j, const where& w, std::size_t previous_out) {
  only_keys(j, w, {"type", "in", "out", "bias", "init_std"});
  layer_spec s;
  s.type = "linear";
  if (j.contains("in")) s.in = count(j["in"], w.at("in"));
  else if (previous_out) s.in = previous_out;
  else w.error("the first layer needs \"in\"");
  if (previous_out && s.in != previous_out) w.error("\"in\" is {}, but the previous layer has {} outputs", s.in, previous_out);
  if (!j.contains("out")) w.error("a linear layer needs \"out\"");
  s.out = count(j["out"], w.at("out"));
  if (j.contains("bias")) s.bias = boolean(j["bias"], w.at("bias"));
  if (j.contains("init_std")) s.init_std = positive(j["init_std"], w.at("init_std"));
  return s;
}

optimizer_options parse_optimizer(const json& j, const where& w) {
  only_keys(j, w, {"type", "lr", "neuron_lr", "momentum", "dampening", "nesterov", "betas", "eps", "weight_decay",
                   "clip_norm", "clip_value"});
  optimizer_options o;
  if (j.contains("type")) o.type = text(j["type"], w.at("type"));
  if (o.type != "adam" && o.type != "sgd") w.at("type").error("unknown optimizer '{}' (optimizers: adam, sgd)", o.type);
  if (o.type == "sgd") o.lr = 0.01;  // neither PyTorch default matters much; say it in configs
  if (j.contains("lr")) o.lr = positive(j["lr"], w.at("lr"));
  if (j.contains("neuron_lr")) o.neuron_lr = positive(j["neuron_lr"], w.at("neuron_lr"));
  if (j.contains("momentum")) o.momentum = number(j["momentum"], w.at("momentum"));
  if (j.contains("dampening")) o.dampening = number(j["dampening"], w.at("dampening"));
  if (j.contains("nesterov")) o.nesterov = boolean(j["nesterov"], w.at("nesterov"));
  if (j.contains("betas")) {
    const auto& b = j["betas"];
    if (!b.is_array() || b.size() != 2) w.at("betas").error("expected [beta1, beta2]");
    o.beta1 = number(b[0], w.at("betas").at(0));
    o.beta2 = number(b[1], w.at("betas").at(1));
  }
  if (j.contains("eps")) o.eps = positive(j["eps"], w.at("eps"));
  if (j.contains("weight_decay")) o.weight_decay = number(j["weight_decay"], w.at("weight_decay"));
  if (j.contains("clip_norm")) o.clip_norm = positive(j["clip_norm"], w.at("clip_norm"));
  if (j.contains("clip_value")) o.clip_value = positive(j["clip_value"], w.at("clip_value"));
  if (o.type == "adam" && (j.contains("momentum") || j.contains("nesterov") || j.contains("dampening")))
    w.error("momentum, dampening and nesterov belong to sgd, not adam");
  return o;
}

}  // namespace

train_config parse_config(const json& j, const std::string& source, std::span<const model_entry> models) {
  const where top{source, ""};
  only_keys(j, top, {"dt", "seed", "epochs", "batch_size", "shuffle", "checkpoint_every", "layers", "loss", "optimizer",
                     "encoder", "data", "targets", "comment"});
  train_config c;
  c.source = source;
  if (j.contains("data")) c.data = text(j["data"], top.at("data"));
  if (j.contains("targets")) c.targets = text(j["targets"], top.at("targets"));
  if (j.contains("dt")) c.dt = positive(j["dt"], top.at("dt"));
  if (j.contains("seed")) c.seed = count(j["seed"], top.at("seed"), 0);
  if (j.contains("epochs")) c.epochs = count(j["epochs"], top.at("epochs"), 0);
  if (j.contains("batch_size")) c.batch_size = count(j["batch_size"], top.at("batch_size"));
  if (j.contains("shuffle")) c.shuffle = boolean(j["shuffle"], top.at("shuffle"));
  if (j.contains("checkpoint_every")) c.checkpoint_every = count(j["checkpoint_every"], top.at("checkpoint_every"));
  if (!j.contains("layers") || !j["layers"].is_array() || j["layers"].empty())
    top.at("layers").error("expected a non-empty list of layers");
  std::size_t previous_out = 0;
  for (std::size_t k = 0; k < j["layers"].size(); ++k) {
    const auto w = top.at("layers").at(k);
    const auto& l = j["layers"][k];
    if (!l.is_object() || !l.contains("type")) w.error("a layer is an object with a \"type\"");
    const auto type = text(l["type"], w.at("type"));
    layer_spec s;
    if (type == "linear") {
      s = parse_linear(l, w, previous_out);
    } else {
      const model_entry* m = nullptr;
      for (const auto& e : models)
        if (e.info.name == type) m = &e;
      if (!m) {
        std::string known = "linear";
        for (const auto& e : models) known += ", " + e.info.name;
        w.at("type").error("unknown layer type '{}' (types: {})", type, known);
      }
      s = parse_population(l, w, *m, previous_out);
      s.population.dt = c.dt;
    }
    previous_out = s.out;
    c.layers.push_back(std::move(s));
  }
  if (j.contains("loss")) {
    const auto w = top.at("loss");
    const auto& l = j["loss"];
    only_keys(l, w, {"type", "reduction", "target"});
    if (l.contains("type")) c.loss = text(l["type"], w.at("type"));
    if (c.loss != "mse" && c.loss != "cross_entropy" && c.loss != "spike_count")
      w.at("type").error("unknown loss '{}' (losses: mse, cross_entropy, spike_count)", c.loss);
    if (l.contains("reduction")) {
      if (c.loss != "cross_entropy") w.at("reduction").error("only cross_entropy takes a reduction");
      const auto r = text(l["reduction"], w.at("reduction"));
      if (r == "max") c.reduction = time_reduction::max;
      else if (r == "mean") c.reduction = time_reduction::mean;
      else if (r == "last") c.reduction = time_reduction::last;
      else w.at("reduction").error("expected \"max\", \"mean\" or \"last\", got \"{}\"", r);
    }
    if (l.contains("target")) {
      if (c.loss != "spike_count") w.at("target").error("only spike_count takes a target");
      c.spike_target = number(l["target"], w.at("target"));
    }
  }
  if (j.contains("optimizer")) c.optimizer = parse_optimizer(j["optimizer"], top.at("optimizer"));
  if (j.contains("encoder")) {
    const auto w = top.at("encoder");
    const auto& e = j["encoder"];
    only_keys(e, w, {"type", "f_max"});
    const auto type = e.contains("type") ? text(e["type"], w.at("type")) : "none";
    if (type == "poisson") c.encoder.type = encoder_spec::poisson;
    else if (type != "none") w.at("type").error("unknown encoder '{}' (encoders: none, poisson)", type);
    if (e.contains("f_max")) c.encoder.f_max = positive(e["f_max"], w.at("f_max"));
  }
  return c;
}

train_config load_config(const std::filesystem::path& file, std::span<const model_entry> models) {
  std::ifstream in(file);
  if (!in) fail("norn: cannot open {}: no such file or not readable", file.string());
  json j;
  try {
    in >> j;
  } catch (const json::parse_error& e) {
    fail("norn: {} is not valid JSON: {}", file.string(), e.what());
  }
  auto c = parse_config(j, file.filename().string(), models);
  const auto base = file.parent_path();
  if (c.data && c.data->is_relative()) c.data = base / *c.data;
  if (c.targets && c.targets->is_relative()) c.targets = base / *c.targets;
  return c;
}

network build_network(const train_config& c, std::span<const model_entry> models) {
  network net;
  for (std::size_t k = 0; k < c.layers.size(); ++k) {
    const auto& s = c.layers[k];
    const std::uint64_t seed = c.seed * 1000003ull + k;
    if (s.type == "linear") {
      net.add(std::make_unique<linear_layer>(s.in, s.out, s.bias, seed, s.init_std));
    } else {
      auto o = s.population;
      o.seed = seed;
      net.add(find_model(models, s.type).make_layer(o));
    }
  }
  return net;
}

std::unique_ptr<loss_function> make_loss(const train_config& c) {
  if (c.loss == "cross_entropy") return std::make_unique<cross_entropy_loss>(c.reduction);
  if (c.loss == "spike_count") return std::make_unique<spike_count_loss>();
  return std::make_unique<mse_loss>();
}

}  // namespace norn
