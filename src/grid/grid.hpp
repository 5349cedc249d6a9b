// grid: a binarized page -> ruled table grids with merged cells.
//
// Finds horizontal and vertical ruling lines (scale-aware: minimum lengths
// and tolerances are derived from the dpi), groups lines that touch into
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
};

struct Detection {
  std::vector<Grid> tables;  // top-to-bottom, then left-to-right
  // 255 where a ruling-line pixel was found (same size as the input); OCR
  // crops erase these pixels so that lines are not read as characters.
  Image line_mask;
};

// binary: 255 = ink, 0 = background. dpi: of that image.
Detection detect(const Image& binary, double dpi, const Options& options = {});

}  // namespace scantab::grid
