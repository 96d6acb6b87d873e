#pragma once
// Running the `norn` binary from tests: exit code, standard output and standard error.

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace norn::test {

struct command_result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fresh scratch directory for one test.
inline std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::path(NORN_TEST_TMP) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs `norn <args>` (args are passed to the shell as written), with `environment`
/// ("NAME=value ...") added to the environment when given.
inline command_result run_norn(const std::string& args, const std::string& environment = "") {
  std::filesystem::create_directories(NORN_TEST_TMP);
  // per process, so that tests running in parallel do not share these files
  const auto tag = std::to_string(::getpid());
  const auto out = std::filesystem::path(NORN_TEST_TMP) / ("stdout." + tag + ".txt");
  const auto err = std::filesystem::path(NORN_TEST_TMP) / ("stderr." + tag + ".txt");
  const std::string cmd = fmt::format("{}{} {} >{} 2>{} </dev/null", environment.empty() ? "" : "env " + environment + " ",
                                      NORN_BINARY, args, out.string(), err.string());
  const int status = std::system(cmd.c_str());
  command_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Number of lines in a text.
inline int line_count(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

}  // namespace norn::test
