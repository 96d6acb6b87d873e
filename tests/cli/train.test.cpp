// `norn train` end to end: falling loss, checkpoints and resume (also after SIGKILL),
// determinism, and clear errors on bad configurations and data.
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/io/npy.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <random>
#include <spawn.h>
#include <thread>

extern char** environ;

using namespace norn;
using test::run_norn;

namespace {

/// A small classification task: 16 samples, 20 steps, 6 inputs; class = which half of the
/// inputs is driven.
void write_task(const std::filesystem::path& dir) {
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> u(0, 1);
  const std::size_t S = 16, T = 20, F = 6;
  std::vector<float> x(S * T * F), labels(S);
  for (std::size_t s = 0; s < S; ++s) {
    labels[s] = float(s % 2);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t f = 0; f < F; ++f) x[(s * T + t) * F + f] = (f < 3) == (s % 2 == 0) ? 1.5f * u(gen) : 0.1f * u(gen);
  }
  const std::size_t xs[3] = {S, T, F}, ls[1] = {S};
  npy::write(dir / "x.npy", x, xs);
  npy::write(dir / "y.npy", labels, ls);
  std::ofstream(dir / "net.json") << R"({"batch_size": 4, "epochs": 6, "seed": 3,
    "layers": [{"type": "linear", "in": 6, "out": 12},
               {"type": "lif", "train": ["tau_mem_inv"]},
               {"type": "linear", "out": 2},
               {"type": "li"}],
    "loss": {"type": "cross_entropy", "reduction": "max"},
    "optimizer": {"type": "adam", "lr": 0.02}})";
}

std::string args(const std::filesystem::path& dir) {
  return fmt::format("train {} --data {} --targets {} --quiet", (dir / "net.json").string(), (dir / "x.npy").string(),
                     (dir / "y.npy").string());
}

/// Starts a 400-epoch run of write_task's network checkpointing into `ck`, waits until
/// `ck/ready` exists and `settle` more, sends `signal`, and returns the run's wait status.
int signal_long_run(const std::filesystem::path& dir, const std::filesystem::path& ck, const char* ready, int signal,
                    std::chrono::milliseconds settle) {
  std::vector<std::string> argv_s{NORN_BINARY, "train", (dir / "net.json").string(), "--data", (dir / "x.npy").string(),
                                  "--targets", (dir / "y.npy").string(), "--quiet", "--epochs", "400", "--checkpoint",
                                  ck.string()};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, NORN_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(ck / ready) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(settle);
  ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

void same_parameters(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(a)) {
    if (entry.path().extension() != ".npy") continue;
    ++files;
    INFO(entry.path().filename());
    CHECK(test::slurp(entry.path()) == test::slurp(b / entry.path().filename()));
  }
  CHECK(files == 5);  // 0.weight, 0.bias, 1.tau_mem_inv, 2.weight, 2.bias
}

}  // namespace

TEST_CASE("train: the loss falls and the outputs are written") {
  const auto dir = test::scratch("train_fall");
  write_task(dir);
  REQUIRE(run_norn(args(dir) + " --out " + (dir / "out").string()).code == 0);
  const std::string csv = test::slurp(dir / "out" / "metrics.csv");
  CHECK(csv.rfind("epoch,loss,accuracy,seconds", 0) == 0);
  std::vector<double> losses;
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) losses.push_back(std::stod(line.substr(line.find(',') + 1)));
  REQUIRE(losses.size() == 6);
  CHECK(losses.back() < losses.front());
  CHECK(std::filesystem::exists(dir / "out" / "loss.png"));
  CHECK(npy::read(dir / "out" / "1.tau_mem_inv.npy").shape == std::vector<std::size_t>{12});
}

