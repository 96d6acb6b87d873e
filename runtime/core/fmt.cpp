// fmt's implementation, compiled once for the library: every other translation unit
// includes fmt's headers in their default (not header-only) mode and finds these
// definitions at link time. Header-only fmt compiled them into each of ~150 translation
// units, about 5 s each (runtime/train/losses/spike_count.cpp: 9.2 s with it, 4.4 s
// without, measured); linking Debian's libfmt.so instead would load the shared C++ runtime
// at every start (1.3–2 ms more for `norn models lif`, measured with LD_PRELOAD).
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// the instantiations fmt/format.h declares `extern template` outside header-only mode
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
}  // namespace detail
FMT_END_NAMESPACE
