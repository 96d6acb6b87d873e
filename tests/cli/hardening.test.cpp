// Bad input of every kind the hardening probe found: each exits 2 with one line naming the
// problem, and changes no file (the scratch directory is compared before and after).
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <runtime/io/checksum.hpp>
#include <runtime/io/npy.hpp>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <random>

using namespace norn;
using test::run_norn;

namespace {

/// Every file below `dir` with its content.
std::map<std::string, std::string> snapshot_files(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[e.path().lexically_relative(dir).string()] = test::slurp(e.path());
  return files;
}

/// A small classification task and its configuration (as in train.test.cpp).
void write_small_task(const std::filesystem::path& dir) {
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> u(0, 1);
  const std::size_t S = 8, T = 10, F = 6;
  std::vector<float> x(S * T * F), labels(S);
  for (std::size_t s = 0; s < S; ++s) {
    labels[s] = float(s % 2);
    for (std::size_t k = 0; k < T * F; ++k) x[s * T * F + k] = u(gen);
  }
  const std::size_t xs[3] = {S, T, F}, ls[1] = {S};
  npy::write(dir / "x.npy", x, xs);
  npy::write(dir / "y.npy", labels, ls);
  std::ofstream(dir / "net.json") << R"({"batch_size": 4, "epochs": 2, "seed": 3,
    "layers": [{"type": "linear", "in": 6, "out": 12}, {"type": "lif"}, {"type": "linear", "out": 2}, {"type": "li"}],
    "loss": {"type": "cross_entropy", "reduction": "max"}, "optimizer": {"type": "adam", "lr": 0.02}})";
}

/// Rewrites the manifest of checkpoint `ck` for its current files, as a deliberate edit
/// would (so that the checks behind the manifest are reached).
void reseal(const std::filesystem::path& ck) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& e : std::filesystem::recursive_directory_iterator(ck)) {
    if (!e.is_regular_file()) continue;
    const auto rel = e.path().lexically_relative(ck).generic_string();
    if (rel == "NORN_CHECKPOINT" || rel == "manifest.json") continue;
    std::uint64_t size = 0;
    const auto crc = file_crc32(e.path(), size);
    files.push_back({{"path", rel}, {"size", size}, {"crc32", crc}});
  }
  std::ofstream(ck / "manifest.json") << nlohmann::json{{"files", files}}.dump();
}

void refused_unchanged(const std::filesystem::path& dir, const std::string& args, const std::string& culprit) {
  INFO("norn " << args);
  const auto before = snapshot_files(dir);
  const auto r = run_norn(args);
  CHECK(r.code == 2);
  CHECK(test::line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(culprit));
  CHECK(snapshot_files(dir) == before);
}

}  // namespace

TEST_CASE("hardening: numbers on the command line are whole, in range and finite as floats") {
  const auto dir = test::scratch("hard_numbers");
  std::filesystem::create_directories(dir / "keep");
  std::ofstream(dir / "keep" / "file") << "x";
  const std::string out = " --out " + (dir / "out").string();
  const std::string sim = "simulate --model lif ";
  refused_unchanged(dir, sim + "--neurons 4 --steps -5" + out, "--steps: expected a whole number in [1, 2147483648], got '-5'");
  refused_unchanged(dir, sim + "--neurons -5 --steps 10" + out, "--neurons: expected a whole number");
  refused_unchanged(dir, sim + "--neurons 1e12 --steps 10" + out, "got '1e12'");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10 --seed -1" + out, "--seed: expected a whole number in [0, 18446744073709551615]");
  refused_unchanged(dir, sim + "--neurons 4 --steps 4611686018427387904" + out, "--steps");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10 --input-bernoulli 0.1 --weight nan" + out, "--weight: expected a finite number");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10 --input-const nan" + out, "--input-const: expected a finite number");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10 --dt 1e300" + out, "--dt: expected a finite number within float range");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10 --set tau_mem_inv=1e300" + out, "--set tau_mem_inv must be a finite number within float range");
  refused_unchanged(dir, sim + "--neurons 2000000000 --steps 2000000000 --loss spike-count=3" + out, "GiB available");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10" + " --out " + (dir / "keep" / "file").string(), "exists and is not a directory");
  refused_unchanged(dir, sim + "--neurons 4 --steps 10" + " --out " + (dir / "keep").string(), "holds files Norn did not write there");
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("hardening: training refuses bad counts, values, sizes and paths before any epoch") {
  const auto dir = test::scratch("hard_train");
  write_small_task(dir);
  std::filesystem::create_directories(dir / "notes");
  std::ofstream(dir / "notes" / "todo.txt") << "mine";
  auto config = [&](const std::string& name, const std::string& layers, const std::string& extra = "") {
    std::ofstream(dir / name) << R"({"layers": )" << layers << R"(, "loss": {"type": "cross_entropy"})" << extra << "}";
    return (dir / name).string();
  };
  const std::string files = fmt::format(" --data {} --targets {} --quiet", (dir / "x.npy").string(), (dir / "y.npy").string());
  const std::string net = (dir / "net.json").string();
  refused_unchanged(dir, "train " + net + files + " --epochs -1", "--epochs: expected a whole number");
  refused_unchanged(dir, "train " + net + files + " --seed -1", "--seed: expected a whole number");
  refused_unchanged(dir, "train " + config("dt.json", R"([{"type": "linear", "in": 6, "out": 2}])", R"(, "dt": 1e999)") + files,
          "number overflow");
  refused_unchanged(dir, "train " + config("std.json", R"([{"type": "linear", "in": 6, "out": 2, "init_std": 1e300}])") + files,
          "layers[0].init_std: expected a number within float range");
  refused_unchanged(dir, "train " + config("huge.json", R"([{"type": "linear", "in": 6, "out": 1000000000}])") + files, "GiB available");
  refused_unchanged(dir, "train " + config("neg.json", R"([{"type": "linear", "in": 6, "out": -3}])") + files, "expected a whole number");
  refused_unchanged(dir, "train " + net + files + " --out " + (dir / "x.npy").string(), "exists and is not a directory");
  refused_unchanged(dir, "train " + net + files + " --out " + (dir / "notes").string(), "holds files Norn did not write there");
  refused_unchanged(dir, "train " + net + files + " --out /proc/norn-cannot-write-here/out", "cannot write in /proc: ");
  refused_unchanged(dir, "train " + net + " --data " + dir.string() + " --targets " + (dir / "y.npy").string(), "is not a regular file");
  refused_unchanged(dir, "train " + net + " --data /dev/zero --targets " + (dir / "y.npy").string(), "is not a regular file");
  refused_unchanged(dir, "train " + net + " --data /proc/self/mem --targets " + (dir / "y.npy").string(), "/proc/self/mem");
  refused_unchanged(dir, "train " + dir.string() + files, "is not a regular file (a configuration is a JSON file)");
}

