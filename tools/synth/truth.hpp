// Ground truth for a synthetic document, in the same JSON schema as scantab's
// own output (one scorer reads both), plus a PubTabNet-style HTML rendering.
//
// Coordinate frame: page pixels of the *rendered* page at the document's dpi,
// origin top-left, x right, y down, BEFORE degradation (skew/rotation are
// recorded per page so a scorer can map boxes if it needs to).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace scantab::synth {

struct BoxPx {
  int x = 0, y = 0, w = 0, h = 0;
};

struct TruthCell {
  int row = 0, col = 0, row_span = 1, col_span = 1;
  std::string text;  // exactly the rendered string; wrapped lines joined without separator
  BoxPx bbox;        // from the centre of the left/top ruling line to that of the right/bottom one
};

struct TruthTable {
  std::string title, unit, department;  // unit: text after "单位："; department: after "部门名称："
  std::vector<std::string> notes;       // lines below the grid
  int rows = 0, cols = 0, header_rows = 0;
  // How a reader can find the grid: "" for a fully ruled grid (nothing is
  // written, so the truth of ruled specs is unchanged), "partial" (some ruling
  // lines missing: columns must come from text alignment) or "whitespace"
  // (no ruling at all). Written as "gridKind", scantab's output key.
  std::string grid_kind;
  BoxPx bbox;                    // the grid including the outer ruling lines' full width
  std::vector<TruthCell> cells;  // row-major; covers the lattice exactly once
};

struct TruthPage {
  int page = 1;               // 1-based
  int width = 0, height = 0;  // rendered page size in pixels (before rotation)
  double dpi = 0;
  double applied_skew_degrees = 0;  // skew added by degradation, positive = counter-clockwise
  int applied_rotation_cw = 0;      // 0/90/180/270: clockwise rotation added by degradation
  std::vector<TruthTable> tables;
};

struct TruthDoc {
  std::string source;  // "NAME.pdf"
  std::vector<TruthPage> pages;
  nlohmann::json generator;  // font, dpi, profile, seed: how it was made
};

nlohmann::json to_json(const TruthDoc& doc);
std::string to_html(const TruthDoc& doc);

// Self-consistency check used by tests and by the generator before writing:
// every table's cells cover its rows x cols lattice exactly once, row-major.
// Returns an empty string when consistent, else a description of the first fault.
std::string check_lattice(const nlohmann::json& truth);

}  // namespace scantab::synth
