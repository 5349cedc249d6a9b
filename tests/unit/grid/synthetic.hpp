// Synthetic ruled pages for the grid tests: a table layout in millimetres is
// drawn with OpenCV into a binary page (255 = ink) at a given dpi, with
// pseudo-CJK "characters" (strokes of 一 丨 口 十 三 on a 3.5 mm em) and
// digits in the cells. The layout also yields the cells a detector must find.
#pragma once

#include <opencv2/core.hpp>
#include <ostream>
#include <random>
#include <vector>

#include "core/core.hpp"

namespace scantab::grid::testing {

struct Merge {
  int row = 0, col = 0, row_span = 1, col_span = 1;
};

struct Layout {
  double x_mm = 20, y_mm = 30;      // top-left corner of the table on the page
  std::vector<double> row_heights;  // mm, top to bottom
  std::vector<double> col_widths;   // mm, left to right
  std::vector<Merge> merges;        // merged regions (inner lines not drawn)
  bool left_border = true, right_border = true;
};

struct DrawStyle {
  int thickness = 2;          // line thickness in pixels
  double gap_every_mm = 0;    // > 0: break every line with a gap this often
  int gap_px = 3;             // width of such a gap
  bool text = true;           // fill cells with pseudo text
  bool text_touches_lines = false;  // glue a glyph to the top-left lines of each cell
};

// An A4 page (210 x 297 mm) at `dpi`, all background.
Image blank_page(double dpi, double width_mm = 210, double height_mm = 297);

// Draws the table; returns the expected cells (row-major, boxes empty).
std::vector<GridCell> draw_table(Image& page, double dpi, const Layout& layout,
                                 const DrawStyle& style = {}, unsigned seed = 1);

// A line of pseudo text: `n` glyphs of em `em_mm` starting at (x_mm, y_mm) (top-left).
void draw_text(Image& page, double dpi, double x_mm, double y_mm, int n, double em_mm = 3.5,
               unsigned seed = 7);

// One pseudo glyph into a cv::Mat view at pixel box (x, y, em, em).
void draw_glyph(cv::Mat& page, int x, int y, int em, int kind, int stroke);

inline int px(double mm, double dpi) { return int(mm * dpi / 25.4 + 0.5); }

// Layouts used by several tests.
Layout plain_layout(int rows = 5, int cols = 4);
Layout budget_header_layout();  // 2-row header with row/col spans + body
Layout performance_layout();    // merges in both directions

// budget_header_layout drawn without cell text, then header text centred in
// its merged cells so that its strokes lie where the absent rules would be
// (项目 over the col-1/2 line, 2023年预算数 over two lines, 单位 across the
// row-0/1 line). Returns the expected cells.
std::vector<GridCell> draw_header_with_centred_text(Image& page, double dpi);

// Gray pages (for detect(binary, gray, dpi)).
constexpr int kPaper = 232, kInk = 40;  // gray levels of a copy's paper and black ink

// The gray page of a binary page: ink kInk, paper kPaper, Gaussian noise of
// 6 gray levels, then a blur of 0.7 px (a rough copy's sharpness at 200 dpi).
Image gray_of(const Image& binary, unsigned seed = 5);

// A faded rule piece: on the gray page the band [at - t/2, at - t/2 + t) across
// and [from, to) along is painted `level` (before gray_of's noise: call this
// on the binary page first, then fade_on_gray); on the binary page the band
// keeps only 2-px dots every 3 mm (what a faded rule binarizes into).
void fade_on_binary(Image& binary, bool horizontal, int at, int from, int to, int t, double dpi);
void fade_on_gray(Image& gray, bool horizontal, int at, int from, int to, int t, int level);

// A cell's lattice position and spans, for exact structure assertions.
struct Span {
  int row, col, row_span, col_span;
  bool operator==(const Span&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Span& s) {
  return os << "(" << s.row << "," << s.col << " " << s.row_span << "x" << s.col_span << ")";
}
inline std::vector<Span> spans(const std::vector<GridCell>& cells) {
  std::vector<Span> out;
  for (const GridCell& c : cells) out.push_back({c.row, c.col, c.row_span, c.col_span});
  return out;
}

}  // namespace scantab::grid::testing
