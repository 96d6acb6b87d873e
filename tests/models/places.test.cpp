// A model listed in models/all.hpp is in every place a built-in model must be. (Its
// registry entry, kernels and gradient-law test are generated from the list; what this
// checks is what a person must write.)
#include <catch2/catch.hpp>

#include <models/all.hpp>
#include <runtime/core/info_of.hpp>
#include <runtime/core/registry.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {
std::vector<std::string> listed_names() {
  std::vector<std::string> names;
  std::apply([&](auto... m) { (names.push_back(norn::info_of<decltype(m)>().name), ...); }, norn::models::all{});
  return names;
}
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("models: every listed model is in every place it must be") {
  const std::filesystem::path root = NORN_SOURCE_DIR;
  const auto names = listed_names();
  REQUIRE(names.size() >= 10);
  // the registry (generated from the list by CMake) holds the same models in the same order
  std::vector<std::string> registered;
  for (const auto& m : norn::builtin_models()) registered.push_back(m.info.name);
  CHECK(registered == names);
  const std::string readme = read(root / "README.md");
  for (const auto& name : names) {
    INFO("model " << name);
    CHECK(std::filesystem::exists(root / "models" / (name + ".hpp")));
    CHECK(std::filesystem::exists(root / "tests" / "models" / (name + ".test.cpp")));  // its reference traces
    CHECK(std::filesystem::exists(root / "examples" / "configs" / (name + ".json")));  // a network that trains it
    CHECK(readme.find("| `" + name + "` |") != std::string::npos);                     // the README's table
  }
  // a drive for the gradient laws is checked by the compiler: the generated tests of
  // tests/gradients instantiate gradient_setup<M> for every listed model
}
