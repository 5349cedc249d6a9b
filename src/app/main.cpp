// scantab: the command-line driver. Thin: each subcommand is registered from
// its own *_command.cpp; no table logic lives here.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"

using namespace scantab;

namespace {

// Tesseract is built with OpenMP; libgomp reads OMP_THREAD_LIMIT once, when
// it is loaded, so setting it later has no effect. Without the limit, every
// engine spins extra OpenMP threads that fight our own workers for the cores
// (measured: 5x slower, half the time in the kernel). So, unless the caller
// chose a value, set it to 1 and re-execute this program once.
void limit_openmp_threads(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);
  // execv failed (no /proc?): carry on without the limit, correct but slower.
}

// glibc serves every allocation over its dynamic mmap threshold (128 KB at
// first, rising only as far as the largest block freed) with a fresh mmap, and
// returns freed heap tops to the kernel. A page is a handful of multi-megabyte
// images (gray, binary, masks, float statistics) made and freed per stage and
// per page, so each page's images were faulted in and zeroed by the kernel
// again: measured on 5 documents, 13 % of the CPU went to the kernel. Keeping
// blocks up to 32 MB (glibc's ceiling for this setting; a 300 dpi A4 page in
// 8-bit gray is 8.7 MB) in the heap and not trimming it lets pages reuse the
// memory of the page before: kernel time 2.2 s -> 0.7 s, user time -5 %, peak
// RSS +8 %.
void keep_freed_memory_for_reuse() {
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

namespace scantab::app {

namespace {
std::vector<std::pair<int, Registrar>>& registry() {
  static std::vector<std::pair<int, Registrar>> entries;
  return entries;
}
}  // namespace

CommandRegistration::CommandRegistration(int order, Registrar registrar) {
  registry().emplace_back(order, registrar);
}

std::vector<Registered> register_all_commands(CLI::App& app) {
  auto entries = registry();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Registered> out;
  for (const auto& [order, registrar] : entries) out.push_back(registrar(app));
  return out;
}

}  // namespace scantab::app

int main(int argc, char** argv) {
  limit_openmp_threads(argv);
  keep_freed_memory_for_reuse();
  CLI::App app{"scantab: scanned Chinese budget tables -> checked, structured tables"};
  app.set_version_flag("--version", std::string("scantab ") + SCANTAB_VERSION);
  app.require_subcommand(1);

  std::vector<app::Registered> commands = app::register_all_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : app::kUsage;
  }
  for (const app::Registered& command : commands)
    if (command.command->parsed()) return command.run();
  return app::kUsage;
}
