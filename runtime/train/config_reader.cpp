#include <runtime/train/config_reader.hpp>

#include <algorithm>
#include <cmath>

namespace norn {

config_place config_place::at(std::string_view key) const {
  return {source, path.empty() ? std::string(key) : path + "." + std::string(key)};
}
config_place config_place::at(std::size_t index) const { return {source, path + "[" + std::to_string(index) + "]"}; }

double read_number(const nlohmann::json& j, const config_place& where) {
  if (!j.is_number()) where.error("expected a number, got {}", j.dump());
  const double v = j.get<double>();
  // networks compute in float: a value that is infinite there is refused here
  if (!std::isfinite(v) || !std::isfinite(float(v))) where.error("expected a number within float range (|x| ≤ 3.4e38), got {}", j.dump());
  return v;
}
double read_positive(const nlohmann::json& j, const config_place& where) {
  const double v = read_number(j, where);
  if (!(v > 0)) where.error("expected a positive number, got {}", v);
  return v;
}
std::size_t read_count(const nlohmann::json& j, const config_place& where, std::size_t minimum, std::uint64_t maximum) {
  if (!j.is_number_integer() && !j.is_number_unsigned()) where.error("expected a whole number, got {}", j.dump());
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v < minimum || v > maximum) where.error("expected a whole number in [{}, {}], got {}", minimum, maximum, v);
    return std::size_t(v);
  }
  const auto v = j.get<long long>();
  if (v < 0 || std::size_t(v) < minimum) where.error("expected a whole number in [{}, {}], got {}", minimum, maximum, v);
  return std::size_t(v);
}
bool read_boolean(const nlohmann::json& j, const config_place& where) {
  if (!j.is_boolean()) where.error("expected true or false, got {}", j.dump());
  return j.get<bool>();
}
std::string read_text(const nlohmann::json& j, const config_place& where) {
  if (!j.is_string()) where.error("expected a string, got {}", j.dump());
  return j.get<std::string>();
}

std::string join_names(const std::vector<std::string_view>& names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

config_object::config_object(const nlohmann::json& j, config_place where, std::vector<std::string_view> keys)
    : j_(j), where_(std::move(where)) {
  if (!j.is_object()) where_.error("expected an object, got {}", j.dump());
  for (const auto& [key, value] : j.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      where_.error("unknown key '{}' (allowed: {})", key, join_names(keys));
}

const nlohmann::json& config_object::json(std::string_view key) const { return j_.at(std::string(key)); }

double config_object::number(std::string_view key, double fallback) const {
  return has(key) ? read_number(json(key), place(key)) : fallback;
}
double config_object::positive(std::string_view key, double fallback) const {
  return has(key) ? read_positive(json(key), place(key)) : fallback;
}
std::optional<double> config_object::positive(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return read_positive(json(key), place(key));
}
std::size_t config_object::count(std::string_view key, std::size_t fallback, std::size_t minimum) const {
  return has(key) ? read_count(json(key), place(key), minimum) : fallback;
}
std::optional<std::size_t> config_object::count(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return read_count(json(key), place(key));
}
bool config_object::boolean(std::string_view key, bool fallback) const {
  return has(key) ? read_boolean(json(key), place(key)) : fallback;
}
std::string config_object::text(std::string_view key, std::string fallback) const {
  return has(key) ? read_text(json(key), place(key)) : fallback;
}

}  // namespace norn
