#include <runtime/train/layer_kind.hpp>

namespace norn {

std::vector<std::string> types_of(const layer_kind& kind, const layer_context& context) {
  if (kind.types) return kind.types(context);
  return {std::string(kind.name)};
}

std::size_t layer_plan::in_features() const {
  std::size_t n = 1;
  for (auto d : in_shape) n *= d;
  return n;
}
std::size_t layer_plan::out_features() const {
  std::size_t n = 1;
  for (auto d : out_shape) n *= d;
  return n;
}

std::size_t input_features(const config_object& c, const layer_context& context, std::string_view key) {
  std::size_t previous = 1;
  for (auto d : context.in_shape) previous *= d;
  if (context.in_shape.empty()) {
    if (!c.has(key)) c.error("the first layer needs \"{}\"", key);
    return *c.count(key);
  }
  if (c.has(key) && *c.count(key) != previous) {
    if (key == "in") c.error("\"in\" is {}, but the previous layer has {} outputs", *c.count(key), previous);
    c.error("{} {}, but the previous layer has {} outputs", *c.count(key), key, previous);
  }
  return previous;
}

}  // namespace norn
