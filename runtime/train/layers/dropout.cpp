// dropout: during training each feature is zeroed with probability p and the others scaled
// by 1/(1 − p), as PyTorch's Dropout; in evaluation it passes values unchanged. One mask per
// sample for the whole sequence, not one per step: a unit dropped is silent for the sample
// (as a dropped neuron would be), a static input stays static (stored once), and a mask per
// step would mostly add noise to rate codes that the next steps average out. Masks come from
// the batch's noise seed, so a resumed run draws the same ones.
#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/layer_kind.hpp>

namespace norn {

namespace {

template <class T>
class dropout_layer final : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;
  using typename basic_layer<T>::matrix;

  dropout_layer(std::size_t features, double p, std::uint64_t seed) : features_(features), p_(p), seed_(seed) {}

  std::string type() const override { return "dropout"; }
  std::size_t in_features() const override { return features_; }
  std::size_t out_features() const override { return features_; }
  bool takes_repeated() const override { return true; }
  void set_noise(std::optional<std::uint64_t> seed) override { noise_ = seed; }

  void forward(const sequence& x, sequence& y, bool) override {
    if (x.features() != features_) fail("norn: dropout layer expects {} input features, got {}", features_, x.features());
    y = x;
    if (!noise_) {
      mask_.resize(0, 0);
      return;
    }
    const std::uint64_t seed = *noise_ * 0x9E3779B97F4A7C15ull + seed_;
    const T keep = T(1) / T(1.0 - p_);
    mask_.resize(Eigen::Index(x.batch), Eigen::Index(features_));
    for (std::size_t k = 0; k < std::size_t(mask_.size()); ++k)
      mask_.data()[k] = uniform01(seed, k) < float(p_) ? T(0) : keep;
    apply(y);
  }
  void backward(const sequence& dy, sequence* dx) override {
    if (!dx) return;
    *dx = dy;
    if (mask_.size()) apply(*dx);
  }

 private:
  /// s ⊙ mask at every step.
  void apply(sequence& s) const {
    const std::size_t rows = std::size_t(s.values.rows()), B = s.batch;
    for (std::size_t r = 0; r < rows; ++r) s.values.row(Eigen::Index(r)).array() *= mask_.row(Eigen::Index(r % B)).array();
  }

  std::size_t features_;
  double p_;
  std::uint64_t seed_;
  std::optional<std::uint64_t> noise_;
  matrix mask_;  // [B, F] of the last forward; empty when it was an evaluation
};

}  // namespace

extern const layer_kind dropout_layer_kind{
    .name = "dropout",
    .summary = "in training, zeroes each feature with probability \"p\" for a whole sample and scales the rest by "
               "1/(1 − p) (PyTorch's Dropout, one mask per sample); unchanged in evaluation",
    .parse = [](const nlohmann::json& j, const config_place& where, const layer_context& context) {
      const config_object c(j, where, {"type", "p"});
      if (context.in_shape.empty()) c.error("dropout cannot be the first layer");
      if (!c.has("p")) c.error("a dropout layer needs \"p\"");
      const double p = c.number("p", 0.5);
      if (!(p >= 0 && p < 1)) c.place("p").error("expected a probability in [0, 1), got {}", p);
      std::size_t n = 1;
      for (auto d : context.in_shape) n *= d;
      return layer_plan{"dropout", context.in_shape, context.in_shape,
                        [=]<class T>(std::type_identity<T>, std::uint64_t seed) {
                          return std::make_unique<dropout_layer<T>>(n, p, seed);
                        }};
    },
    .example = R"({"type": "dropout", "p": 0.3})"};

}  // namespace norn
