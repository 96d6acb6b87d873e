#include <runtime/train/trainer.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/checkpoint.hpp>
#include <runtime/io/atomic_file.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/io/output_set.hpp>
#include <runtime/io/plot.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <unistd.h>

namespace norn {


namespace {

/// Forward and loss of one batch; with `keep`, backward too (gradients added to the parameters').
template <class Real>
loss_report run_batch(basic_network<Real>& net, const loss& l, const basic_batch<Real>& b, bool keep) {
  basic_layer<Real>& last = net.at(net.size() - 1);
  std::string membrane;
  std::vector<Real> threshold;
  if (l.reads_membrane()) {
    const model_info* m = last.model();
    if (!m || !m->membrane || !m->threshold)
      fail("norn: the {} loss reads the membrane and threshold of the last layer; its model declares no such roles",
           l.name());
    membrane = m->states[*m->membrane].name;
    last.record_states({membrane});
    threshold = last.neuron_parameter(*m->threshold);
  }
  net.set_noise(keep ? std::optional<std::uint64_t>(b.noise_seed) : std::nullopt);
  const basic_sequence<Real>& y = net.forward(b.x, keep);
  basic_loss_input<Real> in{y, membrane.empty() ? nullptr : last.recorded(membrane), threshold};
  basic_loss_gradient<Real> g;
  const auto report = l.evaluate(in, b.targets, g);
  if (keep) {
    if (!membrane.empty()) last.add_state_gradient(membrane, g.dmembrane);
    net.backward(g.dy);
  }
  return report;
}

}  // namespace

template <class Real>
loss_report forward_backward(basic_network<Real>& net, const loss& l, const basic_batch<Real>& b) {
  return run_batch(net, l, b, true);
}

std::vector<std::int64_t> evaluation::confusion() const {
  std::vector<std::int64_t> m(classes * classes, 0);
  for (std::size_t k = 0; k < predictions.size(); ++k) ++m[labels[k] * classes + predictions[k]];
  return m;
}

template <class Real>
evaluation evaluate(basic_network<Real>& net, const dataset& data, const train_config& c) {
  evaluation e;
  std::size_t correct = 0;
  bool classifies = false;
  for (const auto& samples : epoch_batches(data.samples, c.batch_size, false, 0, 0)) {
    const auto b = make_batch<Real>(data, c, samples, c.seed * 0x2545F4914F6CDD1Dull + samples.front());
    const auto r = run_batch(net, *c.loss_function, b, false);
    e.loss += r.value * double(samples.size()) / double(data.samples);
    classifies = r.has_accuracy;
    correct += r.correct;
    e.predictions.insert(e.predictions.end(), r.predicted.begin(), r.predicted.end());
  }
  if (classifies) {
    e.accuracy = double(correct) / double(data.samples);
    e.classes = data.outputs;
    for (float v : data.y.values) e.labels.push_back(std::size_t(v));
    if (e.predictions.size() != e.labels.size()) e.predictions.clear(), e.labels.clear();
  }
  return e;
}

void write_evaluation(const evaluation& e, const std::filesystem::path& dir) {
  output_set out(dir);
  nlohmann::json summary{{"loss", e.loss}};
  if (e.accuracy >= 0) summary["accuracy"] = e.accuracy;
  write_file_atomically(out.stage("evaluation.json"), summary.dump(1) + "\n");
  if (!e.predictions.empty()) {
    const std::vector<std::int64_t> predicted(e.predictions.begin(), e.predictions.end());
    npy::write(out.stage("predictions.npy"), predicted, std::array{predicted.size()});
    const auto m = e.confusion();
    npy::write(out.stage("confusion.npy"), m, std::array{e.classes, e.classes});
    plot::counts(out.stage("confusion.png"), m, e.classes,
                 {fmt::format("confusion matrix: accuracy {:.2f} % of {}", 100 * e.accuracy, predicted.size()),
                  "predicted class", "true class"});
  }
  out.commit();
}

template <class Real>
void save_parameters(basic_network<Real>& net, const std::filesystem::path& dir, bool grads) {
  std::filesystem::create_directories(dir);
  for (const auto& p : net.parameters())
    npy::write(dir / (p.name + ".npy"), std::span<const Real>(grads ? p.grad : p.value), p.shape);
}

template <class Real>
std::size_t load_parameters(basic_network<Real>& net, const std::filesystem::path& dir, bool all) {
  if (!std::filesystem::is_directory(dir)) fail("norn: {} is not a directory of parameters", dir.string());
  std::size_t read = 0;
  for (auto& p : net.parameters()) {
    const auto file = dir / (p.name + ".npy");
    if (!std::filesystem::exists(file)) {
      if (all) fail("norn: {} lacks {}.npy", dir.string(), p.name);
      continue;
    }
    const npy::mapped a(file);
    if (a.shape() != p.shape)
      fail("norn: {} has shape {}; parameter {} has shape {}", file.string(), a.shape_text(), p.name, npy::shape_text(p.shape));
    if (const auto k = a.first_non_finite(); k < a.size())
      fail("norn: {} holds a non-finite value at flat index {}", file.string(), k);
    a.read(0, p.value);
    ++read;
  }
  return read;
}

namespace {

using json = nlohmann::json;

json metrics_json(const std::vector<epoch_metrics>& history) {
  json h = json::array();
  for (const auto& m : history)
  {
    json e{{"epoch", m.epoch}, {"loss", m.loss}, {"accuracy", m.accuracy}, {"seconds", m.seconds},
           {"batch_losses", m.batch_losses}};
    if (m.test_loss) e["test_loss"] = *m.test_loss, e["test_accuracy"] = m.test_accuracy;
    h.push_back(e);
  }
  return h;
}

std::vector<epoch_metrics> metrics_from(const json& h) {
  std::vector<epoch_metrics> history;
  for (const auto& m : h) {
    history.push_back({m.at("epoch").get<std::size_t>(), m.at("loss").get<double>(), m.at("accuracy").get<double>(),
                       m.at("seconds").get<double>(), m.at("batch_losses").get<std::vector<double>>()});
    if (m.contains("test_loss"))
      history.back().test_loss = m.at("test_loss").get<double>(), history.back().test_accuracy = m.at("test_accuracy").get<double>();
  }
  return history;
}

/// Writes a checkpoint into a fresh sibling directory, then swaps it in (checkpoint.hpp: a
/// complete checkpoint exists at every moment).
/// Progress within an epoch, for a checkpoint written when a run is interrupted.
struct partial_epoch {
  std::size_t batches_done = 0;
  double loss = 0;
  std::size_t correct = 0, seen = 0;
  std::vector<double> batch_losses;
};

template <class Real>
void write_checkpoint(basic_network<Real>& net, const basic_optimizer<Real>& opt, const std::filesystem::path& dir, std::size_t epochs_done,
                      const std::vector<epoch_metrics>& history, const train_config& c, const partial_epoch* partial = nullptr) {
  const auto tmp = begin_checkpoint(dir);
  save_parameters(net, tmp / "params");
  opt.save(tmp / "optimizer");
  json state{{"epochs_done", epochs_done}, {"seed", c.seed}, {"history", metrics_json(history)}};
  if (partial)
    state["partial_epoch"] = {{"batches_done", partial->batches_done}, {"loss", partial->loss}, {"correct", partial->correct},
                              {"seen", partial->seen}, {"batch_losses", partial->batch_losses}};
  write_file_atomically(tmp / "trainer.json", state.dump(1));
  commit_checkpoint(tmp, dir);
}

template <class Real>
void write_outputs(basic_network<Real>& net, const std::filesystem::path& dir, const std::vector<epoch_metrics>& history) {
  output_set out(dir);
  for (const auto& p : net.parameters()) out.npy(p.name + ".npy", std::span<const Real>(p.value), p.shape);
  std::string csv = "epoch,loss,accuracy,seconds,test_loss,test_accuracy\n", batches = "epoch,batch,loss\n";
  auto accuracy = [](double a) { return a < 0 ? std::string() : fmt::format("{:.6f}", a); };
  plot::series curve{"loss per batch", {}, {}};
  std::size_t k = 0;
  for (const auto& m : history) {
    csv += fmt::format("{},{:.9g},{},{:.6f},{},{}\n", m.epoch, m.loss, accuracy(m.accuracy), m.seconds,
                       m.test_loss ? fmt::format("{:.9g}", *m.test_loss) : std::string(), accuracy(m.test_accuracy));
    for (std::size_t b = 0; b < m.batch_losses.size(); ++b) {
      batches += fmt::format("{},{},{:.9g}\n", m.epoch, b, m.batch_losses[b]);
      curve.x.push_back(double(k++));
      curve.y.push_back(m.batch_losses[b]);
    }
  }
  write_file_atomically(out.stage("metrics.csv"), csv);
  write_file_atomically(out.stage("batches.csv"), batches);
  if (!curve.x.empty()) plot::lines(out.stage("loss.png"), {curve}, {"training loss", "batch", "loss"});
  out.commit();
}

}  // namespace

template <class Real>
std::vector<epoch_metrics> train(basic_network<Real>& net, basic_optimizer<Real>& opt, const dataset& data,
                                 const train_config& c, const run_options& o, const dataset* test) {
  const loss& objective = *c.loss_function;
  std::vector<epoch_metrics> history;
  std::size_t start = o.first_epoch;
  partial_epoch resumed;  // of the epoch `start`, when the checkpoint was written mid-epoch
  if (o.init) load_parameters(net, *o.init, false);
  if (o.resume) {
    const auto dir = checkpoint_to_resume(*o.resume);
    std::ifstream in(dir / "trainer.json");
    if (!in) fail("norn: --resume {} is not a checkpoint (no trainer.json)", o.resume->string());
    json state;
    try {
      in >> state;
      if (!state.at("epochs_done").is_number_unsigned())
        fail("norn: {}/trainer.json: \"epochs_done\" must be a whole number ≥ 0, got {}", dir.string(),
             state.at("epochs_done").dump());
      start = state.at("epochs_done").get<std::size_t>();
      if (state.at("seed").get<std::uint64_t>() != c.seed)
        fail("norn: the checkpoint was trained with seed {}, this run has seed {}", state.at("seed").get<std::uint64_t>(), c.seed);
      history = metrics_from(state.at("history"));
      if (history.size() != start)
        fail("norn: {}/trainer.json: {} epochs done but a history of {}", dir.string(), start, history.size());
      if (state.contains("partial_epoch")) {
        const auto& p = state.at("partial_epoch");
        resumed.batches_done = p.at("batches_done").get<std::size_t>();
        resumed.loss = p.at("loss").get<double>();
        resumed.correct = p.at("correct").get<std::size_t>();
        resumed.seen = p.at("seen").get<std::size_t>();
        resumed.batch_losses = p.at("batch_losses").get<std::vector<double>>();
        const std::size_t batches = (data.samples + c.batch_size - 1) / c.batch_size;
        if (!p.at("batches_done").is_number_unsigned() || resumed.batches_done >= batches ||
            resumed.batch_losses.size() != resumed.batches_done || !std::isfinite(resumed.loss))
          fail("norn: {}/trainer.json: its partial epoch does not fit this run ({} batches per epoch)", dir.string(), batches);
      }
    } catch (const json::exception& e) {
      fail("norn: {}/trainer.json is malformed: {}", dir.string(), e.what());
    }
    load_parameters(net, dir / "params", true);
    opt.load(dir / "optimizer", net.parameters());
  }
  const bool tty = o.progress && ::isatty(STDERR_FILENO);
  for (std::size_t epoch = start; epoch < c.epochs || (epoch == start && o.dump_gradients); ++epoch) {
    const auto began = std::chrono::steady_clock::now();
    const auto batches = epoch_batches(data.samples, c.batch_size, c.shuffle, c.seed, epoch);
    epoch_metrics m;
    m.epoch = epoch;
    opt.scale_learning_rate(c.schedule.factor(epoch, c.epochs, c.optimizer.lr));
    std::size_t correct = 0, seen = 0, first = 0;
    bool has_accuracy = false;
    if (epoch == start && resumed.batches_done) {  // continue the interrupted epoch where it stopped
      first = resumed.batches_done;
      m.loss = resumed.loss, m.batch_losses = resumed.batch_losses, correct = resumed.correct, seen = resumed.seen;
    }
    for (std::size_t k = first; k < batches.size(); ++k) {
      const auto b = make_batch<Real>(data, c, batches[k], c.seed * 0x9E3779B97F4A7C15ull + epoch * 1000003ull + k);
      net.zero_grad();
      const auto r = forward_backward(net, objective, b);
      if (!std::isfinite(r.value)) fail("norn: the loss became {} at epoch {}, batch {}; lower the learning rate", r.value, epoch, k);
      if (o.dump_gradients && epoch == start && k == 0) {
        save_parameters(net, *o.dump_gradients, true);
        if (c.epochs <= start) return history;
      }
      auto params = net.parameters();
      opt.step(params);
      m.batch_losses.push_back(r.value);
      m.loss += r.value / double(batches.size());
      has_accuracy = r.has_accuracy;
      correct += r.correct;
      seen += batches[k].size();
      fault_point("interrupt", SIGINT);  // test hook: Ctrl-C during this batch
      if (o.stop && *o.stop && k + 1 < batches.size()) {
        // interrupted: the step is finished; keep it in a checkpoint and stop
        if (o.checkpoint) {
          const partial_epoch p{k + 1, m.loss, correct, seen, m.batch_losses};
          write_checkpoint(net, opt, *o.checkpoint, epoch, history, c, &p);
        }
        throw interrupted(*o.stop, epoch, k + 1);
      }
      if (tty) {
        const int width = 30, done = int(double(k + 1) / double(batches.size()) * width);
        std::fprintf(stderr, "\r\033[Kepoch %zu/%zu [%s%s] %zu/%zu loss %.5g", epoch + 1, c.epochs, std::string(std::size_t(done), '#').c_str(),
                     std::string(std::size_t(width - done), '.').c_str(), k + 1, batches.size(), r.value);
        if (has_accuracy) std::fprintf(stderr, " acc %.3f", double(correct) / double(seen));
        std::fflush(stderr);
      }
    }
    if (has_accuracy) m.accuracy = double(correct) / double(seen);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (test) {
      const auto e = evaluate(net, *test, c);
      m.test_loss = e.loss;
      m.test_accuracy = e.accuracy;
    }
    history.push_back(m);
    if (tty) std::fprintf(stderr, "\n");
    if (o.progress)
      fmt::print("epoch {}/{} loss {:.6g}{}{}{} time {:.3f}s\n", epoch + 1, c.epochs, m.loss,
                 has_accuracy ? fmt::format(" accuracy {:.4f}", m.accuracy) : "",
                 m.test_loss ? fmt::format(" test_loss {:.6g}", *m.test_loss) : "",
                 m.test_accuracy >= 0 ? fmt::format(" test_accuracy {:.4f}", m.test_accuracy) : "", m.seconds);
    const bool stopping = o.stop && *o.stop;
    if (o.checkpoint && ((epoch + 1) % c.checkpoint_every == 0 || epoch + 1 == c.epochs || stopping))
      write_checkpoint(net, opt, *o.checkpoint, epoch + 1, history, c);
    if (stopping && epoch + 1 < c.epochs) throw interrupted(*o.stop, epoch + 1, 0);
  }
  if (o.out) write_outputs(net, *o.out, history);
  return history;
}

template loss_report forward_backward(basic_network<float>&, const loss&, const basic_batch<float>&);
template evaluation evaluate(basic_network<float>&, const dataset&, const train_config&);
template void save_parameters(basic_network<float>&, const std::filesystem::path&, bool);
template std::size_t load_parameters(basic_network<float>&, const std::filesystem::path&, bool);
template std::vector<epoch_metrics> train(basic_network<float>&, basic_optimizer<float>&, const dataset&, const train_config&,
                                          const run_options&, const dataset*);
template loss_report forward_backward(basic_network<double>&, const loss&, const basic_batch<double>&);
template evaluation evaluate(basic_network<double>&, const dataset&, const train_config&);
template void save_parameters(basic_network<double>&, const std::filesystem::path&, bool);
template std::size_t load_parameters(basic_network<double>&, const std::filesystem::path&, bool);
template std::vector<epoch_metrics> train(basic_network<double>&, basic_optimizer<double>&, const dataset&, const train_config&,
                                          const run_options&, const dataset*);

}  // namespace norn
