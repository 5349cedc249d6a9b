// Partially ruled and unruled tables (src/grid/text_columns.cpp): the
// column-gap model on hand-made text rows, and grid::detect on synthetic
// pages: a table with horizontal rules only, the same table with no rules at
// all, a table without outer vertical borders, and a page of prose (which
// must not become a table).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "core/cv_image.hpp"
#include "grid/grid.hpp"
#include "grid/text_columns.hpp"
#include "synthetic.hpp"

namespace scantab::grid {
namespace {

using detail::Interval;
using detail::TextRow;
using testing::px;
using testing::Span;
using testing::spans;

constexpr double kDpi = 200;

TextRow row(std::vector<Interval> blocks) { return TextRow{{0, 10}, std::move(blocks)}; }

TEST(ColumnGaps, GapsBetweenAlignedBlocks) {
  // Three columns: x 0-99, 200-299, 400-499 in every row.
  std::vector<TextRow> rows(6, row({{0, 99}, {200, 299}, {400, 499}}));
  const auto gaps = detail::column_gaps(rows, {0, 499}, 10, 1);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0], (Interval{100, 199}));
  EXPECT_EQ(gaps[1], (Interval{300, 399}));
}

TEST(ColumnGaps, ASpanningRowDoesNotCloseTheGap) {
  std::vector<TextRow> rows(8, row({{0, 99}, {200, 299}, {400, 499}}));
  rows[0] = row({{50, 250}, {400, 499}});  // a header cell over columns 0 and 1
  const auto gaps = detail::column_gaps(rows, {0, 499}, 10, int(rows.size()) / 4);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0], (Interval{100, 199}));  // crossed by one row of eight: still a gap
  // With no allowance the crossing row closes that gap.
  const auto strict = detail::column_gaps(rows, {0, 499}, 10, 0);
  ASSERT_EQ(strict.size(), 1u);
  EXPECT_EQ(strict[0], (Interval{300, 399}));
}

TEST(ColumnGaps, SparseColumnSplitsTheGap) {
  // A middle column filled in one row of eight only (one row may cross
  // anything at this allowance, so it lies inside the gap): it still counts.
  std::vector<TextRow> rows(8, row({{0, 99}, {400, 499}}));
  rows[3] = row({{0, 99}, {220, 280}, {400, 499}});
  const auto gaps = detail::column_gaps(rows, {0, 499}, 10, 2);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0], (Interval{100, 219}));
  EXPECT_EQ(gaps[1], (Interval{281, 399}));
}

TEST(ColumnGaps, ProseHasNoGaps) {
  std::vector<TextRow> rows(10, row({{0, 999}}));
  rows.back() = row({{0, 400}});  // last line of a paragraph
  EXPECT_TRUE(detail::column_gaps(rows, {0, 999}, 10, 2).empty());
}

// ------------------------------------------------------------ pages

// A budget-like table drawn cell by cell: pseudo CJK labels left-aligned,
// amounts right-aligned, header cells centred (two of them over several
// columns), a 合计 row centred over the first two columns.
struct TextCell {
  int row, col, row_span = 1, col_span = 1;
  enum Kind { kLabel, kAmount, kHeader } kind = kLabel;
  int glyphs = 3;  // CJK glyphs (labels, headers)
};

struct Drawn {
  std::vector<double> col_mm{24, 60, 28, 28, 28};
  double x_mm = 20, y_mm = 40, row_mm = 8;
  int rows = 12;
  std::vector<TextCell> cells;
};

Drawn budget_table() {
  Drawn d;
  using K = TextCell::Kind;
  d.cells.push_back({0, 0, 1, 2, K::kHeader, 2});
  d.cells.push_back({0, 2, 1, 3, K::kHeader, 6});
  for (int c = 0; c < 5; ++c) d.cells.push_back({1, c, 1, 1, K::kHeader, c == 1 ? 4 : 4});
  d.cells.push_back({2, 0, 1, 2, K::kHeader, 2});  // 合计, centred over code + name
  for (int c = 2; c < 5; ++c) d.cells.push_back({2, c, 1, 1, K::kAmount});
  for (int r = 3; r < d.rows; ++r) {
    d.cells.push_back({r, 0, 1, 1, K::kAmount, 0});  // codes: digits, left-aligned
    d.cells.push_back({r, 1, 1, 1, K::kLabel, 3 + (r * 5) % 11});
    for (int c = 2; c < 5; ++c)
      if ((r + c) % 4 != 0) d.cells.push_back({r, c, 1, 1, K::kAmount});  // some amounts empty
  }
  return d;
}