TEST_CASE("hardening: a checkpoint whose files were damaged or edited is refused before anything is loaded") {
  const auto dir = test::scratch("hard_checkpoint");
  write_small_task(dir);
  const std::string base = fmt::format("train {} --data {} --targets {} --quiet", (dir / "net.json").string(),
                                       (dir / "x.npy").string(), (dir / "y.npy").string());
  const auto ck = dir / "ck";
  REQUIRE(run_norn(base + " --epochs 1 --checkpoint " + ck.string()).code == 0);
  REQUIRE(std::filesystem::exists(ck / "manifest.json"));
  const auto pristine = snapshot_files(ck);
  auto restore = [&] {
    for (const auto& [name, content] : pristine) std::ofstream(ck / name, std::ios::binary) << content;
  };
  const std::string resume = base + " --resume " + ck.string();
  // a flipped byte in the saved weights
  {
    std::fstream f(ck / "params" / "0.weight.npy", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x5a');
  }
  refused_unchanged(dir, resume, "params/0.weight.npy is not the file that was saved");
  restore();
  // edits behind a manifest rewritten to match them: the loaded values are checked too
  auto edit_state = [&](const std::string& key, const nlohmann::json& value) {
    auto state = nlohmann::json::parse(test::slurp(ck / "trainer.json"));
    state[key] = value;
    std::ofstream(ck / "trainer.json") << state.dump();
    reseal(ck);
  };
  edit_state("epochs_done", -1);
  refused_unchanged(dir, resume, "\"epochs_done\" must be a whole number");
  restore();
  edit_state("epochs_done", 1.5);
  refused_unchanged(dir, resume, "\"epochs_done\" must be a whole number");
  restore();
  edit_state("epochs_done", 2);
  refused_unchanged(dir, resume, "2 epochs done but a history of 1");
  restore();
  {
    const std::size_t shape[1] = {5};
    npy::write(ck / "optimizer" / "0.first.npy", std::vector<float>(5, 0.0f), shape);
    reseal(ck);
  }
  refused_unchanged(dir, resume, "holds 5 values; parameter 0.bias has 12");
  restore();
  {
    const auto second = npy::read(ck / "optimizer" / "0.second.npy");
    std::vector<float> v(second.values.begin(), second.values.end());
    v[3] = -1.0f;
    const std::size_t shape[1] = {v.size()};
    npy::write(ck / "optimizer" / "0.second.npy", v, shape);
    reseal(ck);
  }
  refused_unchanged(dir, resume, "second moments must be finite and ≥ 0");
  restore();
  std::filesystem::remove(ck / "manifest.json");
  refused_unchanged(dir, resume, "is not a Norn checkpoint");
  restore();
  CHECK(run_norn(resume + " --epochs 2").code == 0);  // intact, it resumes
}

TEST_CASE("hardening: outputs replace the previous ones as a whole") {
  const auto dir = test::scratch("hard_outputs");
  const auto out = dir / "sim";
  REQUIRE(run_norn("simulate --model lif --neurons 3 --steps 5 --input-const 2 --record v,i --out " + out.string()).code == 0);
  CHECK(std::filesystem::exists(out / "i.npy"));
  REQUIRE(run_norn("simulate --model lif --neurons 3 --steps 7 --input-const 2 --record v --out " + out.string()).code == 0);
  CHECK_FALSE(std::filesystem::exists(out / "i.npy"));  // not a mix of both runs
  CHECK(npy::read(out / "v.npy").shape == std::vector<std::size_t>({7, 3}));
  for (const auto& e : std::filesystem::directory_iterator(dir))
    CHECK(e.path().filename() == "sim");  // no staging directory left behind
  // a killed run's staging directory (its process gone) is removed by the next run
  std::filesystem::create_directories(dir / ".sim.staging.999999999");
  std::ofstream(dir / ".sim.staging.999999999" / "v.npy") << "half";
  REQUIRE(run_norn("simulate --model lif --neurons 3 --steps 7 --input-const 2 --record v --out " + out.string()).code == 0);
  CHECK_FALSE(std::filesystem::exists(dir / ".sim.staging.999999999"));
}
