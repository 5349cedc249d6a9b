// Partially ruled and unruled tables (src/grid/text_columns.cpp): the
// column-gap model on hand-made text rows, and grid::detect on synthetic
// pages: a table with horizontal rules only, the same table with no rules at
// all, a table without outer vertical borders, and a page of prose (which
// must not become a table).
#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <utility>
#include <string>
#include <vector>

#include "core/cv_image.hpp"
#include "grid/grid.hpp"
#include "grid/text_columns.hpp"
#include "synthetic.hpp"

namespace scantab::grid {
namespace {

using detail::Edge;
using detail::Interval;
using detail::TextRow;
using testing::fade_on_binary;
using testing::fade_on_gray;
using testing::gray_of;
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

TEST(ColumnGaps, MarginOverhungByOneRowIsNoGap) {
  // The last column's blocks end at 499, one row's at 530 (a header, or an
  // amount a rough scan's speck lengthened): x 500-529 has ink in one row of
  // eight only, but no block lies right of it, so it separates no columns.
  std::vector<TextRow> rows(8, row({{0, 99}, {200, 499}}));
  rows[0] = row({{0, 99}, {200, 530}});
  const auto gaps = detail::column_gaps(rows, {0, 540}, 10, 2);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0], (Interval{100, 199}));
}

// ------------------------------------------------------------ text rows

// A text scale at 200 dpi (px).
detail::TextScale scale_200dpi(int line_height, int word_gap, int row_gap, int speck) {
  detail::TextScale s;
  s.px_per_mm = kDpi / 25.4;
  s.line_height = line_height;
  s.word_gap = word_gap;
  s.row_gap = row_gap;
  s.speck = speck;
  return s;
}

// The scale of 10.5 pt text at 200 dpi (line height 28 px).
detail::TextScale scale_200dpi() { return scale_200dpi(28, 13, 14, 8); }

// The one block of the one text row that `glyphs` make at 200 dpi.
Interval only_block(const std::vector<cv::Rect>& glyphs) {
  const auto rows = detail::text_rows(glyphs, cv::Rect(0, 0, 400, 300), scale_200dpi());
  EXPECT_EQ(rows.size(), 1u);
  if (rows.size() != 1) return {};
  EXPECT_EQ(rows[0].blocks.size(), 1u);
  return rows[0].blocks.size() == 1 ? rows[0].blocks[0] : Interval{};
}

TEST(TextRows, SpeckDoesNotWidenABlock) {
  // "12.5": digits 16 x 22 px, a 3 x 3 decimal point between the second and
  // the third; a 3 x 3 speck 10 px after the last digit, within the word gap.
  const std::vector<cv::Rect> glyphs{{100, 100, 16, 22}, {120, 100, 16, 22}, {138, 118, 3, 3},
                                     {144, 100, 16, 22}, {170, 110, 3, 3}};
  EXPECT_EQ(only_block(glyphs), (Interval{100, 159}));
}

TEST(TextRows, DotsJoinGlyphsButMakeNoBlockAlone) {
  // 称：中 — the colon's dots lie 7 px after 称 and 8 px before 中 (the glyphs
  // themselves are 19 px apart, more than the word gap); a lone dot far right.
  const std::vector<cv::Rect> glyphs{{100, 100, 28, 28}, {135, 106, 4, 4}, {135, 120, 4, 4},
                                     {148, 100, 28, 28}, {300, 110, 3, 3}};
  EXPECT_EQ(only_block(glyphs), (Interval{100, 175}));
}

// ------------------------------------------------------------ whitespace columns

TEST(PartialCandidates, NestedCandidatesGiveWayToRuledGridsAndToLargerCandidates) {
  auto grid_at = [](int x, int y, int w, int h, const char* kind) {
    Grid g;
    g.bounds = Rect{x, y, w, h};
    g.kind = kind;
    return g;
  };
  // Observed on a rough scan: a 2-column grid found by its rules (before
  // `first`) inside the right half of a 5-column partial candidate: the
  // candidate goes; the candidate below stays.
  std::vector<Grid> tables = {grid_at(933, 285, 567, 179, "ruled"), grid_at(155, 285, 1344, 178, "partial"),
                              grid_at(155, 705, 1343, 122, "partial")};
  detail::drop_overlapped_candidates(tables, 1);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].kind, "ruled");
  EXPECT_EQ(tables[1].bounds.y, 705);
  // Two candidates: the one inside the larger goes, wherever it comes.
  std::vector<Grid> pair = {grid_at(933, 285, 567, 179, "partial"), grid_at(155, 285, 1344, 178, "partial")};
  detail::drop_overlapped_candidates(pair, 0);
  ASSERT_EQ(pair.size(), 1u);
  EXPECT_EQ(pair[0].bounds.width, 1344);
  // Twins over the same region: the first stays. Side by side: both stay.
  std::vector<Grid> twins = {grid_at(0, 0, 100, 50, "partial"), grid_at(2, 1, 100, 50, "partial"),
                             grid_at(150, 0, 100, 50, "partial")};
  detail::drop_overlapped_candidates(twins, 0);
  ASSERT_EQ(twins.size(), 2u);
  EXPECT_EQ(twins[0].bounds.x, 0);
  EXPECT_EQ(twins[1].bounds.x, 150);
}

