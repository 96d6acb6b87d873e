#include <runtime/train/encoder.hpp>

#include <string>
#include <vector>

namespace norn {

std::unique_ptr<encoder> parse_encoder(const nlohmann::json* j, const config_place& where) {
  if (!j) return nullptr;
  if (!j->is_object()) where.error("expected an object with a \"type\"");
  const std::string type = j->contains("type") ? read_text(j->at("type"), where.at("type")) : "none";
  if (type == "none") {
    config_object(*j, where, {"type"});
    return nullptr;
  }
  std::vector<std::string_view> names{"none"};
  for (const auto* k : encoder_kinds()) {
    if (k->name == type) return k->parse(*j, where);
    names.push_back(k->name);
  }
  where.at("type").error("unknown encoder '{}' (encoders: {})", type, join_names(names));
}

}  // namespace norn
