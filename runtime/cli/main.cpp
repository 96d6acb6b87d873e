// The `norn` executable: the command line over the built-in models.
#include <runtime/cli/cli.hpp>

int main(int argc, char** argv) { return norn::cli::run(argc, argv, norn::builtin_models()); }