TEST_CASE("train: resuming from a checkpoint ends with the same parameters as one uninterrupted run") {
  const auto dir = test::scratch("train_resume");
  write_task(dir);
  REQUIRE(run_norn(args(dir) + " --out " + (dir / "straight").string()).code == 0);
  REQUIRE(run_norn(args(dir) + " --epochs 2 --checkpoint " + (dir / "ck").string()).code == 0);
  REQUIRE(run_norn(args(dir) + " --resume " + (dir / "ck").string() + " --checkpoint " + (dir / "ck").string() +
                   " --out " + (dir / "resumed").string()).code == 0);
  same_parameters(dir / "straight", dir / "resumed");
  CHECK(test::slurp(dir / "straight" / "batches.csv") == test::slurp(dir / "resumed" / "batches.csv"));
}

TEST_CASE("train: killed with SIGKILL mid-run, resumed, it ends where an uninterrupted run ends") {
  const auto dir = test::scratch("train_kill");
  write_task(dir);
  const std::string epochs = " --epochs 400";
  REQUIRE(run_norn(args(dir) + epochs + " --out " + (dir / "straight").string()).code == 0);
  // start a long run, kill it once a checkpoint exists
  const std::string ck = (dir / "ck").string();
  const int status = signal_long_run(dir, dir / "ck", "trainer.json", SIGKILL, std::chrono::milliseconds(30));
  const bool killed = WIFSIGNALED(status);
  REQUIRE(killed);  // it was still training
  REQUIRE(run_norn(args(dir) + epochs + " --resume " + ck + " --checkpoint " + ck + " --out " + (dir / "resumed").string()).code == 0);
  same_parameters(dir / "straight", dir / "resumed");
}

TEST_CASE("train: killed at every step of a checkpoint swap, and again in the resumed run's first swap, it ends where an uninterrupted run ends") {
  const auto dir = test::scratch("train_swap");
  write_task(dir);
  const std::string epochs = " --epochs 4";
  REQUIRE(run_norn(args(dir) + epochs + " --out " + (dir / "straight").string()).code == 0);
  auto complete = [](const std::filesystem::path& ck) {
    auto old = ck;
    old += ".old";
    return std::filesystem::exists(ck / "trainer.json") || std::filesystem::exists(old / "trainer.json");
  };
  // the first run's swaps reach fault points 1 and 2 (no checkpoint yet to move aside),
  // then 3–6; the resumed run's first swap reaches 1–4 or 1–2
  for (int first = 3; first <= 6; ++first)
    for (int second = 1; second <= 4; ++second) {
      INFO("killed at fault point " << first << ", then at " << second << " of the resumed run");
      const auto ck = dir / fmt::format("ck_{}_{}", first, second);
      const std::string to = " --checkpoint " + ck.string(), from = " --resume " + ck.string();
      CHECK(run_norn(args(dir) + epochs + to, fmt::format("NORN_FAULT=checkpoint:{}", first)).code != 0);
      CHECK(complete(ck));
      CHECK(run_norn(args(dir) + epochs + from + to, fmt::format("NORN_FAULT=checkpoint:{}", second)).code != 0);
      CHECK(complete(ck));
      const auto out = dir / fmt::format("out_{}_{}", first, second);
      REQUIRE(run_norn(args(dir) + epochs + from + to + " --out " + out.string()).code == 0);
      same_parameters(dir / "straight", out);
    }
  // what the killed runs left behind is cleaned by the next run
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("train: SIGINT and SIGTERM finish the step, keep it in a checkpoint and exit 130 / 143, and the resumed run ends where an uninterrupted one ends") {
  const auto dir = test::scratch("train_signal");
  write_task(dir);  // 16 samples in batches of 4: 4 batches per epoch
  const std::string epochs = " --epochs 3";
  REQUIRE(run_norn(args(dir) + epochs + " --out " + (dir / "straight").string()).code == 0);
  const std::string ck = (dir / "ck").string();
  // Ctrl-C during the 6th batch (epoch 2, its second batch), raised by the test hook
  const auto r = run_norn(args(dir) + epochs + " --checkpoint " + ck, "NORN_FAULT=interrupt:6");
  CHECK(r.code == 130);
  CHECK(test::line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("interrupted by SIGINT after 1 epochs and 2 batches; resume with --resume"));
  REQUIRE(run_norn(args(dir) + epochs + " --resume " + ck + " --checkpoint " + ck + " --out " + (dir / "resumed").string()).code == 0);
  same_parameters(dir / "straight", dir / "resumed");
  CHECK(test::slurp(dir / "straight" / "batches.csv") == test::slurp(dir / "resumed" / "batches.csv"));
  // without --checkpoint: the same exit, nothing kept, said so
  const auto bare = run_norn(args(dir) + epochs, "NORN_FAULT=interrupt:2");
  CHECK(bare.code == 130);
  CHECK_THAT(bare.err, Catch::Contains("nothing kept (no --checkpoint)"));
  // a real SIGTERM from outside, once the run is under way
  const std::string ck2 = (dir / "ck2").string();
  const int status = signal_long_run(dir, dir / "ck2", "manifest.json", SIGTERM, std::chrono::milliseconds(0));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 143);
  REQUIRE(run_norn(args(dir) + " --epochs 400 --resume " + ck2 + " --checkpoint " + ck2 + " --out " + (dir / "resumed2").string()).code == 0);
  REQUIRE(run_norn(args(dir) + " --epochs 400 --out " + (dir / "straight2").string()).code == 0);
  same_parameters(dir / "straight2", dir / "resumed2");
}

