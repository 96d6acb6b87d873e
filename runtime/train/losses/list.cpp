// Every loss kind, in the order messages and help list them; the first is the loss of a
// configuration that names none. A new kind is a file of its own in this directory defining
// `extern const loss_kind <name>_loss_kind`, and its two lines here: the declaration and its
// place in the list.
#include <runtime/train/loss.hpp>

namespace norn {

extern const loss_kind mse_loss_kind;
extern const loss_kind huber_loss_kind;
extern const loss_kind cross_entropy_loss_kind;
extern const loss_kind ce_rate_loss_kind;
extern const loss_kind mse_count_loss_kind;
extern const loss_kind spike_count_loss_kind;
extern const loss_kind spike_times_loss_kind;

std::span<const loss_kind* const> loss_kinds() {
  static const loss_kind* const kinds[] = {
      &mse_loss_kind,
      &huber_loss_kind,
      &cross_entropy_loss_kind,
      &ce_rate_loss_kind,
      &mse_count_loss_kind,
      &spike_count_loss_kind,
      &spike_times_loss_kind,
  };
  return kinds;
}

}  // namespace norn
