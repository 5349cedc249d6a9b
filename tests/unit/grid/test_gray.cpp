// grid::detect given the gray page as well: faded rules that binarize into
// sparse dots (or not at all) are judged on the gray page, while glyphs lying
// where an absent rule would be must not make that rule present.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"
#include "grid/grid.hpp"
#include "grid/gray_evidence.hpp"
#include "synthetic.hpp"

namespace scantab::grid {
namespace {

using testing::blank_page;
using testing::DrawStyle;
using testing::draw_table;
using testing::draw_text;
using testing::fade_on_binary;
using testing::fade_on_gray;
using testing::gray_of;
using testing::kInk;
using testing::kPaper;
using testing::Layout;
using testing::px;
using testing::spans;

// The page's structure comes out as `expected` with the gray page, and not
// without it (so the test guards the gray evidence, not the binary path).
template <class Expected>
void expect_only_gray_gets_it_right(const Image& page, const Image& gray, double dpi, const Expected& expected) {
  const Detection binary_only = detect(page, dpi);
  ASSERT_EQ(binary_only.tables.size(), 1u);
  EXPECT_NE(spans(binary_only.tables[0].cells), spans(expected));
  const Detection d = detect(page, gray, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

TEST(DarkFraction, FaintRuleIsDarkAndGlyphsAreSetAside) {
  // A 200 x 41 strip of paper; a faint rule 45 levels below the paper along
  // row 20; a glyph block crossing row 30 (marked as text).
  cv::Mat gray(41, 200, CV_8UC1, cv::Scalar(kPaper)), text = cv::Mat::zeros(41, 200, CV_8UC1);
  gray.row(20).setTo(kPaper - 45);
  gray(cv::Rect(40, 26, 60, 9)) = kInk;
  text(cv::Rect(39, 25, 62, 11)) = 255;
  detail::SegmentWindow w;
  w.from = 5;
  w.to = 194;
  w.lo = w.hi = 20;
  const std::optional<double> rule = detail::dark_fraction(gray, text, w, 25, 0.5);
  ASSERT_TRUE(rule.has_value());
  EXPECT_DOUBLE_EQ(*rule, 1.0);
  w.lo = w.hi = 30;  // through the glyphs: their positions do not count
  const std::optional<double> glyphs = detail::dark_fraction(gray, text, w, 25, 0.5);
  ASSERT_TRUE(glyphs.has_value());
  EXPECT_DOUBLE_EQ(*glyphs, 0.0);
  text(cv::Rect(0, 25, 150, 11)) = 255;  // mostly text: too little left to judge
  EXPECT_FALSE(detail::dark_fraction(gray, text, w, 25, 0.5).has_value());
}

// Amount text often sits close above a row rule; its glyph ink (set aside)
// then takes up much of the search band. A faded rule with 60 % of its
// positions so covered is still judged (Options::gray_min_text_free).
TEST(DarkFraction, FaintRuleBesideTextIsStillJudged) {
  cv::Mat gray(41, 200, CV_8UC1, cv::Scalar(kPaper)), text = cv::Mat::zeros(41, 200, CV_8UC1);
  gray.row(20).setTo(kPaper - 45);
  text(cv::Rect(0, 17, 120, 2)) = 255;  // glyph bottoms 2 px above the rule, over 60 % of it
  detail::SegmentWindow w;
  w.from = 0;
  w.to = 199;
  w.lo = w.hi = 20;
  w.search = 3;
  const std::optional<double> rule = detail::dark_fraction(gray, text, w, 25, Options{}.gray_min_text_free);
  ASSERT_TRUE(rule.has_value());
  EXPECT_DOUBLE_EQ(*rule, 1.0);
}

// A 5 x 4 table whose row rule 2 (over columns 1 and 2) and column rule 3
// (beside rows 1 and 2) are faded: sparse dots on the binary page, light
// gray (50 levels under the paper) on the gray page.
TEST(GrayEvidence, FadedRulesKeepCellsApart) {
  const double dpi = 200;
  Image page = blank_page(dpi);
  Layout layout = testing::plain_layout(5, 4);
  DrawStyle style;
  style.thickness = 2;
  const auto expected = draw_table(page, dpi, layout, style);
  const std::vector<int> ys = {px(30, dpi), px(38, dpi), px(46, dpi), px(54, dpi)};
  const std::vector<int> xs = {px(20, dpi), px(60, dpi), px(100, dpi), px(140, dpi)};
  struct Piece { bool horizontal; int at, from, to; };
  std::vector<Piece> faded;
  for (int c = 1; c <= 2; ++c) faded.push_back({true, ys[2], xs[c] + 2, xs[c + 1] - 1});
  for (int r = 1; r <= 2; ++r) faded.push_back({false, xs[3], ys[r] + 2, ys[r + 1] - 1});
  for (const Piece& p : faded) fade_on_binary(page, p.horizontal, p.at, p.from, p.to, 2, dpi);
  Image gray = gray_of(page);
  for (const Piece& p : faded) fade_on_gray(gray, p.horizontal, p.at, p.from, p.to, 2, kPaper - 50);

  expect_only_gray_gets_it_right(page, gray, dpi, expected);  // binary alone: the rules merge cells
}

// A two-row table (rows 7.4 mm: its column rules are shorter than the 15 mm
// that needs no anchoring) whose column rule 2 faded over its top 5 mm:
// the binarized piece reaches the bottom rule only, so without the gray
// page the column is lost (empty_tables rough: a 2 x 5 table read as 2 x 3).
TEST(GrayEvidence, ShortRulePieceReachesItsCrossingLineOnGray) {
  const double dpi = 200;
  Image page = blank_page(dpi);
  Layout layout = testing::plain_layout(2, 4);
  layout.row_heights = {7.4, 7.4};
  DrawStyle style;
  style.thickness = 2;
  const auto expected = draw_table(page, dpi, layout, style);
  const int x = px(20 + 80, dpi), y0 = px(30, dpi) + 2, y1 = px(30 + 5, dpi);
  fade_on_binary(page, false, x, y0, y1, 2, dpi);
  Image gray = gray_of(page);
  fade_on_gray(gray, false, x, y0, y1, 2, kPaper - 50);

  expect_only_gray_gets_it_right(page, gray, dpi, expected);  // binary alone: the column is lost
}

// Header text centred in its merged cells lies where the absent rules would
// be (see GridDetect.CentredTextAcrossAbsentLinesKeepsMerges); on the gray
// page it is dark, yet the merges must stay.
TEST(GrayEvidence, CentredTextAcrossAbsentLinesKeepsMerges) {
  const double dpi = 200;
  Image page = blank_page(dpi);
  const auto expected = testing::draw_header_with_centred_text(page, dpi);
  const Image gray = gray_of(page);
  const Detection d = detect(page, gray, dpi);
  ASSERT_EQ(d.tables.size(), 1u);
  EXPECT_EQ(spans(d.tables[0].cells), spans(expected));
}

// The gate of gray evidence (Options::gray_faded_levels): line-mask pixels
// of a segment as dark as glyphs (a glyph stroke chained into the masks,
// e.g. the 刂 of 划 centred in a merged cell of performance_sheet clean) read
// darker than the table's glyph level; the binarized dots of a faded rule read
// lighter. (A detect()-level page for this case was not found: on synthetic
// pages such a stroke already splits the merge on the binary page alone.)
TEST(RuleCoreGray, GlyphStrokeIsAsDarkAsGlyphsAndFadedDotsAreNot) {
  cv::Mat gray(41, 200, CV_8UC1, cv::Scalar(kPaper)), mask = cv::Mat::zeros(41, 200, CV_8UC1);
  cv::Mat glyphs = cv::Mat::zeros(41, 200, CV_8UC1);
  for (int x = 10; x < 190; x += 6) {  // glyph strokes, 2 px wide: cores 40, rims 110
    gray(cv::Rect(x, 30, 1, 8)) = 40;
    gray(cv::Rect(x + 1, 30, 1, 8)) = 110;
    glyphs(cv::Rect(x, 30, 2, 8)) = 255;
  }
  const int glyph_level = detail::quantile_gray(gray, glyphs, 0.25);
  EXPECT_EQ(glyph_level, 40);
  detail::SegmentWindow w;
  w.lo = w.hi = 10;
  w.from = 5;
  w.to = 194;
  EXPECT_EQ(detail::rule_core_gray(gray, mask, w), -1);  // nothing in the mask: no gate
  gray(cv::Rect(60, 10, 25, 2)) = 35;  // a glyph stroke's core on the rule's row
  mask(cv::Rect(60, 10, 25, 2)) = 255;
  EXPECT_LT(detail::rule_core_gray(gray, mask, w), glyph_level + Options{}.gray_faded_levels);
  gray(cv::Rect(60, 10, 25, 2)) = kPaper;  // instead, a faded rule's dots
  mask(cv::Rect(60, 10, 25, 2)) = 0;
  for (int x = 5; x < 190; x += 12) {
    gray(cv::Rect(x, 10, 3, 1)) = 150;
    mask(cv::Rect(x, 10, 3, 1)) = 255;
  }
  EXPECT_EQ(detail::rule_core_gray(gray, mask, w), 150);
  EXPECT_GE(detail::rule_core_gray(gray, mask, w), glyph_level + Options{}.gray_faded_levels);
}

TEST(GrayEvidence, GrayOfAnotherSizeIsAnError) {
  const double dpi = 150;
  Image page = blank_page(dpi);
  draw_table(page, dpi, testing::plain_layout(3, 3));
  const Image gray(page.width - 1, page.height, 1);
  EXPECT_FALSE(detect_checked(page, gray, dpi).has_value());
  EXPECT_EQ(detect(page, gray, dpi).tables.size(), 0u);
  EXPECT_EQ(detect(page, gray_of(page), dpi).tables.size(), 1u);
}

}  // namespace
}  // namespace scantab::grid