// The cells the detector must find: every lattice position covered once.
std::vector<Span> expected_spans(const Drawn& d) {
  std::vector<Span> out;
  std::vector<std::vector<int>> taken(std::size_t(d.rows), std::vector<int>(d.col_mm.size(), 0));
  for (const TextCell& c : d.cells)
    for (int r = c.row; r < c.row + c.row_span; ++r)
      for (int k = c.col; k < c.col + c.col_span; ++k) taken[std::size_t(r)][std::size_t(k)] = 1;
  for (int r = 0; r < d.rows; ++r)
    for (int c = 0; c < int(d.col_mm.size()); ++c) {
      bool found = false;
      for (const TextCell& t : d.cells)
        if (t.row == r && t.col == c) {
          out.push_back({r, c, t.row_span, t.col_span});
          found = true;
        }
      if (!found && !taken[std::size_t(r)][std::size_t(c)]) out.push_back({r, c, 1, 1});  // empty cell
    }
  return out;
}

enum class Rules { kHorizontal, kNone };

Image draw(const Drawn& d, Rules rules) {
  Image page = testing::blank_page(kDpi);
  cv::Mat m = as_mat(page);
  std::vector<int> xs{px(d.x_mm, kDpi)}, ys;
  double acc = d.x_mm;
  for (double w : d.col_mm) xs.push_back(px(acc += w, kDpi));
  for (int r = 0; r <= d.rows; ++r) ys.push_back(px(d.y_mm + r * d.row_mm, kDpi));
  const int em = px(3.5, kDpi), gap = px(0.4, kDpi), pad = px(1.5, kDpi), stroke = std::max(1, px(0.3, kDpi));
  const double digit_scale = px(2.6, kDpi) / 22.0;
  for (const TextCell& c : d.cells) {
    const int x0 = xs[std::size_t(c.col)], x1 = xs[std::size_t(c.col + c.col_span)];
    const int y0 = ys[std::size_t(c.row)], y1 = ys[std::size_t(c.row + c.row_span)];
    const int cy = (y0 + y1) / 2;
    if (c.kind == TextCell::kAmount) {
      const std::string text = c.glyphs == 0 ? std::to_string(2010000 + c.row * 101) : "1" + std::to_string(c.row) + "34.5" + std::to_string(c.col);
      int base = 0;
      const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, digit_scale, stroke, &base);
      const int x = c.glyphs == 0 ? x0 + pad : x1 - pad - size.width;
      cv::putText(m, text, {x, cy + size.height / 2}, cv::FONT_HERSHEY_SIMPLEX, digit_scale, cv::Scalar(255), stroke);
      continue;
    }
    const int width = c.glyphs * em + (c.glyphs - 1) * gap;
    const int x = c.kind == TextCell::kHeader ? (x0 + x1 - width) / 2 : x0 + pad;
    for (int k = 0; k < c.glyphs; ++k)
      testing::draw_glyph(m, x + k * (em + gap), cy - em / 2, em, (c.row * 7 + c.col * 3 + k) % 5, stroke);
  }
  if (rules == Rules::kHorizontal) {
    const int t = 2;
    for (int y : ys) cv::rectangle(m, cv::Rect(xs.front(), y - t / 2, xs.back() - xs.front() + 1, t), 255, cv::FILLED);
  }
  return page;
}

// The detected table is the drawn one, of grid kind `kind`: its row and
// column counts and every cell's spans.
void expect_drawn_table(const Grid& g, const char* kind, const Drawn& d) {
  EXPECT_EQ(g.kind, kind);
  EXPECT_EQ(g.rows(), d.rows);
  EXPECT_EQ(g.cols(), int(d.col_mm.size()));
  EXPECT_EQ(spans(g.cells), expected_spans(d));
}

