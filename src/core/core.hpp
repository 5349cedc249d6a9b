// core: value types shared by every stage. No third-party types here.
//
// Coordinate frame: unless a comment says otherwise, pixel coordinates are in
// the *prepared* page (after rotation and deskew), origin top-left, x right,
// y down, in pixels at the page's dpi.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scantab {

// ---------------------------------------------------------------- geometry
struct Rect {
  int x = 0, y = 0, width = 0, height = 0;
  int right() const { return x + width; }    // exclusive
  int bottom() const { return y + height; }  // exclusive
  bool empty() const { return width <= 0 || height <= 0; }
  long long area() const { return empty() ? 0 : 1LL * width * height; }
  bool operator==(const Rect&) const = default;
};
Rect intersect(const Rect& a, const Rect& b);
Rect unite(const Rect& a, const Rect& b);

// ---------------------------------------------------------------- images
// An owning 8-bit image, row-major, rows tightly packed (stride = width*channels).
// channels: 1 = gray (0 black .. 255 white), 3 = BGR (OpenCV order).
struct Image {
  int width = 0, height = 0, channels = 1;
  std::vector<std::uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c, std::uint8_t fill = 255)
      : width(w), height(h), channels(c), pixels(std::size_t(w) * h * c, fill) {}
  bool empty() const { return width <= 0 || height <= 0; }
  std::uint8_t* row(int y) { return pixels.data() + std::size_t(y) * width * channels; }
  const std::uint8_t* row(int y) const { return pixels.data() + std::size_t(y) * width * channels; }
};

// One rasterized input page as it came from the file (before any correction).
struct PageImage {
  Image image;
  double dpi = 300.0;   // pixels per inch of `image`
  int page_index = 0;   // 0-based page number within its document
};

// ---------------------------------------------------------------- errors
// Operational failures: values, never exceptions across stage boundaries.
// Each code maps to a documented CLI exit code (see src/app and README).
enum class ErrorCode {
  kMissingFile,        // input path does not exist
  kEmptyFile,          // zero bytes
  kUnsupportedFormat,  // neither PDF nor a supported image
  kCorruptInput,       // a PDF/image that cannot be parsed (truncated, damaged)
  kEncrypted,          // password-protected PDF
  kTooLarge,           // page image over the pixel limit
  kMissingDependency,  // e.g. Tesseract language data not found
  kOutputFailure,      // cannot write an output file
  kInternal,           // a bug or an unexpected library exception
};
const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

// ---------------------------------------------------------------- grids
// One cell of a detected lattice: top-left lattice position plus spans, and
// the pixel box between the ruling lines that bound it.
struct GridCell {
  int row = 0, col = 0;
  int row_span = 1, col_span = 1;
  Rect box;
};

// A detected table grid, geometry only.
// row_edges has rows+1 ascending y values, col_edges cols+1 ascending x values.
struct Grid {
  Rect bounds;
  std::vector<int> row_edges, col_edges;
  std::vector<GridCell> cells;  // covering the lattice exactly once, row-major by (row,col)
  std::string kind = "ruled";   // how the grid was found: "ruled", ...
  double confidence = 1.0;      // 0..1
  int rows() const { return row_edges.empty() ? 0 : int(row_edges.size()) - 1; }
  int cols() const { return col_edges.empty() ? 0 : int(col_edges.size()) - 1; }
};

// ---------------------------------------------------------------- text
struct CellText {
  std::string text;         // UTF-8, normalized for output
  double confidence = 0.0;  // 0..1 (Tesseract mean word confidence / 100)
};

// ---------------------------------------------------------------- findings
// Data-quality findings attached to a cell, table or document.
struct Issue {
  std::string code;     // stable machine-readable kind, e.g. "low_confidence"
  std::string message;  // human-readable
};

// ---------------------------------------------------------------- tables
struct Cell {
  int row = 0, col = 0, row_span = 1, col_span = 1;
  Rect box;                 // pixel box on the prepared page
  std::string text;         // current value
  std::string ocr_text;     // what OCR produced, never modified afterwards
  double confidence = 0.0;  // 0..1; 1.0 for empty cells known to be empty
  std::vector<Issue> issues;
};

struct Table {
  int page_index = 0;        // 0-based page of the first row
  Rect bbox;                 // grid bounds on that page
  std::string grid_kind = "ruled";
  int rows = 0, cols = 0;
  std::vector<Cell> cells;   // row-major by (row, col) of the top-left lattice position
  std::string title;         // e.g. "2023年预算支出总表"; empty if none found
  std::string unit;          // e.g. "万元" from "单位：万元"
  std::string department;    // from "部门名称：…"
  std::vector<std::string> caption_lines;  // every text line found above the grid, top to bottom
  std::vector<std::string> notes;          // text lines below the grid, e.g. "注：本表无数据"
  std::vector<Issue> issues;
  // For a table stitched from several pages: the 0-based page of each row
  // (size == rows); each cell's box is in the frame of its own row's page.
  // Empty when every row is on page_index.
  std::vector<int> row_pages;
};

struct PageResult {
  int page_index = 0;
  int width = 0, height = 0;  // prepared page size in pixels
  double dpi = 0;
  double skew_degrees = 0;    // skew that was corrected (positive = counter-clockwise)
  int rotation_degrees = 0;   // 0/90/180/270 rotation that was corrected
  std::vector<Table> tables;
  std::vector<std::string> notes;  // e.g. "no table found on this page"
};

struct DocumentResult {
  std::string source;      // input path as given
  std::string name;        // output stem
  std::vector<PageResult> pages;
  std::vector<Issue> issues;
};

}  // namespace scantab
