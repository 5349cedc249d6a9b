// Spec model for scantab-synth: what a synthetic document contains.
//
// A spec file (JSON, see specs/README.md) describes a document as pages, a page
// as a size plus tables stacked top to bottom, a table as title, caption line,
// column widths/alignment, header rows, body rows and notes. Rows list their
// cells PubTabNet style: a cell spanning several rows/columns appears once, at
// its top-left position; the positions it covers are omitted from later rows.
#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace scantab::synth {

enum class Align { kLeft, kCenter, kRight };

// Which ruling lines a table is drawn with (spec key "ruling"):
//   kAll                "all" (default): every cell edge, the fully ruled grid;
//   kNoOuterVertical    "noOuterVertical": no left/right border lines, interior
//                       vertical lines and every horizontal line drawn;
//   kHorizontalOnly     "horizontalOnly": horizontal lines only (each cell's top
//                       edge and the bottom border; a rowSpan leaves its gap);
//   kNone               "none": no lines at all, text placed as in the ruled grid.
// The cell geometry and the truth's cells are the same in every mode; the truth
// records the mode as "gridKind" (partial / whitespace) unless it is kAll.
enum class Ruling { kAll, kNoOuterVertical, kHorizontalOnly, kNone };

// One cell as written in the spec (before placement on the lattice).
struct CellSpec {
  std::string text;  // UTF-8; "\n" forces a line break (not part of the truth text)
  int row_span = 1, col_span = 1;
  std::optional<Align> align;  // overrides the column/header default
};

// A cell placed on the lattice: top-left (row, col) plus spans.
struct PlacedCell {
  int row = 0, col = 0, row_span = 1, col_span = 1;
  CellSpec spec;
};

struct ColumnSpec {
  double width = 1.0;          // relative; the grid spans the table width
  Align align = Align::kLeft;  // body alignment (headers are centred)
};

struct TableSpec {
  std::string title;           // e.g. "2023年预算支出总表"
  std::string caption_left;    // e.g. "部门名称：中国共产党忻州市委员会办公室"
  std::string caption_center;  // e.g. "（2023年度）" (performance sheets)
  std::string caption_right;   // e.g. "单位：万元"
  std::vector<ColumnSpec> columns;
  std::vector<std::vector<CellSpec>> header, body;  // PubTabNet-style rows
  std::vector<std::string> notes;                   // lines below the grid
  double font_size = 10.5;                          // body font size in points
  double width = 1.0;                               // fraction of the text width the grid spans (0..1]
  double min_row_height = 0;                        // points; 0 = 2 x font size
  Ruling ruling = Ruling::kAll;

  int rows() const { return int(header.size() + body.size()); }
  int cols() const { return int(columns.size()); }
};

struct PageSpec {
  bool landscape = false;  // A4 only: 210 x 297 mm, or 297 x 210 mm when landscape
  // Paragraphs of running text (spec key "paragraphs") set above the tables,
  // wrapped to the text width: prose that is not a table and has no truth.
  std::vector<std::string> paragraphs;
  std::vector<TableSpec> tables;
};

// Rendering defaults a spec may carry; command-line options override them.
struct RenderDefaults {
  std::optional<std::string> font, profile;
  std::optional<double> dpi;
};

struct DocSpec {
  std::string name;  // output stem; default: the spec file's stem
  RenderDefaults defaults;
  std::vector<PageSpec> pages;
};

// Parse a spec from JSON. Errors name the page/table/row at fault.
std::expected<DocSpec, std::string> parse_spec(const nlohmann::json& j);
std::expected<DocSpec, std::string> load_spec(const std::filesystem::path& path);

// Place the header+body rows of `table` on its rows() x cols() lattice.
// Fails unless every lattice position is covered exactly once.
// Result is row-major by top-left position.
std::expected<std::vector<PlacedCell>, std::string> place_cells(const TableSpec& table);

// Text as it appears in the truth: forced breaks removed (wrapped lines joined
// without any separator).
std::string truth_text(const std::string& spec_text);

}  // namespace scantab::synth
