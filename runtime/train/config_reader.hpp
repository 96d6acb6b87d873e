#pragma once
/// Reading configurations (JSON) with messages that name the file and the place:
/// `norn: net.json: layers[1].params: model 'lif' has no parameter 'tau'`. Every kind of
/// layer, loss and encoder reads its own keys through a config_object.

#include <runtime/core/errors.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// A place in a configuration: the file and the path inside it ("layers[1].params").
struct config_place {
  std::string source;
  std::string path;

  config_place at(std::string_view key) const;
  config_place at(std::size_t index) const;
  /// Throws bad_input: "norn: <source>: <path>: <message>".
  template <class... Args>
  [[noreturn]] void error(fmt::format_string<Args...> f, Args&&... args) const {
    fail("norn: {}: {}: {}", source, path.empty() ? "top level" : path, fmt::format(f, std::forward<Args>(args)...));
  }
};

/// Values at a place, checked: each throws bad_input naming the place.
double read_number(const nlohmann::json& j, const config_place& where);   ///< finite
double read_positive(const nlohmann::json& j, const config_place& where);  ///< finite, > 0
/// A whole number in [minimum, maximum]; the default maximum, 2^31, is past any size a run
/// could hold and keeps products of sizes within 64 bits.
std::size_t read_count(const nlohmann::json& j, const config_place& where, std::size_t minimum = 1,
                       std::uint64_t maximum = std::uint64_t(1) << 31);
bool read_boolean(const nlohmann::json& j, const config_place& where);
std::string read_text(const nlohmann::json& j, const config_place& where);

/// A JSON object of a configuration, limited to the keys its reader knows.
class config_object {
 public:
  /// Checks that `j` is an object whose keys are all in `keys` (listed in the message otherwise).
  config_object(const nlohmann::json& j, config_place where, std::vector<std::string_view> keys);

  bool has(std::string_view key) const { return j_.contains(key); }
  const nlohmann::json& json(std::string_view key) const;
  const nlohmann::json& json() const { return j_; }
  const config_place& place() const { return where_; }
  config_place place(std::string_view key) const { return where_.at(key); }
  template <class... Args>
  [[noreturn]] void error(fmt::format_string<Args...> f, Args&&... args) const {
    where_.error(f, std::forward<Args>(args)...);
  }

  double number(std::string_view key, double fallback) const;
  double positive(std::string_view key, double fallback) const;
  std::optional<double> positive(std::string_view key) const;
  std::size_t count(std::string_view key, std::size_t fallback, std::size_t minimum = 1) const;
  std::optional<std::size_t> count(std::string_view key) const;
  bool boolean(std::string_view key, bool fallback) const;
  std::string text(std::string_view key, std::string fallback) const;

 private:
  const nlohmann::json& j_;
  config_place where_;
};

/// "a, b, c"
std::string join_names(const std::vector<std::string_view>& names);

}  // namespace norn