TEST_CASE("train: a checkpoint path holding anything but a Norn checkpoint is refused, and nothing is removed") {
  const auto dir = test::scratch("train_ck_refuse");
  write_task(dir);
  std::filesystem::create_directories(dir / "precious");
  std::ofstream(dir / "precious" / "thesis.tex") << "years of work";
  std::ofstream(dir / "file") << "data";
  std::filesystem::create_directories(dir / "ck.old");
  std::ofstream(dir / "ck.old" / "notes.txt") << "mine";
  for (const auto& [path, culprit] : {std::pair{dir / "precious", "precious exists and is not a Norn checkpoint"},
                                      std::pair{dir / "file", "file exists and is not a Norn checkpoint"},
                                      std::pair{dir / "ck", "ck.old exists and is not a Norn checkpoint"}}) {
    INFO(path);
    const auto r = run_norn(args(dir) + " --checkpoint " + path.string());
    CHECK(r.code == 2);
    CHECK(test::line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(culprit));
  }
  CHECK(test::slurp(dir / "precious" / "thesis.tex") == "years of work");
  CHECK(test::slurp(dir / "file") == "data");
  CHECK(test::slurp(dir / "ck.old" / "notes.txt") == "mine");
  const auto r = run_norn(args(dir) + " --resume " + (dir / "precious").string());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("is not a Norn checkpoint"));
}

TEST_CASE("train: the same seed gives the same bits, another seed does not") {
  const auto dir = test::scratch("train_seed");
  write_task(dir);
  REQUIRE(run_norn(args(dir) + " --epochs 2 --out " + (dir / "a").string()).code == 0);
  REQUIRE(run_norn("-v >/dev/null 2>&1; OMP_NUM_THREADS=1 " + std::string(NORN_BINARY) + " " + args(dir) +
                   " --epochs 2 --out " + (dir / "b").string()).code >= 0);
  REQUIRE(run_norn(args(dir) + " --epochs 2 --seed 4 --out " + (dir / "c").string()).code == 0);
  same_parameters(dir / "a", dir / "b");  // 2 threads (the tests' default) and 1 thread
  CHECK(test::slurp(dir / "a" / "0.weight.npy") != test::slurp(dir / "c" / "0.weight.npy"));
}

