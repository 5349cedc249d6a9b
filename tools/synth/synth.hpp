// scantab-synth: deterministic synthetic scans of budget tables.
//
// generate() renders a DocSpec (spec.hpp) page by page with Pango/Cairo,
// degrades each page with a named profile (clean, office, rough, rotated),
// and writes into opts.out_dir:
//   NAME.pdf         one JPEG per page at opts.dpi (page size = pixels*72/dpi pt)
//   NAME.truth.json  ground truth in scantab's output schema (see truth.hpp)
//   NAME.truth.html  PubTabNet-style tables
//   NAME-pN.png      the degraded pages, when opts.png
// Same spec + options + seed => byte-identical outputs.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "spec.hpp"

namespace scantab::synth {

// Unset optionals fall back to the spec's "defaults", then to the built-ins
// (Noto Serif CJK SC, 200 dpi, clean).
struct GenerateOptions {
  std::filesystem::path out_dir = ".";
  std::optional<std::string> name, font, profile;
  std::optional<double> dpi;
  std::uint64_t seed = 1;
  bool png = false;
};

struct GenerateResult {
  std::filesystem::path pdf, truth_json, truth_html;
  std::vector<std::filesystem::path> pngs;
  nlohmann::json truth;
};

std::expected<GenerateResult, std::string> generate(const DocSpec& doc, const GenerateOptions& opts);

// Names of the available degradation profiles, sorted.
std::vector<std::string> available_profiles();

}  // namespace scantab::synth
