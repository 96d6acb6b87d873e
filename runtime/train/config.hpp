#pragma once
/// Training configurations (JSON) for `norn train`: a sequential network of layers, a loss,
/// an optimizer, an input encoder and a schedule. Parsing validates everything and reports
/// the first problem in one line naming the file and the place (`net.json: layers[1].params:
/// model 'lif' has no parameter 'tau'`); each layer, loss and encoder reads its own keys
/// (layer_kind.hpp, loss.hpp, encoder.hpp). The README's `norn train` section shows one.

#include <runtime/core/registry.hpp>
#include <runtime/train/encoder.hpp>
#include <runtime/train/layer_kind.hpp>
#include <runtime/train/loss.hpp>
#include <runtime/train/network.hpp>
#include <runtime/train/optimizers.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace norn {

/// A whole training configuration.
struct train_config {
  std::string source;  ///< file name, for messages
  double dt = 0.001;
  std::uint64_t seed = 0;
  std::size_t epochs = 1;
  std::size_t batch_size = 32;
  bool shuffle = true;
  std::size_t checkpoint_every = 1;  ///< epochs between checkpoints
  /// "precision": "float64" computes every layer, loss and optimizer step in double (for
  /// matching a float64 reference step for step); "float32", the default, in float.
  bool double_precision = false;
  std::vector<layer_plan> layers;
  std::shared_ptr<const loss> loss_function;  ///< mse when the configuration names none
  std::shared_ptr<const encoder> input_encoder;  ///< null: the data is the input
  optimizer_options optimizer;
  norn::schedule schedule;
  std::optional<std::size_t> steps;      ///< steps per sample made from static samples
  std::vector<std::size_t> input_shape;  ///< per step, of the first layer's input (C, H, W for a convolution); empty: flat
  std::optional<std::filesystem::path> data, targets;  ///< default data files, relative to the config
  std::optional<std::filesystem::path> test_data, test_targets;  ///< held-out data, evaluated after every epoch
};

/// Parses and validates a configuration; bad_input with one line on any problem.
train_config parse_config(const nlohmann::json& j, const std::string& source, std::span<const model_entry> models);
/// Reads a configuration file; `amend`, when given, changes its JSON before it is parsed
/// (train --nir puts the layers of a NIR file in).
train_config load_config(const std::filesystem::path& file, std::span<const model_entry> models,
                         const std::function<void(nlohmann::json&)>& amend = {});

/// The network a configuration describes, initialized from its seed, computing in Real (the
/// caller picks it from c.double_precision). A float64 network starts from the float32 one's
/// values.
template <class Real = float>
basic_network<Real> build_network(const train_config& c);

/// An upper estimate of the memory a batch of the configuration's network takes over
/// `steps` steps: its parameters (with gradients and optimizer moments when `training`)
/// and every layer's output, kept states and gradients over the sequence.
double network_bytes(const train_config& c, std::size_t steps, bool training);

}  // namespace norn
