// `scantab convert`: scanned PDFs/images -> NAME.json, NAME.html, CSVs.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "output/output.hpp"
#include "pipeline/pipeline.hpp"

namespace fs = std::filesystem;

namespace scantab::app {
namespace {

struct ConvertArgs {
  std::vector<std::string> inputs;
  std::string out_dir;
  double dpi = 0;
  int threads = 0;
  std::string language = "chi_sim";
  std::string tessdata;
  std::string debug_dir;
  bool quiet = false;
};

// A directory input stands for the files directly inside it, in name order.
std::vector<fs::path> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<fs::path> out;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(input, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.emplace_back(input);
    }
  }
  return out;
}

int run_convert(const ConvertArgs& args) {
  std::error_code ec;
  fs::create_directories(args.out_dir, ec);
  if (!fs::is_directory(args.out_dir)) {
    fmt::print(stderr, "scantab: cannot create output directory {}: {}\n", args.out_dir, ec.message());
    return kOutputFailure;
  }
  pipeline::Options options;
  if (args.dpi > 0) options.raster.dpi_override = args.dpi;
  options.threads = args.threads;
  options.ocr.language = args.language;
  options.ocr.tessdata_dir = args.tessdata;
  options.debug_dir = args.debug_dir;
  pipeline::Converter converter(options);

  const std::vector<fs::path> inputs = expand_inputs(args.inputs);
  // Output names in input order (a repeated stem gets _2, _3 ...), fixed
  // before any document finishes, so they do not depend on timing.
  std::vector<std::string> names;
  std::map<std::string, int> stems;
  for (const fs::path& input : inputs) {
    int& uses = stems[input.stem().string()];
    names.push_back(++uses > 1 ? fmt::format("{}_{}", input.stem().string(), uses) : input.stem().string());
  }
  // The exit code is that of the first input (in input order) that failed.
  std::size_t first_failure = inputs.size();
  int exit_code = kOk;
  auto failed = [&](std::size_t index, int code) {
    if (index < first_failure) {
      first_failure = index;
      exit_code = code;
    }
  };
  std::size_t delivered = 0;
  bool missing_dependency = false;
  converter.convert_all(inputs, [&](std::size_t index, Result<DocumentResult> result) {
    ++delivered;
    const fs::path& input = inputs[index];
    if (!result) {
      int code = exit_code_for(result.error().code);
      fmt::print(stderr, "scantab: {}: {} [{}, exit {}]\n", input.string(), result.error().message,
                 to_string(result.error().code), code);
      failed(index, code);
      missing_dependency |= result.error().code == ErrorCode::kMissingDependency;
      return;
    }
    result->name = names[index];
    auto written = output::write_document(*result, args.out_dir);
    if (!written) {
      fmt::print(stderr, "scantab: {}: {}\n", input.string(), written.error().message);
      failed(index, kOutputFailure);
      return;
    }
    int tables = 0;
    for (const auto& page : result->pages) tables += static_cast<int>(page.tables.size());
    if (!args.quiet) {
      fmt::print("{}: {} page(s), {} table(s) -> {}\n", input.string(), result->pages.size(), tables,
                 written->json.string());
      for (const auto& issue : result->issues) fmt::print("  note: {}\n", issue.message);
      if (tables == 0) fmt::print("  note: no table found in this document\n");
    }
  });
  if (missing_dependency && delivered < inputs.size())
    fmt::print(stderr, "scantab: stopped: {} input(s) not converted\n", inputs.size() - delivered);
  return exit_code;
}

}  // namespace

Registered register_convert(CLI::App& app) {
  auto convert = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "OCR the ruled tables of scanned PDFs/images into JSON, HTML and CSV");
  cmd->add_option("inputs", convert->inputs, "PDF, PNG, JPEG or TIFF files, or directories of them")->required();
  cmd->add_option("-o,--out", convert->out_dir, "output directory (created if missing)")->required();
  cmd->add_option("--dpi", convert->dpi,
                  "render PDF pages at this resolution (default: a scanned page's own image resolution)")
      ->check(CLI::Range(50.0, 1200.0));
  cmd->add_option("-j,--threads", convert->threads, "worker threads: pages converted at once, one Tesseract engine each (default: all cores)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--lang", convert->language, "Tesseract language(s)")->capture_default_str();
  cmd->add_option("--tessdata", convert->tessdata, "directory holding the .traineddata files");
  cmd->add_option("--debug-dir", convert->debug_dir,
                  "write each page's binarized image, detected lines and cells as PNGs here");
  cmd->add_flag("-q,--quiet", convert->quiet, "print errors only");
  cmd->footer(
      "Outputs per input NAME: NAME.json (pages, tables, cells with spans, boxes, text, OCR text, confidence),\n"
      "NAME.html (one <table> per table) and NAME_p<page>_t<k>.csv.\n"
      "Exit codes: 0 ok, 2 usage, 3 missing file, 4 empty file, 5 unsupported format, 6 corrupt input,\n"
      "7 encrypted PDF, 8 page too large, 9 missing dependency, 10 output failure, 11 internal error.\n"
      "A page without a table is not an error: its page gets an empty table list and a note.");

  return {cmd, [convert] { return run_convert(*convert); }};
}

namespace {
const CommandRegistration registration{10, register_convert};
}  // namespace

}  // namespace scantab::app
