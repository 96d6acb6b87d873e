#pragma once
/// Errors that reach the user. `bad_input` is the user's mistake (unknown model or
/// parameter, malformed file, wrong shape, non-finite values): the command line prints its
/// one-line message and exits with code 2. Anything else is an internal failure (code 1).

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace norn {

/// The user's input is wrong; the message names the culprit in one line.
struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A command that ends early on purpose (interrupted by a signal): the command line prints
/// the message and exits with `code` (128 + the signal's number).
struct stopped : std::runtime_error {
  stopped(int exit_code, const std::string& message) : std::runtime_error(message), code(exit_code) {}
  int code;
};

/// Throws bad_input with a formatted message.
template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw bad_input(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace norn
