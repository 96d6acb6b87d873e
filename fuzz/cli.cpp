// The command line: the input, split at newlines, as arguments after `norn`; parsed and
// checked, not executed. Parsing never crashes, and refusals are exit 2.
#include "harness.hpp"

#include <runtime/cli/cli.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"norn"};
  std::string current;
  for (std::size_t k = 0; k < size && args.size() < 64; ++k) {
    if (data[k] == '\n') args.push_back(current), current.clear();
    else current += char(data[k]);
  }
  args.push_back(current);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int code = norn::cli::run(int(args.size()), argv.data(), {}, false);
  if (code != 0 && code != 2) std::abort();  // a parse ends in success or a refusal, nothing else
  return 0;
}
