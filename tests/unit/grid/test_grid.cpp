// grid::detect on synthetic ruled pages drawn with OpenCV (see synthetic.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"
#include "grid/grid.hpp"
#include "synthetic.hpp"

namespace scantab::grid {
namespace {

using testing::blank_page;
using testing::DrawStyle;
using testing::draw_table;
using testing::draw_text;
using testing::Layout;
using testing::px;

using testing::Span;
using testing::spans;

// Drawn edge positions of a layout in pixels.
std::vector<int> drawn_edges(double origin_mm, const std::vector<double>& sizes, double dpi) {
  std::vector<int> out{px(origin_mm, dpi)};
  double acc = origin_mm;
  for (double s : sizes) out.push_back(px(acc += s, dpi));
  return out;
}

// Structural checks every detected grid must pass: cells cover the lattice
// exactly once, are row-major, and their boxes lie inside their bounding lines.
void expect_well_formed(const Grid& g, const std::string& kind = "ruled") {
  ASSERT_GE(g.rows(), 1);
  ASSERT_GE(g.cols(), 1);
  EXPECT_EQ(g.kind, kind);
  EXPECT_GE(g.confidence, 0.0);
  EXPECT_LE(g.confidence, 1.0);
  EXPECT_TRUE(std::is_sorted(g.row_edges.begin(), g.row_edges.end()));
  EXPECT_TRUE(std::is_sorted(g.col_edges.begin(), g.col_edges.end()));
  std::vector<int> covered(g.rows() * g.cols(), 0);
  for (std::size_t i = 0; i < g.cells.size(); ++i) {
    const GridCell& c = g.cells[i];
    if (i > 0) {
      const GridCell& p = g.cells[i - 1];
      EXPECT_LT(std::pair(p.row, p.col), std::pair(c.row, c.col)) << "cells not row-major";
    }
    ASSERT_LE(c.row + c.row_span, g.rows());
    ASSERT_LE(c.col + c.col_span, g.cols());
    for (int r = c.row; r < c.row + c.row_span; ++r)
      for (int k = c.col; k < c.col + c.col_span; ++k) ++covered[r * g.cols() + k];
    EXPECT_GT(c.box.x, g.col_edges[c.col]);
    EXPECT_LT(c.box.right(), g.col_edges[c.col + c.col_span] + 1);
    EXPECT_GT(c.box.y, g.row_edges[c.row]);
    EXPECT_LT(c.box.bottom(), g.row_edges[c.row + c.row_span] + 1);
    EXPECT_FALSE(c.box.empty());
  }
  for (int k : covered) EXPECT_EQ(k, 1) << "lattice not covered exactly once";
}

void expect_edges_near(const std::vector<int>& found, const std::vector<int>& drawn, int tol) {
  ASSERT_EQ(found.size(), drawn.size());
  for (std::size_t i = 0; i < found.size(); ++i) EXPECT_NEAR(found[i], drawn[i], tol) << "edge " << i;
}

TEST(GridDetect, PlainFiveByFourGrid) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  const Layout layout = testing::plain_layout(5, 4);
  const auto expected = draw_table(page, dpi, layout);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  const Grid& g = d.tables[0];
  expect_well_formed(g);
  EXPECT_EQ(g.rows(), 5);
  EXPECT_EQ(g.cols(), 4);
  EXPECT_EQ(spans(g.cells), spans(expected));
  expect_edges_near(g.row_edges, drawn_edges(layout.y_mm, layout.row_heights, dpi), 2);
  expect_edges_near(g.col_edges, drawn_edges(layout.x_mm, layout.col_widths, dpi), 2);
  EXPECT_GT(g.confidence, 0.95);
  // Bounds enclose the outer lines.
  EXPECT_LE(g.bounds.x, g.col_edges.front());
  EXPECT_GE(g.bounds.right(), g.col_edges.back());
  // A cell box is the inside of its lines: 40 mm minus about one line width.
  EXPECT_NEAR(g.cells[0].box.width, px(40, dpi) - 2, 2);
  EXPECT_NEAR(g.cells[0].box.height, px(8, dpi) - 2, 2);

  // The line mask has the lines and none of the text.
  ASSERT_EQ(d.line_mask.width, page.width);
  ASSERT_EQ(d.line_mask.height, page.height);
  const cv::Mat mask = as_mat(d.line_mask);
  EXPECT_EQ(mask.at<std::uint8_t>(g.row_edges[2], g.col_edges[1] + 50), 255);
  EXPECT_EQ(mask.at<std::uint8_t>(g.row_edges[1] + 40, g.col_edges[2]), 255);
  for (const GridCell& c : g.cells) {
    const Rect& b = c.box;
    EXPECT_EQ(cv::countNonZero(mask(cv::Rect(b.x + 2, b.y + 2, b.width - 4, b.height - 4))), 0);
  }
}

TEST(GridDetect, TwoRowMergedHeaderHasExactSpans) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  const auto expected = draw_table(page, dpi, testing::budget_header_layout());
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  const Grid& g = d.tables[0];
  expect_well_formed(g);
  EXPECT_EQ(g.rows(), 9);
  EXPECT_EQ(g.cols(), 6);
  EXPECT_EQ(spans(g.cells), spans(expected));
  // Spelled out: 单位 rowspan 2, 项目 colspan 2, 2023年预算数 colspan 3, then sub-headers.
  ASSERT_GE(g.cells.size(), 8u);
  EXPECT_EQ(spans({g.cells.begin(), g.cells.begin() + 8}),
            (std::vector<Span>{{0, 0, 2, 1}, {0, 1, 1, 2}, {0, 3, 1, 3}, {1, 1, 1, 1},
                               {1, 2, 1, 1}, {1, 3, 1, 1}, {1, 4, 1, 1}, {1, 5, 1, 1}}));
  // The merged 项目 box runs from column edge 1 to column edge 3.
  EXPECT_GT(g.cells[1].box.width, px(44, dpi) - 6);
}

