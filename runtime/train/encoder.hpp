#pragma once
/// Input encoders: what turns a batch of data into the network's input sequence, applied
/// to every batch (with a seed that is a function of seed, epoch and batch). A kind of
/// encoder lives in a file of its own under runtime/train/encoders/ and is listed once in
/// encoders/list.cpp.

#include <runtime/core/tensor.hpp>
#include <runtime/train/config_reader.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace norn {

/// An encoder as a configuration sets it up, in float or double (a kind writes both through
/// encoder_of).
class encoder {
 public:
  virtual ~encoder() = default;
  virtual std::string_view name() const = 0;
  /// Encodes a batch of sequences in place: x is [T·B, F]; `dt` is the run's time step.
  virtual void encode(basic_sequence<float>& x, double dt, std::uint64_t seed) const = 0;
  virtual void encode(basic_sequence<double>& x, double dt, std::uint64_t seed) const = 0;
  /// Encodes static samples x [B, F] into `out`, a sequence of `steps` steps.
  virtual void encode_static(const matrix_of<float>& x, std::size_t steps, double dt, std::uint64_t seed,
                             basic_sequence<float>& out) const = 0;
  virtual void encode_static(const matrix_of<double>& x, std::size_t steps, double dt, std::uint64_t seed,
                             basic_sequence<double>& out) const = 0;
  /// Whether it encodes sequences [S, T, F] (else only static samples [S, F]).
  virtual bool takes_sequences() const { return true; }
  /// The values it encodes, when not every finite value: data outside is refused when read.
  struct value_range {
    double min, max;
  };
  virtual std::optional<value_range> accepts() const { return std::nullopt; }
};

/// out: x [B, F] as the value of each of `steps` steps, stored once (a repeated sequence).
template <class R>
void repeat_static(const matrix_of<R>& x, std::size_t steps, basic_sequence<R>& out) {
  out.reshape_repeated(steps, std::size_t(x.rows()), std::size_t(x.cols()));
  out.values = x;
}

/// An encoder kind's class, whose member templates serve as encode() and encode_static() in
/// both precisions: `encode_values<R>(basic_sequence<R>& x, dt, seed)`, and
/// `encode_samples<R>(x, steps, dt, seed, out)` when the kind does not take the default (the
/// sample is the value of every step, then encode_values() runs over that).
template <class Derived>
class encoder_of : public encoder {
 public:
  void encode(basic_sequence<float>& x, double dt, std::uint64_t seed) const final { self().encode_values(x, dt, seed); }
  void encode(basic_sequence<double>& x, double dt, std::uint64_t seed) const final { self().encode_values(x, dt, seed); }
  void encode_static(const matrix_of<float>& x, std::size_t steps, double dt, std::uint64_t seed,
                     basic_sequence<float>& out) const final {
    self().encode_samples(x, steps, dt, seed, out);
  }
  void encode_static(const matrix_of<double>& x, std::size_t steps, double dt, std::uint64_t seed,
                     basic_sequence<double>& out) const final {
    self().encode_samples(x, steps, dt, seed, out);
  }

  template <class R>
  void encode_samples(const matrix_of<R>& x, std::size_t steps, double dt, std::uint64_t seed, basic_sequence<R>& out) const {
    basic_sequence<R> once;
    repeat_static(x, steps, once);
    expand_steps(once, out);
    self().encode_values(out, dt, seed);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
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