TEST(TextTables, HorizontalRulesOnlyTableIsPartial) {
  const Drawn d = budget_table();
  const Detection det = detect(draw(d, Rules::kHorizontal), kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  const Grid& g = det.tables[0];
  expect_drawn_table(g, "partial", d);
  // Column edges lie between the columns' text, near the true boundaries.
  double acc = d.x_mm;
  for (std::size_t c = 1; c < d.col_mm.size(); ++c) {
    acc += d.col_mm[c - 1];
    EXPECT_NEAR(g.col_edges[c], px(acc, kDpi), px(d.col_mm[c] * 0.6, kDpi)) << "edge " << c;
  }
  // The rules are in the line mask (erased before OCR).
  EXPECT_GT(cv::countNonZero(as_mat(det.line_mask)), px(150, kDpi) * 10);
}

// A blurred, JPEG-compressed rule has a ragged fringe: short flat pieces of
// ink along it, too short to be ruling lines. They must not join the text
// blocks of neighbouring columns (office profile, partial_horizontal_only).
TEST(TextTables, RaggedRuleFringeIsNotText) {
  const Drawn d = budget_table();
  Image page = draw(d, Rules::kHorizontal);
  cv::Mat m = as_mat(page);
  cv::RNG rng(11);
  for (int r = 0; r <= d.rows; ++r) {
    const int y = px(d.y_mm + r * d.row_mm, kDpi);
    for (int k = 0; k < 40; ++k) {
      const int x = px(d.x_mm, kDpi) + rng.uniform(0, px(160, kDpi));
      const int dy = rng.uniform(0, 2) ? 2 : -3;  // just above or below the 2 px rule
      cv::line(m, {x, y + dy}, {x + px(rng.uniform(2.0, 5.0), kDpi), y + dy}, 255, 1);
    }
  }
  const Detection det = detect(page, kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  EXPECT_EQ(det.tables[0].kind, "partial");
  EXPECT_EQ(spans(det.tables[0].cells), expected_spans(d));
}

TEST(TextTables, UnruledTableFallsBackToWhitespace) {
  const Drawn d = budget_table();
  const Detection det = detect(draw(d, Rules::kNone), kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  const Grid& g = det.tables[0];
  expect_drawn_table(g, "whitespace", d);
  for (const GridCell& c : g.cells) EXPECT_FALSE(c.box.empty());
}

TEST(TextTables, NoOuterVerticalBordersIsPartial) {
  testing::Layout l = testing::budget_header_layout();
  l.left_border = l.right_border = false;
  Image page = testing::blank_page(kDpi);
  const auto expected = testing::draw_table(page, kDpi, l);
  const Detection det = detect(page, kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  EXPECT_EQ(det.tables[0].kind, "partial");
  EXPECT_EQ(spans(det.tables[0].cells), spans(expected));
}

TEST(TextTables, FullyRuledTableStaysRuled) {
  Image page = testing::blank_page(kDpi);
  testing::draw_table(page, kDpi, testing::budget_header_layout());
  const Detection det = detect(page, kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  EXPECT_EQ(det.tables[0].kind, "ruled");
}

// Justified paragraphs: full lines of glyphs from margin to margin, the first
// line of each paragraph indented by two glyphs, the last one short.
Image prose_page(bool with_rules) {
  Image page = testing::blank_page(kDpi);
  cv::Mat m = as_mat(page);
  const int em = px(3.5, kDpi), stroke = std::max(1, px(0.3, kDpi));
  const int left = px(20, kDpi), right = px(190, kDpi);
  int y = px(30, kDpi), seed = 1;
  for (int para = 0; para < 6; ++para) {
    const int lines = 3 + para % 3;
    for (int line = 0; line < lines; ++line, y += px(6, kDpi)) {
      const int x0 = left + (line == 0 ? 2 * em : 0);
      const int x1 = line == lines - 1 ? left + (right - left) * (3 + para % 4) / 8 : right;
      const int n = (x1 - x0) / (em + px(0.3, kDpi));
      const double step = n > 1 ? double(x1 - x0 - em) / (n - 1) : 0;  // justified
      for (int k = 0; k < n; ++k) testing::draw_glyph(m, x0 + int(k * step), y, em, (seed++ * 7) % 5, stroke);
    }
    y += px(4, kDpi);
  }
  if (with_rules) {  // a running header and footer rule over the prose
    cv::rectangle(m, cv::Rect(left, px(25, kDpi), right - left, 2), 255, cv::FILLED);
    cv::rectangle(m, cv::Rect(left, y + px(3, kDpi), right - left, 2), 255, cv::FILLED);
  }
  return page;
}

TEST(TextTables, ProseIsNotATable) {
  EXPECT_TRUE(detect(prose_page(false), kDpi).tables.empty());
  EXPECT_TRUE(detect(prose_page(true), kDpi).tables.empty());
}

TEST(TextTables, BlankPageHasNoTable) { EXPECT_TRUE(detect(testing::blank_page(kDpi), kDpi).tables.empty()); }

}  // namespace
}  // namespace scantab::grid
