#pragma once
/// The registry entry of model M: its declaration as data and population<M, T> behind the
/// run-time interface. Compiled once per model, in the translation unit that
/// cmake/NornModels.cmake generates for it (its backward kernels and `norn emit` compile in
/// translation units of their own).

#include <runtime/core/population.hpp>
#include <runtime/core/registry.hpp>

#include <cmath>
#include <memory>
#include <type_traits>

namespace norn {

namespace detail {

template <class M, class T>
class dynamic_population_of final : public dynamic_population {
 public:
  using pop_type = population<M, T>;
  static constexpr std::size_t S = pop_type::state_count;

  dynamic_population_of(std::size_t neurons, std::size_t batch, double dt) : pop_(neurons, batch, dt) {}

  const model_info& info() const override { return pop_.info(); }
  std::size_t neurons() const override { return pop_.neurons(); }
  std::size_t batch() const override { return pop_.batch(); }
  void resize_batch(std::size_t batch) override { pop_.resize_batch(batch); }
  void reset() override { pop_.reset(); }
  void set_initial(std::string_view state, double value) override { pop_.set_initial(state, value); }
  void set_parameter(std::string_view name, double value) override { pop_.set_parameter(name, value); }
  void set_parameter(std::string_view name, std::span<const float> v) override { set_parameter_from(name, v); }
  std::vector<float> parameter(std::size_t q) const override {
    const auto p = pop_.parameter(q);
    return {p.begin(), p.end()};
  }
  void set_gradient_rule(const spike_gradient& rule) override {
    resolve(rule, pop_.info());
    pop_.gradient_rule() = rule;
  }

  void run(std::size_t steps, std::span<const float> x, std::span<float> out,
           const std::vector<std::span<float>>& record) override {
    if constexpr (std::is_same_v<T, float>) {
      pop_.run(steps, x, out, recordings(record));
    } else {
      // double precision: the values cross in float32
      std::vector<T> xd(x.begin(), x.end()), outd(out.size());
      std::array<std::vector<T>, S> recd;
      typename pop_type::recordings rec{};
      for (std::size_t s = 0; s < record.size() && s < S; ++s) {
        recd[s].resize(record[s].size());
        rec[s] = recd[s];
      }
      pop_.run(steps, xd, outd, rec);
      std::copy(outd.begin(), outd.end(), out.begin());
      for (std::size_t s = 0; s < record.size() && s < S; ++s) std::copy(recd[s].begin(), recd[s].end(), record[s].begin());
    }
  }
  void run_from(std::size_t steps, const current_source& input, std::span<float> out,
                const std::vector<std::span<float>>& record) override {
    if constexpr (std::is_same_v<T, float>) pop_.run_from(steps, input, out, recordings(record));
    else fail("norn: computed inputs need a float population");
  }

  void start_tape(std::size_t interval) override { tape_.start(interval); }
  void forward(std::size_t steps, std::span<const float> x, std::span<float> out,
               const std::vector<std::span<float>>& record) override {
    if constexpr (std::is_same_v<T, float>) pop_.forward(steps, x, out, tape_, recordings(record));
    else fail("norn: a double-precision population's forward with gradients takes float64 arrays");
  }
  gradient_io<float> gradients() const override { return gradient_io<float>::sized(S, pop_type::parameter_count); }
  void backward(std::span<const float> x, const gradient_io<float>& io, std::size_t t0, std::size_t t1) override {
    if constexpr (std::is_same_v<T, float>) pop_.backward(tape_, x, io, t0, t1);
    else fail("norn: a double-precision population's backward takes float64 arrays");
  }