TEST_CASE("train: a float64 run writes float64 parameters, resumes bit for bit, evaluates, and starts from float32 files") {
  const auto dir = test::scratch("train_float64");
  write_task(dir);
  std::string text = test::slurp(dir / "net.json");
  std::ofstream(dir / "net64.json") << R"({"precision": "float64", )" + text.substr(1);
  const std::string run64 = fmt::format("train {} --data {} --targets {} --quiet", (dir / "net64.json").string(),
                                        (dir / "x.npy").string(), (dir / "y.npy").string());
  REQUIRE(run_norn(run64 + " --out " + (dir / "straight").string()).code == 0);
  REQUIRE(run_norn(args(dir) + " --out " + (dir / "float32").string()).code == 0);
  const auto w64 = npy::read(dir / "straight" / "0.weight.npy"), w32 = npy::read(dir / "float32" / "0.weight.npy");
  CHECK(w64.dtype == "<f8");
  CHECK(w32.dtype == "<f4");
  // the same network trained in both precisions: close, not equal (float32 rounds every step)
  REQUIRE(w64.size() == w32.size());
  double largest = 0, differs = 0;
  for (std::size_t k = 0; k < w64.size(); ++k) {
    largest = std::max(largest, std::abs(w64.values[k] - w32.values[k]));
    differs += w64.values[k] != w32.values[k];
  }
  CHECK(differs > 0);
  CHECK(largest < 1e-2);
  // checkpoints keep float64 values: a resumed run ends on the same bits
  REQUIRE(run_norn(run64 + " --epochs 2 --checkpoint " + (dir / "ck").string()).code == 0);
  REQUIRE(run_norn(run64 + " --resume " + (dir / "ck").string() + " --out " + (dir / "resumed").string()).code == 0);
  same_parameters(dir / "straight", dir / "resumed");
  CHECK(test::slurp(dir / "straight" / "batches.csv") == test::slurp(dir / "resumed" / "batches.csv"));
  // eval in float64 of the float64 parameters, and a float64 run from float32 --init files
  const auto e = run_norn(fmt::format("eval {} --data {} --targets {} --init {}", (dir / "net64.json").string(),
                                      (dir / "x.npy").string(), (dir / "y.npy").string(), (dir / "straight").string()));
  INFO(e.err);
  CHECK(e.code == 0);
  CHECK_THAT(e.out, Catch::Contains("accuracy"));
  REQUIRE(run_norn(run64 + " --epochs 0 --init " + (dir / "float32").string() + " --out " + (dir / "from32").string())
              .code == 0);
  const auto from32 = npy::read(dir / "from32" / "0.weight.npy");
  CHECK(from32.dtype == "<f8");
  CHECK(from32.values == w32.values);
}

