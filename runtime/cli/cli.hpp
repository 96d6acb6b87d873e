#pragma once
/// The `norn` command line. A binary passes the models it knows; `norn` itself passes the
/// built-in ones, a model binary adds its own.

#include <runtime/core/registry.hpp>

#include <span>

namespace norn::cli {

/// Runs the command line; returns the exit code (0 ok, 2 bad input, 1 internal failure).
/// Without `execute`, stops after parsing and checking the arguments (the fuzzer's entry).
int run(int argc, char** argv, std::span<const model_entry> models, bool execute = true);

}  // namespace norn::cli
