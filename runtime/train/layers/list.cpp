// Every layer kind, in the order messages and help list them. A new kind is a file of its
// own in this directory defining `extern const layer_kind <name>_layer_kind`, and its two
// lines here: the declaration and its place in the list.
#include <runtime/train/layer_kind.hpp>

namespace norn {

extern const layer_kind linear_layer_kind;
extern const layer_kind scale_layer_kind;
extern const layer_kind population_layer_kind;
extern const layer_kind conv2d_layer_kind;
extern const layer_kind maxpool2d_layer_kind;
extern const layer_kind avgpool2d_layer_kind;
extern const layer_kind sumpool2d_layer_kind;
extern const layer_kind flatten_layer_kind;
extern const layer_kind dropout_layer_kind;

std::span<const layer_kind* const> layer_kinds() {
  static const layer_kind* const kinds[] = {
      &linear_layer_kind,
      &scale_layer_kind,
      &population_layer_kind,
      &conv2d_layer_kind,
      &maxpool2d_layer_kind,
      &avgpool2d_layer_kind,
      &sumpool2d_layer_kind,
      &flatten_layer_kind,
      &dropout_layer_kind,
  };
  return kinds;
}

}  // namespace norn
