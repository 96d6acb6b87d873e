#pragma once
// The few options the example programs take (--out DIR, --seed S, --epochs E), parsed
// without a command-line library so that the examples compile quickly.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace norn::examples {

struct args {
  std::string out;
  std::uint64_t seed = 0;
  std::optional<std::size_t> epochs;

  /// Parses argv; prints usage and exits 0 on --help, 2 on anything it does not know.
  static args parse(int argc, char** argv, std::string out, std::string_view about) {
    args a{std::move(out)};
    for (int k = 1; k < argc; ++k) {
      const std::string_view flag = argv[k];
      auto value = [&]() -> std::string {
        if (k + 1 >= argc) usage(argv[0], about, 2, "missing value for " + std::string(flag));
        return argv[++k];
      };
      auto number = [&](const std::string& text) -> std::uint64_t {
        char* end = nullptr;
        const auto v = std::strtoull(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0') usage(argv[0], about, 2, std::string(flag) + " takes a whole number, got '" + text + "'");
        return v;
      };
      if (flag == "--out") a.out = value();
      else if (flag == "--seed") a.seed = number(value());
      else if (flag == "--epochs") a.epochs = number(value());
      else if (flag == "--help" || flag == "-h") usage(argv[0], about, 0, "");
      else usage(argv[0], about, 2, "unknown option '" + std::string(flag) + "'");
    }
    return a;
  }

  [[noreturn]] static void usage(const char* program, std::string_view about, int code, const std::string& error) {
    if (!error.empty()) std::fprintf(stderr, "%s: %s (see --help)\n", program, error.c_str());
    else std::printf("%.*s\n\nusage: %s [--out DIR] [--seed S] [--epochs E]\n", int(about.size()), about.data(), program);
    std::exit(code);
  }
};

}  // namespace norn::examples
