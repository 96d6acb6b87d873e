#include <runtime/cli/cli.hpp>

#include <runtime/cli/commands.hpp>
#include <runtime/errors.hpp>

#include <fmt/core.h>

#include <cmath>
#include <cstdio>
#include <exception>

namespace norn::cli {

std::pair<std::string, double> parse_assignment(const std::string& text, const char* option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    fail("norn: {} expects NAME=VALUE, got '{}'", option, text);
  const std::string name = text.substr(0, eq);
  return {name, parse_number(text.substr(eq + 1), fmt::format("{} {}", option, name))};
}

double parse_number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    fail("norn: {} must be a number, got '{}'", what, text);
  }
  if (used != text.size()) fail("norn: {} must be a number, got '{}'", what, text);
  if (!std::isfinite(v)) fail("norn: {} must be finite, got '{}'", what, text);
  return v;
}

int run(int argc, char** argv, std::span<const model_entry> models) {
  CLI::App app{"norn: spiking neuron models declared as ODEs, compiled with their exact adjoints"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  std::vector<action> actions;
  actions.push_back(add_simulate(app, models));
  actions.push_back(add_train(app, models));
  actions.push_back(add_models(app, models));
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
      found = found || sub->get_name() == argv[1];
    }
    if (!found) {
      fmt::print(stderr, "norn: unknown command '{}' (commands: {})\n", argv[1], known);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    fmt::print(stderr, "norn: {} (see norn --help)\n", message);
    return 2;
  }
  try {
    for (auto& a : actions)
      if (a) a();
    return 0;
  } catch (const bad_input& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "norn: internal error: {}\n", e.what());
    return 1;
  }
}

}  // namespace norn::cli