  bool double_precision() const override { return std::is_same_v<T, double>; }
  void set_parameter(std::string_view name, std::span<const double> v) override { set_parameter_from(name, v); }
  void read_parameter(std::size_t q, std::span<double> out) const override {
    const auto p = pop_.parameter(q);
    if (out.size() != p.size()) fail("norn: parameter '{}' has {} values, not {}", pop_.info().parameters.at(q).name, p.size(), out.size());
    std::copy(p.begin(), p.end(), out.begin());
  }
  void read_state(std::size_t s, std::span<double> out) const override {
    const auto v = pop_.state(s);
    if (out.size() != v.size()) fail("norn: state '{}' has {} values, not {}", pop_.info().states[s].name, v.size(), out.size());
    std::copy(v.begin(), v.end(), out.begin());
  }
  void set_state(std::size_t s, std::span<const double> values) override {
    const auto& name = pop_.info().states.at(s).name;
    const auto v = pop_.state(s);
    if (values.size() != v.size())
      fail("norn: state '{}' needs {} values ({} batch entries x {} neurons), got {}", name, v.size(), pop_.batch(),
           pop_.neurons(), values.size());
    for (double x : values)
      if (!std::isfinite(x) || !std::isfinite(T(x))) fail("norn: state '{}' of model '{}' must be finite, got {}", name, pop_.info().name, x);
    std::copy(values.begin(), values.end(), v.begin());
  }

  void run(std::size_t steps, std::span<const double> x, std::span<double> out,
           const std::vector<std::span<double>>& record) override {
    if constexpr (std::is_same_v<T, double>) pop_.run(steps, x, out, recordings_of<double>(record));
    else fail("{}", float_only);
  }
  void forward(std::size_t steps, std::span<const double> x, std::span<double> out,
               const std::vector<std::span<double>>& record) override {
    if constexpr (std::is_same_v<T, double>) pop_.forward(steps, x, out, tape_, recordings_of<double>(record));
    else fail("{}", float_only);
  }
  void backward(std::span<const double> x, const gradient_io<double>& io, std::size_t t0, std::size_t t1) override {
    if constexpr (std::is_same_v<T, double>) pop_.backward(tape_, x, io, t0, t1);
    else fail("{}", float_only);
  }
  std::size_t taped_steps() const override { return tape_.steps; }
  std::size_t kept_bytes() const override { return tape_.bytes(); }

 private:
  /// Values of either precision, converted when they are not the population's.
  template <class U>
  void set_parameter_from(std::string_view name, std::span<const U> v) {
    if constexpr (std::is_same_v<T, U>) {
      pop_.set_parameter(name, v);
    } else {
      const std::vector<T> values(v.begin(), v.end());
      pop_.set_parameter(name, std::span<const T>(values));
    }
  }

  static constexpr const char* float_only = "norn: this population computes in float32; give it float32 arrays";

  template <class U>
  static typename population<M, U>::recordings recordings_of(const std::vector<std::span<U>>& record) {
    if (record.size() > S) fail("norn: {} recordings for {} states", record.size(), S);
    typename population<M, U>::recordings rec{};
    std::copy(record.begin(), record.end(), rec.begin());
    return rec;
  }
  static typename population<M, float>::recordings recordings(const std::vector<std::span<float>>& record) {
    return recordings_of<float>(record);
  }

  pop_type pop_;
  tape<T> tape_;
};

}  // namespace detail

/// The registry entry of model M; `emit` is emit_of<M> (runtime/core/model_emit.hpp),
/// which generated entries compile in a translation unit of their own, at -O0: string
/// building gains nothing from -O3, and compiling it with the kernels took 11 of a model's
/// 38 s (measured).
template <dsl::model M>
model_entry entry_of(std::string (*emit)(bool, const spike_gradient&)) {
  return {info_of<M>(),
          [](std::size_t neurons, std::size_t batch, double dt, bool double_precision) -> std::unique_ptr<dynamic_population> {
            if (double_precision) return std::make_unique<detail::dynamic_population_of<M, double>>(neurons, batch, dt);
            return std::make_unique<detail::dynamic_population_of<M, float>>(neurons, batch, dt);
          },
          emit};
}

}  // namespace norn
