// `scantab bench`: throughput, memory and accuracy of scantab next to the
// plain-Tesseract baseline, in one run, on the same pages, with the same
// parallelism.
//
//   1. (untimed) every CORPUS/NAME.pdf is rasterized with
//      `pdftoppm -r DPI -gray -png`, DPI = the page resolution recorded in
//      NAME.truth.json (the scan's own dpi), else --dpi.
//   2. scantab: one child process `scantab convert CORPUS/*.pdf -j N -q`.
//   3. baseline: `tesseract PAGE - -l chi_sim --psm 6` for every page image,
//      N processes at a time.
//   4. accuracy: eval::run(CORPUS, WORK/pred).
//
// Both sides run as child processes with OMP_THREAD_LIMIT=1; each child is
// reaped with wait4(), whose rusage gives that child's own peak RSS
// (ru_maxrss, KiB on Linux) and CPU time. Wall time is measured around each
// side with a steady clock. Timings are reported, never judged.
//
// Why a subcommand rather than a shell script: wait4() yields each child's
// own peak RSS without GNU time, both sides share one process and one clock,
// and the accuracy comes from the eval library directly.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "core/atomic_file.hpp"
#include "eval/eval.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace scantab::app {
namespace {

struct BenchArgs {
  std::string corpus;
  std::string work_dir;
  std::string json_path;
  int jobs = 2;
  double dpi = 300;  // fallback when a document has no truth dpi
  std::string language = "chi_sim";
  std::string tesseract = "tesseract";
  bool skip_baseline = false;
};

struct ChildResult {
  int exit_status = -1;  // -1: did not start or was killed
  double max_rss_mb = 0; // peak resident set of this child, MiB
  double cpu_seconds = 0;
};

// Starts argv (PATH lookup) with stdout/stderr redirected to `log` (appended).
// Returns the pid, or nullopt if it could not start.
std::optional<pid_t> spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return std::nullopt;
  return pid;
}

// Waits for any child (pid -1) or one; fills its own rusage figures.
std::pair<pid_t, ChildResult> reap(pid_t pid = -1) {
  int status = 0;
  rusage usage{};
  pid_t done = ::wait4(pid, &status, 0, &usage);
  ChildResult r;
  if (done <= 0) return {done, r};
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_mb = double(usage.ru_maxrss) / 1024.0;
  r.cpu_seconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return {done, r};
}

ChildResult run_one(const std::vector<std::string>& argv, const fs::path& log) {
  auto pid = spawn(argv, log);
  if (!pid) return {};
  return reap(*pid).second;
}

struct SideFigures {
  int pages = 0, failures = 0;
  double wall_seconds = 0, cpu_seconds = 0, max_rss_mb = 0;
  double pages_per_minute() const { return wall_seconds > 0 ? pages * 60.0 / wall_seconds : 0; }
};

// Page resolution recorded in the truth (pages[0].dpi), else nullopt.
std::optional<double> truth_dpi(const fs::path& truth) {
  std::ifstream in(truth);
  auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("pages") || !j["pages"].is_array() || j["pages"].empty()) return std::nullopt;
  const auto& page = j["pages"][0];
  if (page.contains("dpi") && page["dpi"].is_number()) return page["dpi"].get<double>();
  return std::nullopt;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json side_json(const SideFigures& s) {
  return {{"pages", s.pages},
          {"failures", s.failures},
          {"wall_seconds", s.wall_seconds},
          {"cpu_seconds", s.cpu_seconds},
          {"pages_per_minute", s.pages_per_minute()},
          {"peak_rss_mb", s.max_rss_mb}};
}

