// Every encoder kind, in the order messages and help list them. A new kind is a file of its
// own in this directory defining `extern const encoder_kind <name>_encoder_kind`, declared and
// placed in the order here.
#include <runtime/train/encoder.hpp>

namespace norn {

extern const encoder_kind poisson_encoder_kind, delta_encoder_kind;

std::span<const encoder_kind* const> encoder_kinds() {
  static const encoder_kind* const kinds[] = {
      &poisson_encoder_kind,
      &delta_encoder_kind,
  };
  return kinds;
}

}  // namespace norn
