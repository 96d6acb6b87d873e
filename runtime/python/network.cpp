// `norn.Network`: a network from a configuration (a dict, or a JSON file), trained and
// evaluated on NumPy arrays by the same trainer as `norn train`; its parameters are NumPy
// views of the network's own storage, float32 or float64 as the configuration's "precision" says.

#include <runtime/python/arrays.hpp>
#include <runtime/python/module.hpp>

#include <runtime/train/config.hpp>
#include <runtime/train/dataset.hpp>
#include <runtime/train/network.hpp>
#include <runtime/train/optimizers.hpp>
#include <runtime/train/trainer.hpp>

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <variant>

namespace norn::python {

namespace {

/// `a` as the data set code reads files: its own dtype, C order (copied only when it is not),
/// kept alive by the returned view.
std::shared_ptr<const npy::mapped> as_mapped(py::handle h, const std::string& name) {
  auto a = real_array(h, name, py::array::c_style);
  if (a.dtype().kind() == 'f' && a.itemsize() == 2) a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(a);
  const auto descr = py::cast<std::string>(a.dtype().attr("str"));
  auto* keep = new py::object(a);
  std::shared_ptr<const void> owner(keep, [](const void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<const py::object*>(p);
  });
  return std::make_shared<const npy::mapped>(name, descr, dims(a), a.data(), std::move(owner));
}

nlohmann::json metrics(const epoch_metrics& m) {
  nlohmann::json j{{"epoch", m.epoch}, {"loss", m.loss}, {"seconds", m.seconds}, {"batch_losses", m.batch_losses}};
  if (m.accuracy >= 0) j["accuracy"] = m.accuracy;
  if (m.test_loss) j["test_loss"] = *m.test_loss;
  if (m.test_accuracy >= 0) j["test_accuracy"] = m.test_accuracy;
  return j;
}

py::object to_python(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

/// A network and its optimizer, computing in Real.
template <class Real>
struct trained_network {
  explicit trained_network(const train_config& c) : net(build_network<Real>(c)), opt(c.optimizer) {}
  basic_network<Real> net;
  basic_optimizer<Real> opt;
};

class python_network {
 public:
  explicit python_network(py::handle config) : c_(read(config)), held_(build(c_)) {}

 private:
  /// f(the network in its precision).
  template <class F>
  decltype(auto) with(F&& f) {
    return std::visit([&](auto& h) -> decltype(auto) { return f(h); }, held_);
  }

 public:
  /// Trains for `epochs` more epochs (the configuration's by default); a list of each
  /// epoch's metrics. Ctrl-C stops after the current batch with KeyboardInterrupt.
  py::list fit(py::handle x, py::handle y, std::optional<std::size_t> epochs, py::handle test, bool progress) {
    const auto data = dataset_of(x, y, "x", "y");
    std::optional<dataset> held_out;
    if (!test.is_none()) {
      if (!py::isinstance<py::tuple>(test) || py::len(test) != 2) throw type_error("norn: test must be a tuple (x, y)");
      held_out = dataset_of(test[py::int_(0)], test[py::int_(1)], "test x", "test y");
    }
    train_config c = c_;
    c.epochs = epochs_done_ + epochs.value_or(c_.epochs);
    run_options r;
    r.progress = progress;
    r.first_epoch = epochs_done_;
    static volatile std::sig_atomic_t stop = 0;
    stop = 0;
    r.stop = &stop;
    std::vector<epoch_metrics> history;
    {
      // Ctrl-C reaches the trainer, which finishes its batch; Python's own handler is back after
      struct sigaction action {}, before {};
      action.sa_handler = [](int signal_number) { stop = signal_number; };
      sigemptyset(&action.sa_mask);
      ::sigaction(SIGINT, &action, &before);
      try {
        py::gil_scoped_release free;
        history = with([&](auto& h) { return train(h.net, h.opt, data, c, r, held_out ? &*held_out : nullptr); });
      } catch (const interrupted& e) {
        ::sigaction(SIGINT, &before, nullptr);
        epochs_done_ = e.epochs_done;
        PyErr_SetString(PyExc_KeyboardInterrupt,
                        fmt::format("norn: fit interrupted after {} epochs and {} batches", e.epochs_done, e.batches_done).c_str());
        throw py::error_already_set();
      } catch (...) {
        ::sigaction(SIGINT, &before, nullptr);
        throw;
      }
      ::sigaction(SIGINT, &before, nullptr);
    }
    epochs_done_ = c.epochs;
    py::list out;
    for (const auto& m : history) out.append(to_python(metrics(m)));
    return out;
  }

  /// Loss and accuracy over (x, y), without gradients; predictions and the confusion matrix
  /// for a classifying loss.
  py::dict evaluate(py::handle x, py::handle y) {
    const auto data = dataset_of(x, y, "x", "y");
    evaluation e;
    {
      py::gil_scoped_release free;
      e = with([&](auto& h) {
        h.net.set_noise(std::nullopt);
        return norn::evaluate(h.net, data, c_);
      });
    }
    py::dict d;
    d["loss"] = e.loss;
    if (e.accuracy >= 0) d["accuracy"] = e.accuracy;
    if (!e.predictions.empty()) {
      auto p = empty<std::int64_t>({e.predictions.size()});
      std::copy(e.predictions.begin(), e.predictions.end(), p.mutable_data());
      d["predictions"] = p;
      const auto m = e.confusion();
      auto cm = empty<std::int64_t>({e.classes, e.classes});
      std::copy(m.begin(), m.end(), cm.mutable_data());
      d["confusion"] = cm;
    }
    return d;
  }

  /// The last layer's output for every sample of x: [S, T, outputs], in the network's dtype.
  py::array predict(py::handle x) {
    const auto data = dataset_of(x, py::none(), "x", "y", false);
    return with([&]<class Real>(trained_network<Real>& h) -> py::array {
      const std::size_t S = data.samples, T = data.steps, F = data.outputs;
      auto out = empty<Real>({S, T, F});
      py::gil_scoped_release free;
      h.net.set_noise(std::nullopt);
      for (const auto& samples : epoch_batches(S, c_.batch_size, false, 0, 0)) {
        const auto b = make_batch<Real>(data, c_, samples, c_.seed * 0x2545F4914F6CDD1Dull + samples.front());
        const basic_sequence<Real>& y = h.net.forward(b.x, false);
        const std::size_t B = samples.size();
        for (std::size_t t = 0; t < T; ++t)
          for (std::size_t j = 0; j < B; ++j) {
            const std::size_t row = y.repeated ? j : t * B + j;
            std::copy_n(y.values.data() + row * F, F, out.mutable_data() + (samples[j] * T + t) * F);
          }
      }
      return out;
    });
  }

  /// name → a writable NumPy view of the parameter (it keeps the network alive).
  py::dict parameters(py::object self) {
    py::dict d;
    with([&]<class Real>(trained_network<Real>& h) {
      for (const auto& p : h.net.parameters()) {
        std::vector<py::ssize_t> shape(p.shape.begin(), p.shape.end());
        d[py::str(p.name)] = py::array_t<Real>(shape, p.value.data(), self);
      }
    });
    return d;
  }

  void save(const std::filesystem::path& dir) {
    with([&](auto& h) { save_parameters(h.net, dir); });
  }
  void load(const std::filesystem::path& dir) {
    with([&](auto& h) { load_parameters(h.net, dir, true); });
  }
  std::size_t epochs_done() const { return epochs_done_; }
  py::dtype dtype() const { return c_.double_precision ? py::dtype::of<double>() : py::dtype::of<float>(); }

 private:
  static train_config read(py::handle config) {
    if (py::isinstance<py::dict>(config)) {
      std::string text;
      try {
        text = py::cast<std::string>(py::module_::import("json").attr("dumps")(config));
      } catch (const py::error_already_set& e) {
        throw type_error(fmt::format("norn: the configuration is not JSON data: {}", std::string(py::str(e.value()))));
      }
      return parse_config(nlohmann::json::parse(text), "the configuration", known_models());
    }
    if (py::isinstance<py::str>(config) || py::hasattr(config, "__fspath__"))
      return load_config(py::cast<std::string>(py::module_::import("os").attr("fspath")(config)), known_models());
    throw type_error("norn: a Network is built from a configuration: a dict, or the path of a JSON file");
  }

  /// The data set of arrays x and y; without `targets` (predictions), y is not read.
  dataset dataset_of(py::handle x, py::handle y, const std::string& x_name, const std::string& y_name,
                     bool targets = true) const {
    auto xs = as_mapped(x, x_name);
    std::optional<npy::mapped> ys;
    if (targets && !y.is_none()) ys.emplace(*as_mapped(y, y_name));
    return load_dataset(std::move(xs), ys ? &*ys : nullptr, c_, x_name, y_name, targets);
  }

  using held = std::variant<trained_network<float>, trained_network<double>>;
  static held build(const train_config& c) {
    if (c.double_precision) return held(std::in_place_type<trained_network<double>>, c);
    return held(std::in_place_type<trained_network<float>>, c);
  }

  train_config c_;
  held held_;
  std::size_t epochs_done_ = 0;
};

}  // namespace

void bind_network(py::module_& m) {
  using namespace pybind11::literals;
  py::class_<python_network>(m, "Network", R"(A network from a configuration (a dict, or a JSON file's path), as `norn train` builds it.

Data are NumPy arrays: x as sequences [S, T, F...] or static samples [S, F...] (any real dtype),
y as the configuration's loss needs them (labels [S] for cross_entropy, [S, T, outputs] for mse).)")
      .def(py::init<py::handle>(), "config"_a)
      .def("fit", &python_network::fit, "x"_a, "y"_a = py::none(), "epochs"_a = py::none(), "test"_a = py::none(),
           "progress"_a = false,
           "Trains for `epochs` more epochs (default: the configuration's); returns each epoch's metrics "
           "(loss, accuracy, seconds, batch_losses, test_loss, test_accuracy).")
      .def("evaluate", &python_network::evaluate, "x"_a, "y"_a = py::none(),
           "Loss (and accuracy, predictions, confusion for a classifying loss) over (x, y), without gradients.")
      .def("predict", &python_network::predict, "x"_a, "The last layer's output for every sample: [S, T, outputs].")
      .def("parameters", [](py::object self) { return py::cast<python_network&>(self).parameters(self); },
           "name → a writable view of each parameter ('0.weight' is [out, in], as in PyTorch).")
      .def("save", &python_network::save, "dir"_a, "Writes every parameter as <dir>/<name>.npy.")
      .def("load", &python_network::load, "dir"_a, "Reads every parameter from <dir>/<name>.npy.")
      .def_property_readonly("epochs_done", &python_network::epochs_done)
      .def_property_readonly("dtype", &python_network::dtype,
                             "float32, or float64 for a configuration with \"precision\": \"float64\".");
}

}  // namespace norn::python