TEST_CASE("train: bad configurations and data exit 2 with one line naming the problem") {
  const auto dir = test::scratch("train_bad");
  write_task(dir);
  auto config = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string data = fmt::format(" --data {} --targets {}", (dir / "x.npy").string(), (dir / "y.npy").string());
  const std::string good_tail = R"(, "loss": {"type": "cross_entropy"}})";
  std::vector<float> wrong(5 * 7);
  const std::size_t ws[2] = {5, 7};
  npy::write(dir / "wrong.npy", wrong, ws);
  std::vector<float> static_x(16 * 6, 0.5f), big(16 * 6, 2.0f), nan_x(16 * 20 * 6, 0.5f);
  nan_x[100] = std::nanf("");
  const std::size_t ss[2] = {16, 6}, ns[3] = {16, 20, 6};
  npy::write(dir / "static.npy", static_x, ss);
  npy::write(dir / "big.npy", big, ss);
  npy::write(dir / "nan.npy", nan_x, ns);
  const std::string net = R"("layers": [{"type": "linear", "in": 6, "out": 2}], "loss": {"type": "cross_entropy"})";
  const std::string targets = " --targets " + (dir / "y.npy").string();
  const std::pair<std::string, std::string> cases[] = {
      {config("s1.json", "{" + net + "}") + " --data " + (dir / "static.npy").string() + targets, "needs \"steps\""},
      {config("s2.json", R"({"steps": 5, "encoder": {"type": "latency"}, )" + net + "}") + " --data " +
           (dir / "big.npy").string() + targets,
       "the latency encoder takes values ≤ 1"},
      {config("s3.json", R"({"encoder": {"type": "latency"}, )" + net + "}") + data, "encodes static samples"},
      {config("s4.json", R"({"steps": 7, )" + net + "}") + data, "holds sequences of 20 steps"},
      {config("s5.json", R"({"schedule": {"type": "exponential"}, )" + net + "}") + data, "unknown schedule"},
      {config("s6.json", R"({"schedule": {"type": "step", "eta_min": 0.1}, )" + net + "}") + data, "cosine schedule"},
      {config("s7.json", R"({"input_shape": [], )" + net + "}") + data, "input_shape"},
      {config("s8.json", "{" + net + "}") + " --data " + (dir / "nan.npy").string() + targets, "not a finite float"},
      {config("s9.json", "{" + net + "}") + data + " --test-data " + (dir / "x.npy").string() + " --test-targets " +
           (dir / "wrong.npy").string(),
       "--test-targets"},
      {config("s10.json", "{" + net + "}") + data + " --test-targets " + (dir / "y.npy").string(), "without --test-data"},
      {config("c1.json", R"({"layers": [{"type": "lfi", "neurons": 6}]})") + data, "unknown layer type 'lfi'"},
      {config("c2.json", R"({"layers": [{"type": "linear", "in": 6, "out": 4}, {"type": "lif", "neurons": 5}, {"type": "li"}])" + good_tail) + data,
       "5 neurons, but the previous layer has 4 outputs"},
      {config("c3.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}, {"type": "lif", "params": {"tau": 3}}])" + good_tail) + data,
       "layers[1].params: model 'lif' has no parameter 'tau'"},
      {config("c4.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}, {"type": "lif", "train": ["v_threshold"]}])" + good_tail) + data,
       "no parameter 'v_threshold'"},
      {config("c5.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2, "bais": false}])" + good_tail) + data,
       "unknown key 'bais'"},
      {config("c6.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}], "optimizer": {"type": "adamw"}})") + data,
       "unknown optimizer 'adamw'"},
      {config("c7.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}], "loss": {"type": "hinge"}})") + data,
       "unknown loss 'hinge'"},
      {config("c8.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}], "epochs": -1})") + data, "epochs"},
      {config("c9.json", R"({"layers": [{"type": "linear", "in": 6, "out": 2}  )") + data, "not valid JSON"},
      {config("c10.json", R"({"layers": [{"type": "linear", "in": 5, "out": 2}])" + good_tail) + data,
       "the first layer takes 5 features per step"},
      {config("c11.json", R"({"layers": [{"type": "linear", "in": 6, "out": 1}])" + good_tail) + data, "label 1"},
      {config("c12.json", R"({"precision": "float16", "layers": [{"type": "linear", "in": 6, "out": 2}])" + good_tail) + data,
       "precision: expected \"float32\" or \"float64\", got \"float16\""},
      {(dir / "net.json").string() + " --data " + (dir / "wrong.npy").string() + " --targets " + (dir / "y.npy").string(),
       "expected [samples, 6] or [samples, steps, 6]"},
      {(dir / "net.json").string() + " --data " + (dir / "x.npy").string(), "needs --targets"},
      {(dir / "net.json").string() + " --data " + (dir / "x.npy").string() + " --targets " + (dir / "wrong.npy").string(),
       "has 5 samples, --data"},
      {(dir / "missing.json").string() + data, "missing.json"},
      {(dir / "net.json").string() + data + " --resume " + (dir / "nowhere").string(), "no such checkpoint"},
      {(dir / "net.json").string() + data + " --init " + (dir / "nowhere").string(), "not a directory"},
  };
  for (const auto& [a, culprit] : cases) {
    INFO(a);
    const auto r = run_norn("train " + a + " --quiet --out " + (dir / "out").string());
    CHECK(r.code == 2);
    CHECK(test::line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(culprit));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
  }
}

