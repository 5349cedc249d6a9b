// grid::detail lattice logic on hand-made coverage tables.
#include <gtest/gtest.h>

#include "grid/lattice.hpp"

namespace scantab::grid::detail {
namespace {

// A fully ruled rows x cols coverage table (every segment present).
Coverage full(int rows, int cols) {
  Coverage c;
  c.h.assign(rows + 1, std::vector<double>(cols, 1.0));
  c.v.assign(cols + 1, std::vector<double>(rows, 1.0));
  return c;
}

TEST(Lattice, ClusterMergesNearbyPiecesAndKeepsExtent) {
  const std::vector<Edge> edges = cluster_lines(
      {{100.0, 2, 0, 50}, {101.5, 2, 60, 200}, {300.0, 3, 0, 200}, {99.0, 1, 10, 20}}, 4);
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_NEAR(edges[0].pos, 101, 1);
  EXPECT_EQ(edges[0].start, 0);
  EXPECT_EQ(edges[0].end, 200);
  EXPECT_LE(edges[0].lo, 99);
  EXPECT_GE(edges[0].hi, 102);
  EXPECT_EQ(edges[1].pos, 300);
}

TEST(Lattice, FullGridHasNoSpans) {
  const auto cells = merge_cells(full(3, 4), 0.6);
  ASSERT_EQ(cells.size(), 12u);
  for (const GridCell& c : cells) {
    EXPECT_EQ(c.row_span, 1);
    EXPECT_EQ(c.col_span, 1);
  }
}

TEST(Lattice, AbsentSegmentsMergeIntoRectangles) {
  Coverage c = full(3, 3);
  c.v[1][0] = 0.0;  // (0,0)-(0,1) joined
  c.v[1][1] = 0.1;  // (1,0)-(1,1) joined
  c.h[1][0] = 0.0;  // (0,0)-(1,0) joined
  c.h[1][1] = 0.2;  // (0,1)-(1,1) joined -> 2x2 block
  const auto cells = merge_cells(c, 0.6);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0].row_span, 2);
  EXPECT_EQ(cells[0].col_span, 2);
  EXPECT_EQ(cells[1].col, 2);
}

TEST(Lattice, NonRectangularRegionIsSplitIntoRectangles) {
  // An L: (0,0),(0,1),(1,0) joined, (1,1) separate (a dangling line stub).
  Coverage c = full(2, 2);
  c.v[1][0] = 0.0;
  c.h[1][0] = 0.0;
  const auto cells = merge_cells(c, 0.6);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0].col_span, 2);  // (0,0) 1x2
  EXPECT_EQ(cells[0].row_span, 1);
  EXPECT_EQ(cells[1].row, 1);  // (1,0) 1x1
  EXPECT_EQ(cells[1].col, 0);
  EXPECT_EQ(cells[2].col, 1);  // (1,1)
}

TEST(Lattice, OuterBorderNeverMerges) {
  Coverage c = full(2, 2);
  for (auto& seg : c.h.front()) seg = 0;
  for (auto& seg : c.v.back()) seg = 0;
  EXPECT_EQ(merge_cells(c, 0.6).size(), 4u);
}

TEST(Lattice, EmptyInteriorEdgesAreReported) {
  Coverage c = full(3, 3);
  c.h[2] = {0.1, 0.0, 0.3};
  c.v[0] = {0.0, 0.0, 0.0};  // outer: never reported
  EXPECT_EQ(empty_interior_rows(c, 0.6), std::vector<int>{2});
  EXPECT_TRUE(empty_interior_cols(c, 0.6).empty());
}

TEST(Lattice, CleanFractionCountsAmbiguousSegments) {
  Coverage c = full(1, 2);
  c.v[1][0] = 0.5;  // ambiguous
  std::vector<Edge> rows(2), cols(3);
  EXPECT_NEAR(clean_fraction(c, rows, cols), 6.0 / 7.0, 1e-9);
  cols[1].synthetic = true;
  EXPECT_NEAR(clean_fraction(c, rows, cols), 1.0, 1e-9);
}

}  // namespace
}  // namespace scantab::grid::detail
