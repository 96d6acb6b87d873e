#pragma once
/// The subcommands of `norn`: each registers its options on the CLI11 app and returns the
/// action to run once the command line is parsed.

#include <runtime/registry.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <span>

namespace norn::cli {

using action = std::function<void()>;

/// `norn simulate`
action add_simulate(CLI::App& app, std::span<const model_entry> models);
/// `norn train`
action add_train(CLI::App& app, std::span<const model_entry> models);
/// `norn models`
action add_models(CLI::App& app, std::span<const model_entry> models);

/// "name=value" → (name, value); throws bad_input naming the option on malformed text.
std::pair<std::string, double> parse_assignment(const std::string& text, const char* option);

/// Parses a finite number; throws bad_input naming what it is for.
double parse_number(const std::string& text, const std::string& what);

}  // namespace norn::cli