TEST_CASE("train: static samples with held-out data, and eval writes predictions and the confusion matrix") {
  const auto dir = test::scratch("train_static");
  write_task(dir);
  // the time mean of each sequence as a static sample [16, 6]
  const auto seq = npy::read(dir / "x.npy");
  std::vector<float> x(16 * 6, 0.0f);
  for (std::size_t s = 0; s < 16; ++s)
    for (std::size_t t = 0; t < 20; ++t)
      for (std::size_t f = 0; f < 6; ++f) x[s * 6 + f] += float(seq.values[(s * 20 + t) * 6 + f] / 20);
  const std::size_t xs[2] = {16, 6};
  npy::write(dir / "static.npy", x, xs);
  std::ofstream(dir / "static.json") << R"({"batch_size": 4, "epochs": 3, "seed": 1, "steps": 10,
    "encoder": {"type": "direct"},
    "layers": [{"type": "linear", "in": 6, "out": 12}, {"type": "lif"}, {"type": "linear", "out": 2}, {"type": "li"}],
    "loss": {"type": "cross_entropy", "reduction": "max"}, "optimizer": {"type": "adam", "lr": 0.02}})";
  const std::string files = fmt::format(" --data {0} --targets {1} ", (dir / "static.npy").string(), (dir / "y.npy").string());
  const auto r = run_norn("train " + (dir / "static.json").string() + files + "--test-data " + (dir / "static.npy").string() +
                          " --test-targets " + (dir / "y.npy").string() + " --out " + (dir / "out").string());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("test_accuracy"));
  std::ifstream metrics(dir / "out" / "metrics.csv");
  std::string header, first;
  std::getline(metrics, header);
  std::getline(metrics, first);
  CHECK(header == "epoch,loss,accuracy,seconds,test_loss,test_accuracy");
  CHECK(std::count(first.begin(), first.end(), ',') == 5);
  CHECK(first.back() != ',');  // the test accuracy is there
  const auto e = run_norn("eval " + (dir / "static.json").string() + files + "--init " + (dir / "out").string() +
                          " --out " + (dir / "eval").string());
  REQUIRE(e.code == 0);
  CHECK_THAT(e.out, Catch::Contains("accuracy"));
  const auto predictions = npy::read(dir / "eval" / "predictions.npy");
  CHECK(predictions.shape == std::vector<std::size_t>{16});
  const auto confusion = npy::read(dir / "eval" / "confusion.npy");
  REQUIRE(confusion.shape == std::vector<std::size_t>({2, 2}));
  double total = 0;
  for (double v : confusion.values) total += v;
  CHECK(total == 16);
  CHECK(std::filesystem::exists(dir / "eval" / "confusion.png"));
  const auto missing = run_norn("eval " + (dir / "static.json").string() + files + "--init " + (dir / "nowhere").string());
  CHECK(missing.code == 2);
  CHECK(test::line_count(missing.err) == 1);
  const auto yinyang = run_norn("data yinyang --out " + (dir / "yy").string());
  CHECK(yinyang.code == 2);
  CHECK_THAT(yinyang.err, Catch::Contains("--train"));
}