TEST(WhitespaceColumns, CaptionIsJudgedAgainstTheOtherRowsColumns) {
  // The text rows of whitespace_expenditure (clean, 200 dpi; line height 29,
  // word gap 13): a caption (部门名称：… | 单位：万元), the header group row
  // (项目 over code+name, 2023年预算数 over the three amounts), the header, 19
  // body rows. The caption's blocks narrow the code/name gap to [278, 310]
  // and open one in the sparse last column at [1403, 1417]; against those six
  // columns it leaves only two empty and would be kept as a table row.
  std::vector<TextRow> rows{
      {{254, 283}, {{164, 277}, {311, 712}, {1347, 1402}, {1434, 1490}}},
      {{316, 345}, {{475, 527}, {1085, 1261}}},
      {{374, 403}, {{200, 313}, {547, 660}, {930, 985}, {1116, 1228}, {1332, 1444}}},
      {{432, 461}, {{475, 530}, {954, 1055}, {1170, 1270}, {1383, 1486}}},
      {{492, 520}, {{167, 209}, {367, 595}, {956, 1055}, {1170, 1270}, {1385, 1486}}},
      {{550, 578}, {{166, 239}, {367, 509}, {530, 578}, {599, 799}, {956, 1055}, {1170, 1270}, {1385, 1486}}},
      {{608, 636}, {{167, 269}, {367, 480}, {955, 1055}, {1170, 1270}, {1434, 1486}}},
      {{667, 695}, {{167, 271}, {367, 596}, {952, 1055}, {1383, 1486}}},
      {{725, 753}, {{167, 271}, {367, 480}, {984, 1055}, {1199, 1270}}},
      {{783, 811}, {{167, 211}, {367, 624}, {971, 1055}, {1186, 1270}}},
      {{842, 870}, {{167, 243}, {367, 653}, {971, 1055}, {1186, 1270}}},
      {{900, 928}, {{167, 275}, {367, 827}, {971, 1055}, {1186, 1270}}},
      {{957, 986}, {{166, 209}, {368, 537}, {984, 1055}, {1199, 1270}}},
      {{1017, 1045}, {{166, 237}, {367, 596}, {984, 1055}, {1199, 1270}}},
      {{1075, 1103}, {{167, 267}, {367, 538}, {984, 1055}, {1199, 1270}}},
      {{1133, 1161}, {{167, 269}, {367, 538}, {1002, 1055}, {1217, 1270}}},
      {{1192, 1220}, {{166, 209}, {367, 508}, {987, 1055}, {1418, 1486}}},
      {{1250, 1278}, {{166, 241}, {367, 770}, {987, 1055}, {1418, 1486}}},
      {{1307, 1378}, {{167, 273}, {367, 828}, {987, 1055}, {1418, 1486}}},
      {{1408, 1436}, {{167, 209}, {367, 537}, {971, 1055}, {1186, 1270}}},
      {{1467, 1495}, {{167, 241}, {367, 537}, {971, 1055}, {1186, 1270}}},
      {{1525, 1553}, {{167, 271}, {367, 509}, {971, 1055}, {1186, 1270}}},
  };
  const std::vector<Edge> cols = detail::whitespace_columns(rows, scale_200dpi(29, 13, 15, 9));
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_EQ(rows.front().y, (Interval{316, 345}));  // the group row stays
  ASSERT_EQ(cols.size(), 6u);                        // 5 columns
  const std::vector<int> truth{340, 879, 1070, 1301};  // inner edges drawn on the page (± 1 mm)
  for (std::size_t c = 0; c < truth.size(); ++c) EXPECT_NEAR(cols[c + 1].pos, truth[c], 8) << "edge " << c + 1;
}

// ------------------------------------------------------------ centred spans

std::vector<Edge> edges_at(const std::vector<int>& xs) {
  std::vector<Edge> out;
  for (int x : xs) {
    Edge e;
    e.pos = e.lo = e.hi = x;
    out.push_back(e);
  }
  return out;
}

