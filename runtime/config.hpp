#pragma once
/// Training configurations (JSON) for `norn train`: a sequential network of layers, a loss,
/// an optimizer and a schedule. Parsing validates everything and reports the first problem
/// in one line naming the file and the place (`net.json: layers[1].params: model 'lif'
/// has no parameter 'tau'`).
///
/// { "dt": 0.001, "seed": 0, "epochs": 10, "batch_size": 32, "shuffle": true,
///   "layers": [ {"type": "linear", "in": 100, "out": 200, "bias": false},
///               {"type": "lif", "params": {"v_th": 1.0}, "train": ["tau_mem_inv"]},
///               {"type": "linear", "out": 100},
///               {"type": "li"} ],
///   "loss": {"type": "mse"},
///   "optimizer": {"type": "adam", "lr": 0.01} }

#include <runtime/layers/population_layer.hpp>
#include <runtime/losses.hpp>
#include <runtime/network.hpp>
#include <runtime/optimizers.hpp>
#include <runtime/registry.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace norn {

/// One layer as the configuration describes it.
struct layer_spec {
  std::string type;          ///< "linear" or a model name
  std::size_t in = 0, out = 0;
  bool bias = true;          ///< linear
  double init_std = 0;       ///< linear: N(0, std²) instead of Kaiming-uniform
  population_options population;  ///< model layers
};

/// Input encoding applied to each batch.
struct encoder_spec {
  enum { none, poisson } type = none;
  double f_max = 100;  ///< poisson: spikes where uniform < dt · f_max · x
};

/// A whole training configuration.
struct train_config {
  std::string source;  ///< file name, for messages
  double dt = 0.001;
  std::uint64_t seed = 0;
  std::size_t epochs = 1;
  std::size_t batch_size = 32;
  bool shuffle = true;
  std::size_t checkpoint_every = 1;  ///< epochs between checkpoints
  std::vector<layer_spec> layers;
  std::string loss = "mse";
  time_reduction reduction = time_reduction::max;
  std::optional<double> spike_target;  ///< spike_count: the same target for every output
  optimizer_options optimizer;
  encoder_spec encoder;
  std::optional<std::filesystem::path> data, targets;  ///< default data files, relative to the config
};

/// Parses and validates a configuration; bad_input with one line on any problem.
train_config parse_config(const nlohmann::json& j, const std::string& source, std::span<const model_entry> models);
/// Reads a configuration file.
train_config load_config(const std::filesystem::path& file, std::span<const model_entry> models);

/// The network a configuration describes, initialized from `seed`.
network build_network(const train_config& c, std::span<const model_entry> models);
/// The loss a configuration names.
std::unique_ptr<loss_function> make_loss(const train_config& c);

}  // namespace norn
