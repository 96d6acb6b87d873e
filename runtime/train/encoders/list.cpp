// Every encoder kind, in the order messages and help list them. A new kind is a file of its
// own in this directory defining `extern const encoder_kind <name>_encoder_kind`, and its two
// lines here: the declaration and its place in the list.
#include <runtime/train/encoder.hpp>

namespace norn {

extern const encoder_kind direct_encoder_kind;
extern const encoder_kind poisson_encoder_kind;
extern const encoder_kind latency_encoder_kind;
extern const encoder_kind delta_encoder_kind;

std::span<const encoder_kind* const> encoder_kinds() {
  static const encoder_kind* const kinds[] = {
      &direct_encoder_kind,
      &poisson_encoder_kind,
      &latency_encoder_kind,
      &delta_encoder_kind,
  };
  return kinds;
}

}  // namespace norn
