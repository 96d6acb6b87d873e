#include <runtime/core/registry.hpp>

#include <runtime/core/errors.hpp>

namespace norn {

const model_entry& find_model(std::span<const model_entry> models, std::string_view name) {
  for (const auto& m : models)
    if (m.info.name == name) return m;
  std::string known;
  for (const auto& m : models) known += (known.empty() ? "" : ", ") + m.info.name;
  fail("norn: unknown model '{}' (known models: {})", name, known);
}

}  // namespace norn
