// grid internals: tables whose columns are not (all) ruled.
//
// Two kinds, both found after the ruled grids of a page (grid.cpp calls
// add_text_tables at the end of its detection):
//  * "partial": a stack of long horizontal rules that belong to no ruled grid
//    (tables ruled horizontally only, three-line tables). Rows come from the
//    rules plus the text rows between them; columns from text alignment.
//  * "whitespace": a page with no ruled or partial table at all, whose text
//    holds a block of rows with several aligned columns. Rows come from text
//    rows, columns from text alignment.
// Column model (both kinds): the vertical whitespace gaps through the
// table's text rows (cf. the "stream" mode of Camelot/Tabula, and the
// whitespace-cover idea of Breuel 2002), computed on ink blocks:
// a position is inside a column gap when at most `allowance` rows have ink
// there (a header cell spanning two columns, a 合计 row spanning code+name
// cross the gap in a few rows); a gap holding ink blocks entirely inside it
// (a column filled in a few rows only) is split around them.
// Spans: a block crossing a column gap is one cell over those columns; a
// missing stretch of a horizontal rule over a column joins the cells above
// and below it (rowSpan), exactly as for ruled grids (lattice.hpp), unless
// the gray page shows a faded rule there.
// Rough scans: specks (boxes under 0.3 line heights) count as text only
// beside a glyph on its line (a decimal point, the dots of ：), and never
// widen a block at its ends; otherwise they join text lines into one row and
// fill or split the column gaps.
//
// Internal header (uses cv::Mat): include only from src/grid/*.cpp and tests.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "grid/grid.hpp"
#include "grid/lattice.hpp"

namespace scantab::grid::detail {

// A closed pixel interval [lo, hi].
struct Interval {
  int lo = 0, hi = 0;
  int width() const { return hi - lo + 1; }
  bool operator==(const Interval&) const = default;
};

// One text row: its vertical extent and its ink blocks, ascending by x and
// disjoint (runs of glyphs closer than the word gap). Pixels.
struct TextRow {
  Interval y;
  std::vector<Interval> blocks;
};

// The column gaps of `rows` within [span.lo, span.hi] (pixels, ascending):
// maximal runs of x, at least min_gap wide, strictly between the first and the
// last inked x, where at most `allowance` rows have a block; each run is then
// narrowed past blocks reaching into it from one side only (only blocks
// crossing it entirely, spanning cells, may lie in a gap), split around
// blocks lying entirely inside it (a sparsely filled column), and pieces
// narrower than min_gap are dropped.
std::vector<Interval> column_gaps(const std::vector<TextRow>& rows, Interval span, int min_gap, int allowance);

// Length scales of the text analysis, from the dpi and the page's text.
struct TextScale {
  double px_per_mm = 0;
  int line_height = 0;  // median ink height of a text line (pixels)
  int word_gap = 0;     // glyphs closer than this belong to one block (0.45 line heights)
  int row_gap = 0;      // text lines closer than this belong to one row (0.5 line heights)
  int speck = 0;        // boxes under this both ways are dots or specks (0.3 line heights)
};

// Text rows inside `region` from glyph boxes (x, y, w, h in page pixels):
// lines are the runs of the vertical projection of the boxes whose centre lies
// in the region; lines closer than s.row_gap are one row (a wrapped cell);
// each row's blocks are its boxes merged along x when closer than s.word_gap.
// A block extends over its larger boxes only: a dot or speck (under s.speck
// both ways) may join two boxes but not widen the block at its ends (a
// rough scan's speck after an amount would reach across a column gap); a
// block of dots alone is dropped.
std::vector<TextRow> text_rows(const std::vector<cv::Rect>& glyphs, const cv::Rect& region, const TextScale& s);

// The edge a column's blocks share, per side (pixels), if they do.
struct ColumnAlignment {
  std::optional<int> left, right;
};

// Column spans shown by centring alone, in one text row against column
// edges `cols` (pixels). A block lies inside column c when it does not cross
// c's edges (touching one is not crossing it). Such a block, whose
// neighbours a..b (a <= c <= b, a < b) hold no block in this row, spans
// a..b when:
//  * it lies more than tol from column c's centre and its centre is near
//    that of columns a..b (within max(tol, 15 % of their width), and closer
//    by tol than to column c's centre): a header cell centred over its
//    sub-columns, a centred 合计 over code and name. The widest span wins.
//    Content aligned with its column (`align`, may be empty: a short
//    right-aligned amount ends near the next column and looks centred over
//    both) spans nothing;
//  * or, in a sparse row (fewer than half of the columns hold a block: a
//    header's group row), it is centred in column c too (within tol, or 15 %
//    of c's width: gap-derived edges are uncertain by a few mm) and a..b is
//    the widest run of empty neighbours symmetric about c whose centre fits
//    as above (a header centred over three columns is centred in the middle
//    one).
// Returns (a, b) pairs.
std::vector<std::pair<int, int>> centred_spans(const TextRow& row, const std::vector<Edge>& cols, int tol,
                                               const std::vector<ColumnAlignment>& align);

// Columns of a candidate whitespace table (rows: text rows, top to bottom),
// with the rows it keeps: a top or bottom row that leaves at least 40 % of
// the columns empty (a 部门名称：… 单位：万元 caption line, a footnote; a
// block centred over several columns fills them all) is dropped and the
// columns recomputed; a row is judged against the columns of the other rows
// (its own blocks would narrow the gaps it is judged on). Column edges run
// half a line height beyond the rows' extent. Empty when fewer than 4 rows
// remain.
std::vector<Edge> whitespace_columns(std::vector<TextRow>& rows, const TextScale& s);

// Drops candidates tables[first ..] that overlap another table by half or
// more of the smaller one's area: a candidate nested with a table found
// before it (tables[.. first), found by its rules) goes; of two nested
// candidates the smaller goes (equal areas: the later one). Order of the
// rest is kept.
void drop_overlapped_candidates(std::vector<Grid>& tables, std::size_t first);

// Adds partial and whitespace tables to `out` (which holds the ruled grids
// found on the page, and its line mask). `ink`: the binarized page (CV_8U,
// non-zero = ink); `h_rules`: its horizontal ruling-line pixels (long
// horizontal runs, CV_8U, non-zero = rule), same size; `gray`: the gray page
// `ink` was binarized from (CV_8U, 0 = black, same size) or empty: a partial
// table's rule stretch missing from `h_rules` is still present when it shows
// on it (a faded rule, see Options::gray_min_dark_fraction). Rules used by a
// new table are added to out.line_mask. Grids are appended unsorted.
void add_text_tables(const cv::Mat& ink, const cv::Mat& h_rules, const cv::Mat& gray, double dpi,
                     const Options& options, Detection& out);

}  // namespace scantab::grid::detail
