#include <runtime/core/model_info.hpp>

namespace norn {

namespace {
template <class V>
std::optional<std::size_t> find(const std::vector<V>& vars, std::string_view name) {
  for (std::size_t k = 0; k < vars.size(); ++k)
    if (vars[k].name == name) return k;
  return std::nullopt;
}
template <class V>
std::string join(const std::vector<V>& vars) {
  std::string s;
  for (const auto& v : vars) s += (s.empty() ? "" : ", ") + v.name;
  return s;
}
}  // namespace

std::optional<std::size_t> model_info::parameter_index(std::string_view name) const {
  return find(parameters, name);
}
std::optional<std::size_t> model_info::state_index(std::string_view name) const { return find(states, name); }
std::optional<std::size_t> model_info::surrogate_index(std::string_view name) const {
  if (name.empty()) return default_surrogate;
  return find(surrogates, name);
}
std::string model_info::parameter_names() const { return join(parameters); }
std::string model_info::state_names() const { return join(states); }
std::string model_info::surrogate_names() const { return join(surrogates); }

}  // namespace norn