TEST(CentredSpans, HeaderOverThreeColumnsWithAnEdgeOffByAMillimetre) {
  // A header's group row: a label in column 0 and 2023年预算数 centred over
  // columns 2-4 (x 400-1000, centre 700) at x 600-750 (centre 675). The
  // gap-derived edge between columns 2 and 3 lies at 585: the header is
  // 17.5 px from column 3's centre (more than tol) and 25 px from the span's.
  const auto cols = edges_at({0, 200, 400, 585, 800, 1000});
  const auto spans_found = detail::centred_spans(row({{50, 120}, {600, 750}}), cols, 15, {});
  EXPECT_EQ(spans_found, (std::vector<std::pair<int, int>>{{2, 4}}));
}

TEST(CentredSpans, BlockTouchingAnEdgeLiesInsideItsColumn) {
  // The header starts exactly on the edge between columns 2 and 3 (the gap
  // it starts in was narrowed to its left end): it crosses no edge.
  const auto cols = edges_at({0, 200, 400, 600, 800, 1000});
  const auto spans_found = detail::centred_spans(row({{50, 120}, {600, 790}}), cols, 15, {});
  EXPECT_EQ(spans_found, (std::vector<std::pair<int, int>>{{2, 4}}));
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
  std::vector<std::pair<int, int>> absent;  // (row edge, column): rule stretches not drawn (a rowSpan)
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
    for (int r = 0; r <= d.rows; ++r)
      for (std::size_t c = 0; c + 1 < xs.size(); ++c)
        if (std::find(d.absent.begin(), d.absent.end(), std::pair(r, int(c))) == d.absent.end())
          cv::rectangle(m, cv::Rect(xs[c], ys[std::size_t(r)] - t / 2, xs[c + 1] - xs[c] + 1, t), 255, cv::FILLED);
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

// Speckle of a rough scan: `n` dots of 2-4 px (0.25-0.5 mm at 200 dpi)
// anywhere on the page, in column gaps and between text lines too.
void speckle(Image& page, int n, unsigned seed) {
  cv::Mat m = as_mat(page);
  cv::RNG rng(seed);
  for (int k = 0; k < n; ++k) {
    const int size = rng.uniform(2, 5);
    cv::rectangle(m, cv::Rect(rng.uniform(0, m.cols - size), rng.uniform(0, m.rows - size), size, size), 255,
                  cv::FILLED);
  }
}

// Rough scans (whitespace_expenditure rough: no table found): specks between
// text lines joined all lines into a few tall rows, specks in the column gaps
// split them into pieces narrower than a gap.
TEST(TextTables, SpeckleDoesNotHideAWhitespaceTable) {
  const Drawn d = budget_table();
  Image page = draw(d, Rules::kNone);
  speckle(page, 1500, 3);
  const Detection det = detect(page, kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  expect_drawn_table(det.tables[0], "whitespace", d);
}

TEST(TextTables, SpeckledProseIsNotATable) {
  for (bool rules : {false, true}) {
    Image page = prose_page(rules);
    speckle(page, 1500, 3);
    EXPECT_TRUE(detect(page, kDpi).tables.empty()) << "rules " << rules;
  }
}

// A partial table on a rough scan: one rule stretch faded (on the binary page
// only dots every 3 mm remain; the gray page still shows it), another one
// really absent (a cell spanning two rows, its amount centred across where
// the rule would be). The faded one must not join its cells; the absent one must.
TEST(TextTables, FadedRuleStretchOfAPartialTableJoinsNoCells) {
  Drawn d = budget_table();
  // (6,4) spans rows 6-7: one amount, centred across the absent rule.
  std::erase_if(d.cells, [](const TextCell& c) { return c.col == 4 && (c.row == 6 || c.row == 7); });
  d.cells.push_back({6, 4, 2, 1, TextCell::kAmount});
  d.absent.push_back({7, 4});
  Image page = draw(d, Rules::kHorizontal);
  const int y9 = px(d.y_mm + 9 * d.row_mm, kDpi);
  const int x3 = px(d.x_mm + 24 + 60 + 28, kDpi), x4 = px(d.x_mm + 24 + 60 + 28 + 28, kDpi);
  fade_on_binary(page, true, y9, x3 + 1, x4, 2, kDpi);
  Image gray = gray_of(page);
  fade_on_gray(gray, true, y9, x3 + 1, x4, 2, testing::kPaper - 45);

  const Detection binary_only = detect(page, kDpi);
  ASSERT_EQ(binary_only.tables.size(), 1u);
  EXPECT_NE(spans(binary_only.tables[0].cells), expected_spans(d));  // the faded stretch joins (8,3) and (9,3)
  const Detection det = detect(page, gray, kDpi);
  ASSERT_EQ(det.tables.size(), 1u);
  expect_drawn_table(det.tables[0], "partial", d);
}

}  // namespace
}  // namespace scantab::grid
