// Subcommands of the `scantab` CLI. Each lives in its own <name>_command.cpp
// and registers itself; main() runs the one the user chose. Commands are thin drivers: option parsing and printing only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace scantab::app {

struct Registered {
  CLI::App* command = nullptr;  // owned by the parent CLI::App
  std::function<int()> run;     // runs the command after parsing; returns the exit code
};

// Self-registration: each *_command.cpp defines one static
//   const CommandRegistration registration{ORDER, register_xxx};
// so adding a command needs no edit to main.cpp. ORDER sorts `--help`.
using Registrar = Registered (*)(CLI::App& app);
struct CommandRegistration {
  CommandRegistration(int order, Registrar registrar);
};
// Every registered command, sorted by order, added to `app`.
std::vector<Registered> register_all_commands(CLI::App& app);

}  // namespace scantab::app
