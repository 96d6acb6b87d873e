// `norn train` end to end: falling loss, checkpoints and resume (also after SIGKILL),
// determinism, and clear errors on bad configurations and data.
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/io/npy.hpp>

#include <fmt/format.h>

#include <chrono>
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
  std::vector<std::string> argv_s{NORN_BINARY, "train", (dir / "net.json").string(), "--data", (dir / "x.npy").string(),
                                  "--targets", (dir / "y.npy").string(), "--quiet", "--epochs", "400", "--checkpoint", ck};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, NORN_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(dir / "ck" / "trainer.json") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const bool killed = WIFSIGNALED(status);
  REQUIRE(killed);  // it was still training
  REQUIRE(run_norn(args(dir) + epochs + " --resume " + ck + " --checkpoint " + ck + " --out " + (dir / "resumed").string()).code == 0);
  same_parameters(dir / "straight", dir / "resumed");
}

TEST_CASE("train: the same seed gives the same bits; another seed does not") {
  const auto dir = test::scratch("train_seed");
  write_task(dir);
  REQUIRE(run_norn(args(dir) + " --epochs 2 --out " + (dir / "a").string()).code == 0);
  REQUIRE(run_norn("-v >/dev/null 2>&1; OMP_NUM_THREADS=1 " + std::string(NORN_BINARY) + " " + args(dir) +
                   " --epochs 2 --out " + (dir / "b").string()).code >= 0);
  REQUIRE(run_norn(args(dir) + " --epochs 2 --seed 4 --out " + (dir / "c").string()).code == 0);
  same_parameters(dir / "a", dir / "b");  // 2 threads (the tests' default) and 1 thread
  CHECK(test::slurp(dir / "a" / "0.weight.npy") != test::slurp(dir / "c" / "0.weight.npy"));
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
  const std::pair<std::string, std::string> cases[] = {
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
