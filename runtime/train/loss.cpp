#include <runtime/train/loss.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/number_text.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

std::size_t targets::per_sample() const {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

targets targets::select(std::span<const std::size_t> samples) const {
  targets out{shape, {}};
  const std::size_t n = per_sample();
  out.values.resize(samples.size() * n);
  for (std::size_t j = 0; j < samples.size(); ++j)
    std::copy_n(values.begin() + std::ptrdiff_t(samples[j] * n), n, out.values.begin() + std::ptrdiff_t(j * n));
  return out;
}

std::string target_layout::describe(std::size_t samples) const {
  std::string names = "samples", values = std::to_string(samples);
  for (std::size_t k = 0; k < shape.size(); ++k) {
    names += ", " + std::string(axes[k]);
    values += ", " + std::to_string(shape[k]);
  }
  return "[" + names + "] = [" + values + "]" + (labels ? " integer labels" : "");
}

void loss::check_targets(const targets& t, std::size_t, const std::string& file) const {
  for (std::size_t k = 0; k < t.values.size(); ++k)
    if (!std::isfinite(t.values[k])) fail("norn: {} holds a non-finite value at flat index {}", file, k);
}

void label_loss::check_targets(const targets& t, std::size_t outputs, const std::string& file) const {
  for (std::size_t k = 0; k < t.values.size(); ++k) {
    const double v = t.values[k];
    if (v != std::floor(v) || v < 0 || v >= double(outputs))
      fail("norn: {}: label {} at index {} is not a class in [0, {})", file, v, k, outputs);
  }
}

double softmax_cross_entropy(std::span<const double> logits, std::size_t label, std::vector<double>& grad) {
  const double top = *std::max_element(logits.begin(), logits.end());
  double z = 0;
  for (double l : logits) z += std::exp(l - top);
  const double log_z = top + std::log(z);
  grad.resize(logits.size());
  for (std::size_t o = 0; o < logits.size(); ++o) grad[o] = std::exp(logits[o] - log_z) - (o == label ? 1.0 : 0.0);
  return log_z - logits[label];
}

namespace {

std::vector<std::string_view> kind_names() {
  std::vector<std::string_view> names;
  for (const auto* k : loss_kinds()) names.push_back(k->name);
  return names;
}

}  // namespace

std::unique_ptr<loss> parse_loss(const nlohmann::json* j, const config_place& where) {
  const nlohmann::json none = nlohmann::json::object();
  if (!j) j = &none;
  if (!j->is_object()) where.error("expected an object with a \"type\"");
  const std::string type =
      j->contains("type") ? read_text(j->at("type"), where.at("type")) : std::string(loss_kinds().front()->name);
  for (const auto* k : loss_kinds())
    if (k->name == type) return k->parse(*j, where);
  where.at("type").error("unknown loss '{}' (losses: {})", type, join_names(kind_names()));
}

std::string loss_shorthands() {
  std::string s;
  for (const auto* k : loss_kinds())
    if (k->shorthand) s += (s.empty() ? "" : ", ") + std::string(k->shorthand_help);
  return s;
}

std::unique_ptr<loss> parse_loss_shorthand(std::string_view text) {
  const auto eq = text.find('=');
  std::string name(text.substr(0, eq));
  std::replace(name.begin(), name.end(), '-', '_');  // spike-count is spike_count
  const std::string_view value = eq == std::string_view::npos ? std::string_view() : text.substr(eq + 1);
  for (const auto* k : loss_kinds()) {
    if (k->name != name) continue;
    if (!k->shorthand)
      fail("norn: --loss {}: this loss compares with targets from a file; simulate takes {}", name, loss_shorthands());
    auto j = k->shorthand(value);
    j["type"] = name;
    return k->parse(j, {"--loss", std::string(text)});
  }
  fail("norn: unknown --loss '{}' (losses: {})", text, loss_shorthands());
}

template <class T>
matrix_of<T> sequence_rows(const targets& t, std::size_t steps, std::size_t batch, std::size_t outputs) {
  if (t.values.size() != steps * batch * outputs)
    fail("norn: {} targets for a batch of {} × {} steps × {} outputs", t.values.size(), batch, steps, outputs);
  matrix_of<T> rows(Eigen::Index(steps * batch), Eigen::Index(outputs));
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t s = 0; s < steps; ++s)
      std::copy_n(t.values.data() + (b * steps + s) * outputs, outputs, rows.data() + (s * batch + b) * outputs);
  return rows;
}

template matrix_of<float> sequence_rows(const targets&, std::size_t, std::size_t, std::size_t);
template matrix_of<double> sequence_rows(const targets&, std::size_t, std::size_t, std::size_t);

template <class T>
double spike_count_error(const basic_sequence<T>& y, const std::function<double(std::size_t, std::size_t)>& target,
                         basic_sequence<T>& dy) {
  const std::size_t steps = y.steps, B = y.batch, O = y.features();
  double error = 0;
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t o = 0; o < O; ++o) {
      double count = 0;
      for (std::size_t t = 0; t < steps; ++t) count += y.row(t, b)(Eigen::Index(o));
      const double diff = count - target(b, o);
      error += std::abs(diff);
      const T sign = diff > 0 ? T(1) : diff < 0 ? T(-1) : T(0);
      for (std::size_t t = 0; t < steps; ++t) dy.row(t, b)(Eigen::Index(o)) = sign;
    }
  return error;
}

template double spike_count_error(const basic_sequence<float>&, const std::function<double(std::size_t, std::size_t)>&,
                                  basic_sequence<float>&);
template double spike_count_error(const basic_sequence<double>&, const std::function<double(std::size_t, std::size_t)>&,
                                  basic_sequence<double>&);

std::vector<double> parse_number_list(std::string_view text, std::string_view what) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    const auto v = number_in(item);
    if (!v || !std::isfinite(*v)) fail("norn: {} must be a number, got '{}'", what, item);
    out.push_back(*v);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace norn