TEST_CASE("train: a convolutional network on [samples, 1, H, W] maps, its eval, and a map of the wrong shape") {
  const auto dir = test::scratch("train_conv");
  // 6 × 6 images: class 0 bright in the top half, class 1 in the bottom half
  std::mt19937 gen(2);
  std::uniform_real_distribution<float> u(0, 1);
  const std::size_t S = 24;
  std::vector<float> x(S * 36), y(S);
  for (std::size_t s = 0; s < S; ++s) {
    y[s] = float(s % 2);
    for (std::size_t k = 0; k < 36; ++k) x[s * 36 + k] = ((k < 18) == (s % 2 == 0) ? 0.6f : 0.0f) + 0.4f * u(gen);
  }
  const std::size_t maps[4] = {S, 1, 6, 6}, turned[4] = {S, 6, 6, 1}, labels[1] = {S};
  npy::write(dir / "x.npy", x, maps);
  npy::write(dir / "x_turned.npy", x, turned);
  npy::write(dir / "y.npy", y, labels);
  std::ofstream(dir / "conv.json") << R"({"batch_size": 8, "epochs": 8, "seed": 1, "steps": 8, "input_shape": [1, 6, 6],
    "encoder": {"type": "direct"},
    "layers": [{"type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1}, {"type": "maxpool2d", "kernel": 2},
               {"type": "leaky", "params": {"beta": 0.5}, "train": {"beta": "channel"}}, {"type": "dropout", "p": 0.1},
               {"type": "flatten"}, {"type": "linear", "out": 2}, {"type": "leaky", "params": {"beta": 0.5}}],
    "loss": {"type": "ce_rate"}, "optimizer": {"type": "adam", "lr": 0.02}})";
  const std::string files = fmt::format(" --data {0} --targets {1} ", (dir / "x.npy").string(), (dir / "y.npy").string());
  const auto r = run_norn("train " + (dir / "conv.json").string() + files + "--quiet --out " + (dir / "out").string());
  REQUIRE(r.code == 0);
  CHECK(npy::read(dir / "out" / "0.weight.npy").shape == std::vector<std::size_t>({4, 1, 3, 3}));
  CHECK(npy::read(dir / "out" / "2.beta.npy").shape == std::vector<std::size_t>{4});  // one per channel
  CHECK(npy::read(dir / "out" / "5.weight.npy").shape == std::vector<std::size_t>({2, 36}));
  const auto e = run_norn("eval " + (dir / "conv.json").string() + files + "--init " + (dir / "out").string() + " --out " +
                          (dir / "eval").string());
  REQUIRE(e.code == 0);
  const auto summary = nlohmann::json::parse(test::slurp(dir / "eval" / "evaluation.json"));
  CHECK(summary.at("accuracy").get<double>() >= 0.9);  // an easy task: dropout is off in evaluation
  const auto bad = run_norn("train " + (dir / "conv.json").string() + " --data " + (dir / "x_turned.npy").string() +
                            " --targets " + (dir / "y.npy").string() + " --quiet --out " + (dir / "bad").string());
  CHECK(bad.code == 2);
  CHECK(test::line_count(bad.err) == 1);
  CHECK_THAT(bad.err, Catch::Contains("holds samples of shape [6, 6, 1], but the configuration's \"input_shape\" is [1, 6, 6]"));
  CHECK_FALSE(std::filesystem::exists(dir / "bad"));
}

TEST_CASE("train: the MNIST examples read scripts/get-data.sh's files and compute their first gradients") {
  const std::filesystem::path data = std::filesystem::path(NORN_SOURCE_DIR) / "data" / "mnist";
  if (!std::filesystem::exists(data / "x_train.npy")) {
    WARN("skipped: no MNIST in " << data.string() << " (run scripts/get-data.sh mnist)");
    return;
  }
  const auto x = npy::mapped(data / "x_train.npy"), t = npy::mapped(data / "x_test.npy");
  CHECK(x.shape() == std::vector<std::size_t>({8004, 784}));
  CHECK(t.shape() == std::vector<std::size_t>({1996, 784}));
  const auto dir = test::scratch("train_mnist");
  for (const char* name : {"fc", "csnn"}) {
    INFO(name);
    const auto config = std::filesystem::path(NORN_EXAMPLES_DIR) / "mnist" / (std::string(name) + ".json");
    const auto r = run_norn(fmt::format("train {} --epochs 0 --dump-gradients {} --quiet", config.string(),
                                        (dir / name).string()));
    REQUIRE(r.code == 0);
    const auto g = npy::read(dir / name / "0.weight.npy");
    double norm = 0;
    for (double v : g.values) norm += v * v;
    CHECK(norm > 0);
    CHECK(std::isfinite(norm));
  }
}
