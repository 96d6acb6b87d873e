#include <runtime/train/optimizers.hpp>

#include <runtime/io/atomic_file.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace norn {

template <class Real>
void basic_optimizer<Real>::step(std::vector<parameter_ref>& all) {
  using T = Real;
  const auto& o = options_;
  std::vector<parameter_ref> params;  // the trained ones: the others keep their values
  for (auto& p : all)
    if (p.trained) params.push_back(p);
  if (o.clip_value)
    for (auto& p : params)
      for (T& g : p.grad) g = std::clamp(g, T(-*o.clip_value), T(*o.clip_value));
  if (o.clip_norm) {
    double total = 0;
    for (auto& p : params)
      for (T g : p.grad) total += double(g) * g;
    const double coef = *o.clip_norm / (std::sqrt(total) + 1e-6);
    if (coef < 1)
      for (auto& p : params)
        for (T& g : p.grad) g = T(g * coef);
  }
  ++steps_;
  for (auto& p : params) {
    const T lr = T(scale_ * (p.group == parameter_group::neuron ? o.neuron_lr.value_or(o.lr) : o.lr));
    auto& m = first_[p.name];
    const bool fresh = m.empty();
    if (fresh) m.assign(p.value.size(), T(0));
    if (o.type == "sgd") {
      for (std::size_t k = 0; k < p.value.size(); ++k) {
        T g = p.grad[k] + T(o.weight_decay) * p.value[k];
        if (o.momentum != 0) {
          m[k] = fresh ? g : T(o.momentum) * m[k] + T(1 - o.dampening) * g;
          g = o.nesterov ? g + T(o.momentum) * m[k] : m[k];
        }
        p.value[k] -= lr * g;
      }
    } else {
      auto& v = second_[p.name];
      if (v.empty()) v.assign(p.value.size(), T(0));
      const double bc1 = 1 - std::pow(o.beta1, double(steps_)), bc2 = 1 - std::pow(o.beta2, double(steps_));
      const T step_size = T(double(lr) / bc1);
      const T bc2_sqrt = T(std::sqrt(bc2));
      for (std::size_t k = 0; k < p.value.size(); ++k) {
        const T g = p.grad[k] + T(o.weight_decay) * p.value[k];
        m[k] = T(o.beta1) * m[k] + T(1 - o.beta1) * g;
        v[k] = T(o.beta2) * v[k] + T(1 - o.beta2) * g * g;
        const T denom = std::sqrt(v[k]) / bc2_sqrt + T(o.eps);
        p.value[k] -= step_size * m[k] / denom;
      }
    }
  }
}

template <class Real>
void basic_optimizer<Real>::save(const std::filesystem::path& dir) const {
  std::filesystem::create_directories(dir);
  nlohmann::json state{{"type", options_.type}, {"steps", steps_}, {"parameters", nlohmann::json::array()}};
  std::size_t k = 0;
  for (const auto& [name, m] : first_) {
    const std::size_t shape[1] = {m.size()};
    npy::write(dir / fmt::format("{}.first.npy", k), std::span<const Real>(m), shape);
    if (auto it = second_.find(name); it != second_.end())
      npy::write(dir / fmt::format("{}.second.npy", k), std::span<const Real>(it->second), shape);
    state["parameters"].push_back({{"name", name}, {"file", k}, {"second", second_.count(name) > 0}});
    ++k;
  }
  write_file_atomically(dir / "optimizer.json", state.dump(2));
}

template <class Real>
void basic_optimizer<Real>::load(const std::filesystem::path& dir, const std::vector<parameter_ref>& params) {
  std::ifstream in(dir / "optimizer.json");
  if (!in) fail("norn: {} has no optimizer.json", dir.string());
  nlohmann::json state;
  try {
    in >> state;
    if (state.at("type").get<std::string>() != options_.type)
      fail("norn: the checkpoint's optimizer is '{}', the configuration's '{}'", state.at("type").get<std::string>(), options_.type);
    if (!state.at("steps").is_number_unsigned())
      fail("norn: {}/optimizer.json: \"steps\" must be a whole number ≥ 0, got {}", dir.string(), state.at("steps").dump());
    steps_ = state.at("steps").get<std::size_t>();
    first_.clear();
    second_.clear();
    // every state array belongs to a parameter of this network, has its size, and holds
    // finite values (second moments ≥ 0): a state that does not fit is refused, not indexed
    auto read = [&](const std::string& file, const parameter_ref& p, bool second) {
      const npy::mapped a(dir / file);
      if (a.size() != p.value.size())
        fail("norn: {}/{} holds {} values; parameter {} has {}", dir.string(), file, a.size(), p.name, p.value.size());
      std::vector<Real> v(a.size());
      a.read(0, v);
      for (std::size_t k = 0; k < v.size(); ++k)
        if (!std::isfinite(v[k]) || (second && v[k] < 0))
          fail("norn: {}/{} holds {} at index {}; {} must be finite{}", dir.string(), file, v[k], k,
               second ? "second moments" : "optimizer state", second ? " and ≥ 0" : "");
      return v;
    };
    for (const auto& p : state.at("parameters")) {
      const auto name = p.at("name").get<std::string>();
      const auto it = std::find_if(params.begin(), params.end(), [&](const parameter_ref& q) { return q.name == name; });
      if (it == params.end()) fail("norn: {}/optimizer.json has state for '{}', which this network does not have", dir.string(), name);
      if (!p.at("file").is_number_unsigned()) fail("norn: {}/optimizer.json: a \"file\" is not a whole number", dir.string());
      const auto k = p.at("file").get<std::size_t>();
      first_[name] = read(fmt::format("{}.first.npy", k), *it, false);
      if (p.at("second").get<bool>()) second_[name] = read(fmt::format("{}.second.npy", k), *it, true);
    }
  } catch (const nlohmann::json::exception& e) {
    fail("norn: {}/optimizer.json is malformed: {}", dir.string(), e.what());
  }
}

template class basic_optimizer<float>;
template class basic_optimizer<double>;

double schedule::factor(std::size_t epoch, std::size_t epochs, double lr) const {
  if (type == "step") return std::pow(gamma, double(epoch / step_size));
  if (type == "cosine") {
    const double period = double(t_max ? t_max : epochs);
    return (eta_min + (lr - eta_min) * (1 + std::cos(M_PI * double(epoch) / period)) / 2) / lr;
  }
  return 1;
}

}  // namespace norn
