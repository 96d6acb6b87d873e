#pragma once
/// Input encoders: what turns a batch of data into the network's input sequence, applied
/// to every batch (with a seed that is a function of seed, epoch and batch). A kind of
/// encoder lives in a file of its own under runtime/train/encoders/ and is listed once in
/// encoders/list.cpp.

#include <runtime/core/tensor.hpp>
#include <runtime/train/config_reader.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace norn {

/// An encoder as a configuration sets it up.
class encoder {
 public:
  virtual ~encoder() = default;
  virtual std::string_view name() const = 0;
  /// Encodes a batch in place: x is [T·B, F]; `dt` is the run's time step.
  virtual void encode(sequence& x, double dt, std::uint64_t seed) const = 0;
};

/// A kind of encoder.
struct encoder_kind {
  std::string_view name;     ///< what a configuration's "type" calls it
  std::string_view summary;  ///< one line, for help
  /// Reads and checks the encoder's configuration `j` at `where`.
  std::unique_ptr<encoder> (*parse)(const nlohmann::json& j, const config_place& where);
  std::string_view example = {};  ///< a configuration, for help and the tests of every kind
};

/// Every encoder kind, in the order messages and help list them (encoders/list.cpp).
std::span<const encoder_kind* const> encoder_kinds();

/// The encoder a configuration's "encoder" object describes; null for none (absent, or
/// "type": "none").
std::unique_ptr<encoder> parse_encoder(const nlohmann::json* j, const config_place& where);

}  // namespace norn
