#include <runtime/model_info.hpp>

namespace norn {

namespace {
std::optional<std::size_t> find(const std::vector<variable_info>& vars, std::string_view name) {
  for (std::size_t k = 0; k < vars.size(); ++k)
    if (vars[k].name == name) return k;
  return std::nullopt;
}
std::string join(const std::vector<variable_info>& vars) {
  std::string s;
  for (const auto& v : vars) s += (s.empty() ? "" : ", ") + v.name;
  return s;
}
}  // namespace

std::optional<std::size_t> model_info::parameter_index(std::string_view name) const {
  return find(parameters, name);
}
std::optional<std::size_t> model_info::state_index(std::string_view name) const { return find(states, name); }
std::string model_info::parameter_names() const { return join(parameters); }
std::string model_info::state_names() const { return join(states); }

}  // namespace norn
