#pragma once
/// The `main` of a model binary (see norn_add_model_binary in cmake/NornModels.cmake): the
/// `norn` command line over the built-in models plus one more. A light header, so that the
/// generated main compiles in a moment.

namespace norn {
struct model_entry;
}

namespace norn::cli {
/// Runs the command line over the built-in models and `extra()`; returns the exit code.
int run_with(int argc, char** argv, model_entry (*extra)());
}  // namespace norn::cli