int run_bench(const BenchArgs& args) {
  ::setenv("OMP_THREAD_LIMIT", "1", 1);  // inherited by both sides' children
  std::error_code ec;
  const fs::path corpus = args.corpus;
  const fs::path work = args.work_dir.empty() ? fs::temp_directory_path() / fmt::format("scantab-bench-{}", ::getpid())
                                              : fs::path(args.work_dir);
  std::vector<fs::path> pdfs;
  for (const auto& entry : fs::directory_iterator(corpus, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".pdf") pdfs.push_back(entry.path());
  std::sort(pdfs.begin(), pdfs.end());
  if (pdfs.empty()) {
    fmt::print(stderr, "scantab bench: no *.pdf in {}\n", corpus.string());
    return kMissingFile;
  }
  fs::create_directories(work / "pages", ec);
  fs::create_directories(work / "pred", ec);
  if (!fs::is_directory(work / "pred")) {
    fmt::print(stderr, "scantab bench: cannot create {}\n", work.string());
    return kOutputFailure;
  }
  const fs::path log = work / "bench.log";

  // 1. Rasterize (untimed).
  std::vector<fs::path> images;
  for (const fs::path& pdf : pdfs) {
    const std::string stem = pdf.stem().string();
    const double dpi = truth_dpi(corpus / (stem + ".truth.json")).value_or(args.dpi);
    const fs::path dir = work / "pages" / stem;
    fs::create_directories(dir, ec);
    ChildResult r = run_one({"pdftoppm", "-r", fmt::format("{:g}", dpi), "-gray", "-png", pdf.string(),
                             (dir / "p").string()}, log);
    if (r.exit_status != 0) {
      fmt::print(stderr, "scantab bench: pdftoppm failed on {} (see {})\n", pdf.string(), log.string());
      return kMissingDependency;
    }
    std::vector<fs::path> pages;
    for (const auto& entry : fs::directory_iterator(dir, ec)) pages.push_back(entry.path());
    std::sort(pages.begin(), pages.end());
    images.insert(images.end(), pages.begin(), pages.end());
  }
  const int jobs = std::max(1, args.jobs);
  fmt::print("bench: {} document(s), {} page(s), {} worker(s), work dir {}\n", pdfs.size(), images.size(), jobs,
             work.string());

  // 2. scantab, one process with `jobs` OCR threads.
  SideFigures scantab_side;
  scantab_side.pages = int(images.size());
  {
    std::vector<std::string> argv = {"/proc/self/exe", "convert"};
    for (const auto& pdf : pdfs) argv.push_back(pdf.string());
    for (const std::string& a :
         {std::string("-o"), (work / "pred").string(), std::string("-j"), std::to_string(jobs), std::string("-q"),
          std::string("--lang"), args.language})
      argv.push_back(a);
    auto start = std::chrono::steady_clock::now();
    ChildResult r = run_one(argv, log);
    scantab_side.wall_seconds = seconds_since(start);
    scantab_side.cpu_seconds = r.cpu_seconds;
    scantab_side.max_rss_mb = r.max_rss_mb;
    if (r.exit_status != 0) scantab_side.failures = 1;
  }

  // 3. Baseline: `jobs` tesseract processes at a time.
  SideFigures base_side;
  if (!args.skip_baseline) {
    base_side.pages = int(images.size());
    auto start = std::chrono::steady_clock::now();
    std::size_t next = 0;
    int running = 0;
    while (next < images.size() || running > 0) {
      while (running < jobs && next < images.size()) {
        auto pid = spawn({args.tesseract, images[next++].string(), "-", "-l", args.language, "--psm", "6"},
                         work / "baseline.txt");
        if (pid) ++running; else ++base_side.failures;
      }
      if (running == 0) break;
      auto [pid, r] = reap();
      if (pid <= 0) break;
      --running;
      if (r.exit_status != 0) ++base_side.failures;
      base_side.cpu_seconds += r.cpu_seconds;
      base_side.max_rss_mb = std::max(base_side.max_rss_mb, r.max_rss_mb);
    }
    base_side.wall_seconds = seconds_since(start);
  }

  // 4. Accuracy of scantab on the same pages.
  auto report = eval::run(corpus, work / "pred");

  const double ratio = base_side.pages_per_minute() > 0
                           ? scantab_side.pages_per_minute() / base_side.pages_per_minute() : 0;
  fmt::print("\n{:<10} {:>6} {:>9} {:>9} {:>10} {:>12}\n", "side", "pages", "wall s", "cpu s", "pages/min",
             "peak RSS MB");
  auto row = [](const char* name, const SideFigures& s) {
    fmt::print("{:<10} {:>6} {:>9.1f} {:>9.1f} {:>10.2f} {:>12.1f}{}\n", name, s.pages, s.wall_seconds,
               s.cpu_seconds, s.pages_per_minute(), s.max_rss_mb,
               s.failures ? fmt::format("  ({} failure(s))", s.failures) : "");
  };
  row("scantab", scantab_side);
  if (!args.skip_baseline) {
    row("tesseract", base_side);
    fmt::print("throughput ratio scantab / baseline: {:.2f}x\n", ratio);
  }
  fmt::print("peak RSS: scantab is one process with {} OCR thread(s); the baseline figure is its largest single "
             "process\n\n", jobs);
  if (report) fmt::print("{}", eval::to_text(*report));
  else fmt::print(stderr, "scantab bench: eval failed: {}\n", report.error().message);

  if (!args.json_path.empty()) {
    nlohmann::json out = {{"documents", pdfs.size()},
                          {"pages", images.size()},
                          {"workers", jobs},
                          {"scantab", side_json(scantab_side)},
                          {"throughput_ratio", ratio}};
    if (!args.skip_baseline) out["baseline"] = side_json(base_side);
    if (report) out["accuracy"] = nlohmann::json::parse(eval::to_json(*report), nullptr, false);
    auto written = write_file_atomically(args.json_path, out.dump(2) + "\n");
    if (!written) {
      fmt::print(stderr, "scantab bench: {}\n", written.error().message);
      return kOutputFailure;
    }
  }
  if (!report) return exit_code_for(report.error().code);
  return scantab_side.failures ? kInternal : kOk;
}

}  // namespace

Registered register_bench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "pages/min, peak RSS and accuracy of scantab beside plain `tesseract --psm 6` on a corpus");
  cmd->add_option("corpus", args->corpus, "directory of NAME.pdf + NAME.truth.json (e.g. from make_corpus.sh)")
      ->required();
  cmd->add_option("-w,--work", args->work_dir, "working directory for page images and predictions (default: a temp dir)");
  cmd->add_option("-j,--jobs", args->jobs, "parallelism of both sides: scantab OCR threads = tesseract processes")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--json", args->json_path, "also write the figures as JSON to this file (atomically)");
  cmd->add_option("--dpi", args->dpi, "rasterize at this dpi when a document's truth has none")
      ->capture_default_str();
  cmd->add_option("--lang", args->language, "Tesseract language for both sides")->capture_default_str();
  cmd->add_option("--tesseract", args->tesseract, "baseline executable")->capture_default_str();
  cmd->add_flag("--no-baseline", args->skip_baseline, "time scantab only");
  cmd->footer("Timings depend on the machine and its load: they are reported, never judged.");
  return {cmd, [args] { return run_bench(*args); }};
}

namespace {
const CommandRegistration registration{40, register_bench};
}  // namespace

}  // namespace scantab::app
