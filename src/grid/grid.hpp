// grid: a binarized page -> ruled table grids with merged cells.
//
// Finds horizontal and vertical ruling lines (scale-aware: minimum lengths
// and tolerances are derived from the dpi; broken, faded and dashed lines are
// chained from their collinear dashes, see Options::chain_min_mm), groups lines that touch into
// tables, builds each table's lattice from the distinct line positions, and
// merges neighbouring lattice cells where the ruling segment between them is
// missing (rowSpan/colSpan).
#pragma once

#include <vector>

#include "core/core.hpp"

namespace scantab::grid {

struct Options {
  double min_table_width_mm = 30.0;   // smaller line clusters are not tables
  double min_table_height_mm = 8.0;
  // A ruling segment counts as present between two lattice nodes when at
  // least this fraction of it is covered by line pixels.
  double min_segment_coverage = 0.6;
  // Shortest ink runs kept as ruling lines. Longer than any text stroke
  // (a CJK character at 12 pt is ~4.2 mm wide; digits ~3 mm tall) yet shorter
  // than the narrowest cell side of a budget table. Short pieces (< 15 mm)
  // are kept only when both of their ends touch a crossing line, which drops
  // a dash or a character stroke that merely touches one ruling line.
  double min_horizontal_line_mm = 6.0;
  double min_vertical_line_mm = 5.0;
  // Experimental, off (0) by default. When > 0, ink runs at least this long
  // (mm) lying within ~0.4 mm of a lattice edge also count towards segment
  // coverage. That rescues faded lines that binarize into short dashes
  // (samples/income_total_rough.pdf: 10 false merges -> 1 with 1.5), but text
  // centred in a merged cell, lying where the missing line would be, can then
  // split the merge (see test CentredTextAcrossAbsentLinesKeepsMerges).
  double faint_dash_mm = 0.0;
  // Broken / faded / dashed ruling lines (scans whose lines binarize into
  // dashes): collinear ink runs of at least dash_min_mm, separated by gaps
  // of at most dash_max_gap_mm, are chained into one line when the chain
  // spans at least chain_min_mm and is at least chain_min_fill inked.
  // chain_min_mm = 0 turns chaining off. Such chains place lattice edges;
  // segment coverage counts only chains whose gaps are at most
  // dash_fill_gap_mm (a long-gap chain may run through a short merged row and
  // pick up glyph strokes there, whose absent segment must stay absent).
  // Faded rules of rough scans binarize with gaps of up to ~7 mm (sangong: a
  // whole column rule was lost with 5 mm). chain_min_mm is under the column
  // rules of a two-row table (2 x 8 mm; 20 mm lost them, 12 mm let a rule
  // chain on through a merged cell of an office scan).
  double dash_min_mm = 1.5;
  double dash_max_gap_mm = 8.0;
  double dash_fill_gap_mm = 5.0;
  double chain_min_mm = 15.0;
  double chain_min_fill = 0.6;
  // Only with a gray page (see detect()): a lattice segment that the line
  // pixels leave absent is still present when, along at least
  // gray_min_dark_fraction of it, the gray page is at least gray_dark_levels
  // (0..255) darker than the paper beside it, positions crossed by glyph ink
  // set aside; at least gray_min_text_free of the segment must be free of
  // glyph ink to judge it (see src/grid/gray_evidence.hpp). Rough scans
  // (corpus of 17 budget tables, 200 dpi): absent segments <= 0.04 (one
  // 0.13), faded present ones mostly 0.2 .. 0.9. Only faded segments are
  // judged so: the rule pixels the line masks found within the segment (a
  // glyph stroke on the rule's position can be chained into them) must be
  // at least gray_faded_levels lighter than the darkest quarter of the
  // table's glyph ink (clean scans: rules ~50 levels darker than that; rough
  // scans: faded rules -3 .. +45). The same darkness test also anchors the
  // loose end of a solid rule piece shorter than 15 mm to a crossing line up
  // to dash_max_gap_mm beyond it (a two-row table's column rule that faded
  // at one end). gray_min_dark_fraction = 0 turns all of this off.
  double gray_min_dark_fraction = 0.2;
  int gray_dark_levels = 25;
  double gray_min_text_free = 0.3;  // 0.5 lost rules under amounts (rough TEDS-S 0.955 vs 0.953)
  int gray_faded_levels = 0;
  // A lattice segment that the line pixels leave absent is still present
  // when thin ink pieces (what is left of a dashed rule) cover at least this
  // fraction of it in two or more pieces, and glyph strokes stay clear of
  // it (see add_dash_evidence in grid.cpp). 0 turns this off.
  double dash_evidence_fill = 0.3;
};

struct Detection {
  std::vector<Grid> tables;  // top-to-bottom, then left-to-right
  // 255 where a ruling-line pixel was found (same size as the input); OCR
  // crops erase these pixels so that lines are not read as characters.
  Image line_mask;
};

// binary: 1 channel, 255 = ink, 0 = background (values > 127 count as ink).
// dpi: of that image (pixels per inch). All output coordinates are pixels in
// the frame of `binary`. Never throws: on invalid input (empty image, more
// than one channel, dpi <= 0) or an internal library failure it returns an
// error (see detect_checked) or, for detect(), an empty Detection whose
// line_mask is all zero and the size of the input.
Result<Detection> detect_checked(const Image& binary, double dpi, const Options& options = {});
Detection detect(const Image& binary, double dpi, const Options& options = {});

// The same, also given the gray page `binary` was made from (1 channel, same
// size, 0 = black ink, 255 = paper): faded rules that binarized into sparse
// dots or vanished are then judged on it (Options::gray_min_contrast). A gray
// page of another size or channel count is an error.
Result<Detection> detect_checked(const Image& binary, const Image& gray, double dpi, const Options& options = {});
Detection detect(const Image& binary, const Image& gray, double dpi, const Options& options = {});

}  // namespace scantab::grid
