// scale: y = x ⊙ s, one factor per feature (NIR's Scale node), trained unless told not to.
#include <runtime/core/errors.hpp>
#include <runtime/train/layer_kind.hpp>

namespace norn {

namespace {

template <class T>
class scale_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;
  using typename basic_layer<T>::vector;
  using typename basic_layer<T>::parameter_ref;

  scale_layer(std::size_t features, double value, bool trained)
      : scale_(vector::Constant(Eigen::Index(features), T(value))),
        grad_(vector::Zero(Eigen::Index(features))),
        trained_(trained) {}

  std::string type() const override { return "scale"; }
  std::size_t in_features() const override { return std::size_t(scale_.size()); }
  std::size_t out_features() const override { return std::size_t(scale_.size()); }

  void forward(const sequence& x, sequence& y, bool keep) override {
    if (x.features() != in_features())
      fail("norn: scale layer expects {} input features, got {}", in_features(), x.features());
    y.reshape(x.steps, x.batch, x.features());
    y.values = x.values.array().rowwise() * scale_.transpose().array();
    if (keep) input_ = &x;
  }
  void backward(const sequence& dy, sequence* dx) override {
    // ds = Σ_rows x ⊙ dy, dx = dy ⊙ s
    if (trained_) grad_ += (input_->values.array() * dy.values.array()).colwise().sum().transpose().matrix();
    if (dx) {
      dx->reshape(dy.steps, dy.batch, dy.features());
      dx->values = dy.values.array().rowwise() * scale_.transpose().array();
    }
  }
  std::vector<parameter_ref> parameters() override {
    return {{"scale", {std::size_t(scale_.size())}, {scale_.data(), std::size_t(scale_.size())},
             {grad_.data(), std::size_t(grad_.size())}, parameter_group::weights, trained_}};
  }

 private:
  vector scale_, grad_;
  bool trained_;
  const sequence* input_ = nullptr;  // the last kept forward's input
};

}  // namespace

extern const layer_kind scale_layer_kind{
    .name = "scale",
    .summary = "y = x ⊙ s, a factor per feature (NIR's Scale): \"value\" (initial s, default 1), \"train\" (default true; untrained, s is still read by --init)",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type", "in", "value", "train"});
      const std::size_t features = input_features(c, context);
      const double value = c.number("value", 1.0);
      const bool trained = c.boolean("train", true);
      return layer_plan{"scale", {features}, {features}, [=]<class T>(std::type_identity<T>, std::uint64_t) {
                          return std::make_unique<scale_layer<T>>(features, value, trained);
                        }};
    },
    .example = R"({"type": "scale", "value": 0.5})"};

}  // namespace norn