TEST(GridDetect, CentredTextAcrossAbsentLinesKeepsMerges) {
  // Header text is centred in its merged cell, so its strokes lie exactly
  // where the missing ruling would be: it must not count as a line.
  const double dpi = 200;
  Image page = blank_page(dpi);
  const auto expected = testing::draw_header_with_centred_text(page, dpi);
  const testing::Layout layout = testing::budget_header_layout();
  const double x0 = layout.x_mm, y0 = layout.y_mm;
  cv::Mat m = as_mat(page);  // and a stroke lying right on the missing row line
  cv::line(m, {px(x0 + 4, dpi), px(y0 + 8, dpi)}, {px(x0 + 8, dpi), px(y0 + 8, dpi)}, 255, 1);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

// A glyph stroke in line with the rules beside a merged cell can be chained
// onto them; the cell stays merged, and the line mask (what is erased before
// OCR) holds nothing inside it, so the stroke is not cut from the text.
TEST(GridDetect, LineMaskHoldsNothingInsideAMergedCell) {
  const double dpi = 200;
  Image page = blank_page(dpi);
  const auto expected = testing::draw_header_with_centred_text(page, dpi);
  const Layout layout = testing::budget_header_layout();
  const double x0 = layout.x_mm, y0 = layout.y_mm;
  cv::Mat m = as_mat(page);  // a stroke on the missing row line, running into the row rule beside the cell
  cv::line(m, {px(x0 + 13, dpi), px(y0 + 8, dpi)}, {px(x0 + 22, dpi), px(y0 + 8, dpi)}, 255, 1);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
  int merged = 0;
  for (const GridCell& c : d.tables[0].cells) {
    if (c.row_span == 1 && c.col_span == 1) continue;
    ++merged;
    const int margin = px(1.0, dpi);
    const cv::Rect inner(c.box.x + margin, c.box.y + margin, c.box.width - 2 * margin, c.box.height - 2 * margin);
    EXPECT_EQ(cv::countNonZero(as_mat(d.line_mask)(inner)), 0) << "cell " << c.row << "," << c.col;
  }
  EXPECT_EQ(merged, 3);
}

TEST(GridDetect, VerticalMergeRowSpanThree) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  Layout layout = testing::plain_layout(6, 4);
  layout.merges = {{1, 0, 3, 1}};
  const auto expected = draw_table(page, dpi, layout);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
  EXPECT_EQ(d.tables[0].cells[4].row_span, 3);
  EXPECT_EQ(d.tables[0].cells[4].col, 0);
}

TEST(GridDetect, PerformanceSheetMergesInBothDirections) {
  const double dpi = 200;
  Image page = blank_page(dpi);
  const auto expected = draw_table(page, dpi, testing::performance_layout());
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(d.tables[0].rows(), 12);
  EXPECT_EQ(d.tables[0].cols(), 6);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

TEST(GridDetect, TwoTablesOnOnePageWithTitles) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  Layout top = testing::plain_layout(4, 3);
  top.y_mm = 40;
  Layout bottom = testing::budget_header_layout();
  bottom.y_mm = 150;
  draw_text(page, dpi, 60, 25, 10, 6.0, 3);   // big title above the first table
  draw_text(page, dpi, 20, 33, 8, 3.5, 4);    // 单位：万元 line
  draw_text(page, dpi, 60, 135, 12, 6.0, 5);  // title above the second
  const auto e1 = draw_table(page, dpi, top, {}, 11);
  const auto e2 = draw_table(page, dpi, bottom, {}, 12);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 2u);
  expect_well_formed(d.tables[0]);
  expect_well_formed(d.tables[1]);
  EXPECT_LT(d.tables[0].bounds.bottom(), d.tables[1].bounds.y);  // top to bottom
  EXPECT_EQ(spans(d.tables[0].cells), spans(e1));
  EXPECT_EQ(spans(d.tables[1].cells), spans(e2));
}

TEST(GridDetect, BrokenLinesStayOneGridWithoutFalseMerges) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  Layout layout = testing::budget_header_layout();
  DrawStyle style;
  style.gap_every_mm = 25;
  style.gap_px = 4;
  const auto expected = draw_table(page, dpi, layout, style);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

