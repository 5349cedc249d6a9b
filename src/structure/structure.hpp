// structure: grid geometry + recognized text -> Table; the text lines around
// a grid (title, 部门名称, 单位, notes) -> table metadata.
//
// Pure image/text logic on core types; no OCR here (the pipeline OCRs the
// segments this stage finds and hands the text back).
#pragma once

#include <string>
#include <vector>

#include "core/core.hpp"

namespace scantab::structure {

// Where to look for a grid's captions: `above` lies between the previous
// grid (or the page top) and this grid, at most max_above_mm high; `below`
// lies under the grid, at most max_below_mm high and never into the next grid.
struct CaptionRegions {
  Rect above, below;
};
std::vector<CaptionRegions> caption_regions(const std::vector<Grid>& grids, int page_width, int page_height,
                                            double dpi, double max_above_mm = 45.0, double max_below_mm = 18.0);

// Text segments in `region` of a binary page (255 = ink), ignoring pixels set
// in line_mask (may be empty). A text line is a band of rows with ink; it is
// cut into segments where a horizontal gap is wider than gap_mm (so
// "部门名称：…" at the left and "单位：万元" at the right of one line are two
// segments). Lines cut by the region's edge are dropped. Returned
// top-to-bottom, left-to-right, in page pixels.
std::vector<Rect> find_text_segments(const Image& binary, const Image& line_mask, const Rect& region, double dpi,
                                     double gap_mm = 8.0);

struct TextLine {
  Rect box;
  std::string text;
};

// Fills title, department, unit and caption_lines from the lines above the
// grid (top to bottom), and notes from the lines below it.
// Title: the line nearest the grid that is not a 部门名称/单位 line and looks
// like a table title (contains 表, or failing that the widest remaining line).
void apply_captions(Table& table, const std::vector<TextLine>& above, const std::vector<TextLine>& below);

// Joins the lines of one cell: a wrapped CJK label becomes one string; lines
// are separated by a space only where both sides are ASCII letters/digits.
std::string join_cell_lines(const std::string& text);

// Builds a Table from a grid and one CellText per grid cell (same order as
// grid.cells). Cell text is joined with join_cell_lines; ocr_text keeps the raw text.
Table assemble(const Grid& grid, const std::vector<CellText>& texts, int page_index);

// Tables running over pages: the first table of a page continues the last
// table of the previous page when it has no title of its own (empty, a 续表
// marker, or noise without a Chinese character) and either
//  - has the same columns (count and relative positions): header rows that
//    the continuation repeats are dropped; or
//  - has other columns, but nothing above it except 续表 markers, starts in
//    the top quarter of its page, has the same outer left/right edges (within
//    3 % of the table width), and something says the table runs on: the
//    first part ends in the bottom quarter of its page, a note under it
//    (本页…, 续表…, 下页…) or a 续表 marker, or one part's column edges are
//    all edges of the other. The joined table's columns are then the union of
//    both parts' column edges, each cell spanning the union columns between
//    its own edges.
// The stitched table stays on its first page (bbox is the first part's),
// records each row's page in row_pages (cell boxes stay in their own page's
// frame), and the continuation page gets a note. Returns how many
// continuations were joined.
int stitch_continued_tables(std::vector<PageResult>& pages);

}  // namespace scantab::structure
