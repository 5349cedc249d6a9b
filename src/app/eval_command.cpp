// `scantab eval`: scores predictions (NAME.json) against ground truth
// (NAME.truth.json). A thin driver over eval::run: prints the per-document
// table, the per-profile summary and the overall line (eval::to_text), and
// optionally writes the same report as JSON (eval::to_json), atomically.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "core/atomic_file.hpp"
#include "eval/eval.hpp"

namespace scantab::app {
namespace {

struct EvalArgs {
  std::string truth_dir;
  std::string pred_dir;
  std::string json_path;
  double min_match_teds = 0.0;
  bool quiet = false;
};

int run_eval(const EvalArgs& args) {
  eval::Options options;
  options.min_match_teds = args.min_match_teds;
  auto report = eval::run(args.truth_dir, args.pred_dir, options);
  if (!report) {
    int code = exit_code_for(report.error().code);
    fmt::print(stderr, "scantab eval: {} [{}, exit {}]\n", report.error().message,
               to_string(report.error().code), code);
    return code;
  }
  if (!args.quiet) fmt::print("{}", eval::to_text(*report));
  if (!args.json_path.empty()) {
    auto written = write_file_atomically(args.json_path, eval::to_json(*report));
    if (!written) {
      fmt::print(stderr, "scantab eval: {}\n", written.error().message);
      return kOutputFailure;
    }
  }
  return kOk;
}

}  // namespace

Registered register_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "score predicted tables (NAME.json) against ground truth (NAME.truth.json)");
  cmd->add_option("--truth", args->truth_dir, "directory of NAME.truth.json files")->required();
  cmd->add_option("--pred", args->pred_dir, "directory of NAME.json files (scantab convert's output)")->required();
  cmd->add_option("--json", args->json_path, "also write the report as JSON to this file (atomically)");
  cmd->add_option("--min-match-teds", args->min_match_teds,
                  "pair a truth and a predicted table only if their TEDS reaches this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "print errors only");
  cmd->footer(
      "Metrics: TEDS and TEDS-S (structure only), numeric and text cell exact match, character error rate,\n"
      "table detection precision/recall; per document, per profile (truth \"profile\" key) and overall.\n"
      "A missing prediction counts as every table missed. Exit codes: 0 ok, 2 usage, 3 no truth directory,\n"
      "6 a truth file does not parse, 10 the JSON report cannot be written.");
  return {cmd, [args] { return run_eval(*args); }};
}

namespace {
const CommandRegistration registration{20, register_eval};
}  // namespace

}  // namespace scantab::app
