// grid internals: the lattice logic, free of image types.
//
// Given the positions of ruling lines (clustered into lattice edges) and, for
// every segment of every edge between two neighbouring crossings, the fraction
// of that segment covered by line pixels, this builds the merged cells.
// Internal header: include only from src/grid/*.cpp and the grid tests.
#pragma once

#include <vector>

#include "core/core.hpp"

namespace scantab::grid::detail {

// One ruling line piece as measured on the image, in the frame of the line:
// for a horizontal line `across` is its y centre and [start, end] its x extent
// (inclusive); for a vertical line the roles swap. Units: pixels.
struct LineSeg {
  double across = 0;     // centre position across the line
  double thickness = 1;  // mean thickness across the line (pixels)
  int start = 0, end = 0;
};

// One lattice edge: all line pieces whose centres lie within `tol` of each
// other. `pos` is the length-weighted centre; [lo, hi] the pixel band the
// member lines occupy across (inclusive; covers double lines and drift);
// [start, end] the union of their extents along. A synthetic edge closes an
// open side of a table (no line was drawn there): lo == hi == pos.
struct Edge {
  int pos = 0, lo = 0, hi = 0;
  int start = 0, end = 0;
  bool synthetic = false;
};

// Sorts pieces by `across` and chains neighbours closer than `tol` pixels
// into edges (single-linkage 1-D clustering). Result ascending by pos.
std::vector<Edge> cluster_lines(std::vector<LineSeg> segs, int tol);

// Coverage of lattice segments, each in 0..1.
//   h[i][c]: horizontal edge i (0..rows) between column edges c and c+1.
//   v[j][r]: vertical edge j (0..cols) between row edges r and r+1.
struct Coverage {
  std::vector<std::vector<double>> h, v;
  int rows() const { return h.empty() ? 0 : int(h.size()) - 1; }
  int cols() const { return v.empty() ? 0 : int(v.size()) - 1; }
};

// Interior edges (not the first or last) none of whose segments reach
// `threshold`: they bound no cell and are phantom lattice lines.
std::vector<int> empty_interior_rows(const Coverage& cov, double threshold);
std::vector<int> empty_interior_cols(const Coverage& cov, double threshold);

// Merged cells of the lattice: neighbouring lattice cells are joined
// (union-find) when the segment between them has coverage < threshold; the
// outer border never joins anything. Each joined region is then cut into
// rectangles greedily in row-major order (widest run to the right, then as
// many rows down as stay inside the region), so a non-rectangular region
// (an L or T shape caused by a broken or dangling line) still yields
// rectangles. Cells cover the lattice exactly once, row-major by (row, col).
// Boxes are left empty; the caller fills them from the edge positions.
std::vector<GridCell> merge_cells(const Coverage& cov, double threshold);

// Fraction of real (non-synthetic) segments whose coverage is clearly
// present (>= high) or clearly absent (<= low): a confidence for the grid.
double clean_fraction(const Coverage& cov, const std::vector<Edge>& row_edges,
                      const std::vector<Edge>& col_edges, double low = 0.15,
                      double high = 0.85);

}  // namespace scantab::grid::detail
