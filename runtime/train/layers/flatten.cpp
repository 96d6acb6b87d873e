// flatten: a [C, H, W] map as C·H·W features, in PyTorch's order (channel, row, column).
// Rows already hold that order, so values pass unchanged; only the shape the next layer
// sees changes (a linear layer after a map needs no flatten, but a population after it
// then has one shape, not channels).
#include <runtime/core/errors.hpp>
#include <runtime/train/layer_kind.hpp>

namespace norn {

namespace {

template <class T>
class flatten_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;

  explicit flatten_layer(std::size_t features) : features_(features) {}

  std::string type() const override { return "flatten"; }
  std::size_t in_features() const override { return features_; }
  std::size_t out_features() const override { return features_; }
  bool takes_repeated() const override { return true; }

  void forward(const sequence& x, sequence& y, bool) override {
    if (x.features() != features_) fail("norn: flatten layer expects {} input features, got {}", features_, x.features());
    y = x;
  }
  void backward(const sequence& dy, sequence* dx) override {
    if (dx) *dx = dy;
  }

 private:
  std::size_t features_;
};

}  // namespace

extern const layer_kind flatten_layer_kind{
    .name = "flatten",
    .summary = "a [C, H, W] map as C·H·W features (PyTorch's order)",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type"});
      if (context.in_shape.empty()) c.error("flatten cannot be the first layer (give \"input_shape\" to the layer after)");
      std::size_t n = 1;
      for (auto d : context.in_shape) n *= d;
      return layer_plan{"flatten", context.in_shape, {n},
                        [=]<class T>(std::type_identity<T>, std::uint64_t) { return std::make_unique<flatten_layer<T>>(n); }};
    },
    .example = R"({"type": "flatten"})",
    .example_input = {2, 2, 3}};

}  // namespace norn
