// direct: the value is the input of every step (snnTorch's tutorials 5 and 6 feed a static
// image this way). The batch holds it once; the first layers compute their product once
// per sample rather than once per step, and the gradient they see is summed over steps.
#include <runtime/train/encoder.hpp>

namespace norn {

namespace {

class direct final : public encoder_of<direct> {
 public:
  std::string_view name() const override { return "direct"; }
  template <class R>
  void encode_values(basic_sequence<R>&, double, std::uint64_t) const {}
  template <class R>
  void encode_samples(const matrix_of<R>& x, std::size_t steps, double, std::uint64_t, basic_sequence<R>& out) const {
    repeat_static(x, steps, out);
  }
};

}  // namespace

extern const encoder_kind direct_encoder_kind{
    .name = "direct",
    .summary = "the value is the input of every step (static samples [S, F] with \"steps\"; the default for them)",
    .parse = [](const nlohmann::json& j, const config_place& where) -> std::unique_ptr<encoder> {
      const config_object c(j, where, {"type"});
      return std::make_unique<direct>();
    },
    .example = R"({"type": "direct"})"};

}  // namespace norn
