// Subcommands of the `scantab` CLI. Each lives in its own <name>_command.cpp
// and registers itself on the top-level CLI::App; main() runs the one the
// user chose. Commands are thin drivers: option parsing and printing only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace scantab::app {

struct Registered {
  CLI::App* command = nullptr;  // owned by the parent CLI::App
  std::function<int()> run;     // runs the command after parsing; returns the exit code
};

Registered register_convert(CLI::App& app);

}  // namespace scantab::app