class LineThickness : public ::testing::TestWithParam<int> {};

TEST_P(LineThickness, SameStructure) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  DrawStyle style;
  style.thickness = GetParam();
  const auto expected = draw_table(page, dpi, testing::budget_header_layout(), style);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
  EXPECT_GT(d.tables[0].confidence, 0.9);
}
INSTANTIATE_TEST_SUITE_P(GridDetect, LineThickness, ::testing::Values(1, 3, 5));

TEST(GridDetect, TextOnlyPageHasNoTables) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  for (int line = 0; line < 40; ++line) draw_text(page, dpi, 20, 20 + line * 6.5, 40, 3.5, line);
  cv::Mat m = as_mat(page);
  // A long underline under a heading and a horizontal-only separator rule.
  cv::line(m, {px(20, dpi), px(17, dpi)}, {px(150, dpi), px(17, dpi)}, 255, 3);
  cv::line(m, {px(20, dpi), px(285, dpi)}, {px(190, dpi), px(285, dpi)}, 255, 2);
  // Digit strings stacked in a column ("1111" on consecutive lines).
  for (int k = 0; k < 10; ++k)
    cv::putText(m, "1111", {px(160, dpi), px(30 + 4 * k, dpi)}, cv::FONT_HERSHEY_SIMPLEX,
                px(2.6, dpi) / 22.0, 255, 3);
  const Detection d = detect(page, dpi);
  EXPECT_TRUE(d.tables.empty());
  EXPECT_EQ(cv::countNonZero(as_mat(d.line_mask)), 0);
}

TEST(GridDetect, BlankPageHasNoTables) {
  const Image page = blank_page(150);
  const Detection d = detect(page, 150);
  EXPECT_TRUE(d.tables.empty());
  EXPECT_EQ(d.line_mask.width, page.width);
}

TEST(GridDetect, TextTouchingRulingLines) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  DrawStyle style;
  style.text_touches_lines = true;
  const auto expected = draw_table(page, dpi, testing::budget_header_layout(), style);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

TEST(GridDetect, SameStructureAt150And300Dpi) {
  for (const Layout& layout : {testing::budget_header_layout(), testing::performance_layout()}) {
    std::vector<std::vector<Span>> found;
    for (double dpi : {150.0, 300.0}) {
      Image page = blank_page(dpi);
      DrawStyle style;
      style.thickness = dpi < 200 ? 1 : 2;
      const auto expected = draw_table(page, dpi, layout, style);
      const Detection d = detect(page, dpi);
      ASSERT_EQ(d.tables.size(), 1u) << dpi;
      expect_well_formed(d.tables[0]);
      EXPECT_EQ(spans(d.tables[0].cells), spans(expected)) << dpi;
      found.push_back(spans(d.tables[0].cells));
    }
    EXPECT_EQ(found[0], found[1]);
  }
}

TEST(GridDetect, OpenSidedTableGetsOuterColumns) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  Layout layout = testing::plain_layout(5, 4);
  layout.left_border = layout.right_border = false;
  const auto expected = draw_table(page, dpi, layout);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0], "partial");  // no outer vertical borders
  EXPECT_EQ(d.tables[0].cols(), 4);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

TEST(GridDetect, SlightSkewAndSpeckleNoise) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  const auto expected = draw_table(page, dpi, testing::budget_header_layout());
  cv::Mat m = as_mat(page), rotated;
  const cv::Mat rot = cv::getRotationMatrix2D({m.cols / 2.f, m.rows / 2.f}, 0.25, 1.0);
  cv::warpAffine(m, rotated, rot, m.size(), cv::INTER_LINEAR);
  cv::threshold(rotated, rotated, 100, 255, cv::THRESH_BINARY);
  cv::RNG rng(5);
  for (int k = 0; k < 20000; ++k) rotated.at<std::uint8_t>(rng.uniform(0, m.rows), rng.uniform(0, m.cols)) = 255;
  rotated.copyTo(m);
  const Detection d = detect(page, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  expect_well_formed(d.tables[0]);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

TEST(GridDetect, SmallBoxIsNotATable) {
  const double dpi = 300;
  Image page = blank_page(dpi);
  Layout layout = testing::plain_layout(1, 2);
  layout.col_widths = {8, 8};
  draw_table(page, dpi, layout);
  EXPECT_TRUE(detect(page, dpi).tables.empty());
}

TEST(GridDetect, InvalidInputIsAnErrorNotACrash) {
  EXPECT_FALSE(detect_checked(Image{}, 300).has_value());
  EXPECT_FALSE(detect_checked(Image(100, 100, 3, 0), 300).has_value());
  EXPECT_FALSE(detect_checked(Image(100, 100, 1, 0), 0).has_value());
  EXPECT_FALSE(detect_checked(Image(100, 100, 1, 0), -5).has_value());
  const Detection d = detect(Image(100, 100, 3, 0), 300);
  EXPECT_TRUE(d.tables.empty());
  EXPECT_EQ(d.line_mask.width, 100);
  EXPECT_EQ(d.line_mask.channels, 1);
}

}  // namespace
}  // namespace scantab::grid
