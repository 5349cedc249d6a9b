// Unit tests for the preprocess stage on synthetic pages drawn with OpenCV:
// ruled tables with Latin "text" and amounts, text-only pages, seals, faint
// lines, speckle. Pages are rotated by known angles with cv::warpAffine
// (positive = counter-clockwise, as cv::getRotationMatrix2D) or cv::rotate.

#include <cmath>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"
#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

namespace scantab::preprocess {
namespace {

// ------------------------------------------------------------ page makers
// A ruled table page at `dpi` (A4 portrait): a title line, a unit line, a
// 5-column grid with a label column and right-aligned amounts like 1,234.56.
cv::Mat table_page(double dpi, int rows = 24, unsigned seed = 1) {
  const double mm = dpi / 25.4;
  cv::Mat page(int(297 * mm), int(210 * mm), CV_8UC1, cv::Scalar(255));
  std::mt19937 rng(seed);
  const double scale = 0.45 * dpi / 150;  // ~3 mm high glyphs
  const int thick = std::max(1, int(std::lround(dpi / 150)));
  cv::putText(page, "2023 BUDGET EXPENDITURE SUMMARY TABLE", {int(45 * mm), int(25 * mm)},
              cv::FONT_HERSHEY_SIMPLEX, scale * 1.3, 0, thick + 1, cv::LINE_AA);
  cv::putText(page, "Unit: 10,000 yuan", {int(150 * mm), int(35 * mm)}, cv::FONT_HERSHEY_SIMPLEX,
              scale, 0, thick, cv::LINE_AA);
  const int x0 = int(15 * mm), y0 = int(40 * mm);
  const int col_w[] = {int(60 * mm), int(30 * mm), int(30 * mm), int(30 * mm), int(30 * mm)};
  const int row_h = int(9 * mm);
  int x1 = x0;
  for (int w : col_w) x1 += w;
  const int y1 = y0 + rows * row_h;
  for (int r = 0; r <= rows; ++r) cv::line(page, {x0, y0 + r * row_h}, {x1, y0 + r * row_h}, 0, thick);
  for (int c = 0, x = x0; c <= 5; x += (c < 5 ? col_w[c] : 0), ++c) cv::line(page, {x, y0}, {x, y1}, 0, thick);
  std::uniform_int_distribution<int> amount(1000, 999999);
  for (int r = 0; r < rows; ++r) {
    const int base = y0 + r * row_h + int(6 * mm);
    cv::putText(page, "Item " + std::to_string(201 + r) + " services", {x0 + int(2 * mm), base},
                cv::FONT_HERSHEY_SIMPLEX, scale, 0, thick, cv::LINE_AA);
    int x = x0 + col_w[0];
    for (int c = 1; c < 5; ++c) {
      const int v = amount(rng);
      std::string s = std::to_string(v / 100);
      if (s.size() > 3) s.insert(s.size() - 3, ",");
      s += "." + std::to_string(10 + v % 90);
      int baseline = 0;
      const cv::Size sz = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &baseline);
      x += col_w[c];
      cv::putText(page, s, {x - sz.width - int(2 * mm), base}, cv::FONT_HERSHEY_SIMPLEX, scale, 0, thick,
                  cv::LINE_AA);
    }
  }
  return page;
}

// A page of running Latin text with numbers, no ruling lines.
cv::Mat text_page(double dpi, unsigned seed = 2) {
  const double mm = dpi / 25.4;
  cv::Mat page(int(297 * mm), int(210 * mm), CV_8UC1, cv::Scalar(255));
  std::mt19937 rng(seed);
  const char* words[] = {"budget", "the", "department", "expenditure", "of", "2,315.40", "funds",
                         "public", "services", "12.5", "total", "income", "and", "project", "1,020.00"};
  const double scale = 0.5 * dpi / 150;
  const int thick = std::max(1, int(std::lround(dpi / 150)));
  std::uniform_int_distribution<int> pick(0, 14);
  for (int line = 0; line < 30; ++line) {
    std::string text;
    while (text.size() < 52) text += std::string(words[pick(rng)]) + " ";
    cv::putText(page, text, {int(20 * mm), int((30 + line * 8) * mm)}, cv::FONT_HERSHEY_SIMPLEX, scale, 0,
                thick, cv::LINE_AA);
  }
  return page;
}

// Rotates counter-clockwise by `degrees` about the centre, white fill.
cv::Mat skewed(const cv::Mat& page, double degrees) {
  cv::Mat out;
  const cv::Point2f centre(page.cols / 2.0f - 0.5f, page.rows / 2.0f - 0.5f);
  cv::warpAffine(page, out, cv::getRotationMatrix2D(centre, degrees, 1.0), page.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar::all(255));
  return out;
}

Image gray_image(const cv::Mat& m) { return to_image(m); }

double ink_fraction(const Image& binary, cv::Rect area) {
  const cv::Mat roi = as_mat(binary)(area);
  return cv::countNonZero(roi) / double(area.area());
}

// ------------------------------------------------------------ skew
class preprocess_skew : public ::testing::TestWithParam<double> {};

TEST_P(preprocess_skew, TablePageWithinATenthOfADegree) {
  const double angle = GetParam();
  const Image binary = binarize(gray_image(skewed(table_page(150), angle)), 150);
  EXPECT_NEAR(estimate_skew_degrees(binary, 5.0), angle, 0.1);
}

TEST_P(preprocess_skew, TextOnlyPageWithinATenthOfADegree) {
  const double angle = GetParam();
  const Image binary = binarize(gray_image(skewed(text_page(150), angle)), 150);
  EXPECT_NEAR(estimate_skew_degrees(binary, 5.0), angle, 0.1);
}

INSTANTIATE_TEST_SUITE_P(KnownAngles, preprocess_skew, ::testing::Values(-4.5, -2.0, -0.5, 0.0, 0.5, 2.0, 4.5));

TEST(preprocess_skew, SignConventionPositiveIsCounterClockwise) {
  // A single horizontal rule that rises to the right (counter-clockwise as displayed).
  cv::Mat page(800, 1200, CV_8UC1, cv::Scalar(0));
  const double angle = 3.0;
  const double rise = std::tan(angle * CV_PI / 180.0) * 1000;
  cv::line(page, {100, 400 + int(rise / 2)}, {1100, 400 - int(rise / 2)}, 255, 2);
  EXPECT_NEAR(estimate_skew_degrees(to_image(page), 5.0), angle, 0.1);
}

TEST(preprocess_skew, RotateGrayUndoesAMeasuredSkew) {
  const Image page = gray_image(skewed(table_page(150), 2.0));
  const double skew = estimate_skew_degrees(binarize(page, 150), 5.0);
  const Image fixed = rotate_gray(page, -skew);
  EXPECT_EQ(fixed.width, page.width);
  EXPECT_EQ(fixed.height, page.height);
  EXPECT_NEAR(estimate_skew_degrees(binarize(fixed, 150), 5.0), 0.0, 0.05);
}

TEST(preprocess_skew, BlankPageAndAngleLimit) {
  EXPECT_EQ(estimate_skew_degrees(Image(600, 800, 1, 0), 5.0), 0.0);
  const Image binary = binarize(gray_image(skewed(table_page(150), 4.5)), 150);
  const double limited = estimate_skew_degrees(binary, 2.0);
  EXPECT_LE(std::abs(limited), 2.0);
}

// ------------------------------------------------------------ orientation
// The run-length count behind the smearing cue equals OpenCV's dilation
// followed by connected-component labelling, on random sparse glyph pages,
// for odd and even smear lengths, both axes, and ink touching the borders.
TEST(preprocess_orientation, SmearedComponentCountMatchesDilateAndLabel) {
  cv::RNG rng(17);
  for (int trial = 0; trial < 12; ++trial) {
    cv::Mat page(rng.uniform(40, 160), rng.uniform(40, 200), CV_8UC1, cv::Scalar(0));
    for (int k = 0; k < 120; ++k) {
      const cv::Point p(rng.uniform(-3, page.cols + 3), rng.uniform(-3, page.rows + 3));
      if (k % 3 == 0) cv::line(page, p, p + cv::Point(rng.uniform(-6, 7), rng.uniform(-6, 7)), 255, 1);
      else cv::rectangle(page, cv::Rect(p, cv::Size(rng.uniform(1, 5), rng.uniform(1, 5))), 255, cv::FILLED);
    }
    for (const int len : {1, 2, 3, 4, 7, 12}) {
      for (const bool horizontal : {true, false}) {
        cv::Mat dilated, labels;
        cv::dilate(page, dilated, cv::getStructuringElement(cv::MORPH_RECT, horizontal ? cv::Size(len, 1) : cv::Size(1, len)));
        const int expected = cv::connectedComponents(dilated, labels, 8, CV_32S) - 1;
        const cv::Mat input = horizontal ? page : cv::Mat(page.t());
        EXPECT_EQ(detail::smeared_component_count(input, len), expected) << trial << " " << len << " " << horizontal;
      }
    }
  }
  EXPECT_EQ(detail::smeared_component_count(cv::Mat(), 3), 0);
}

TEST(preprocess_orientation, UprightTablePageStaysUpright) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const Image binary = binarize(gray_image(table_page(150, 24, seed)), 150);
    const Orientation o = detect_orientation(binary, 150);
    EXPECT_EQ(o.rotation_degrees, 0) << "seed " << seed;
    EXPECT_GT(o.after_vertical_smear, 1.5 * o.after_horizontal_smear);
  }
}

TEST(preprocess_orientation, UprightSkewedPagesStayUpright) {
  for (double angle : {-4.5, 4.5}) {
    const Image binary = binarize(gray_image(skewed(table_page(150), angle)), 150);
    EXPECT_EQ(detect_orientation(binary, 150).rotation_degrees, 0) << angle;
    const Image text = binarize(gray_image(skewed(text_page(150), angle)), 150);
    EXPECT_EQ(detect_orientation(text, 150).rotation_degrees, 0) << angle;
  }
}

TEST(preprocess_orientation, QuarterTurnsAreFound) {
  const cv::Mat page = table_page(150);
  struct Case { cv::RotateFlags turn; int expected; };  // expected: clockwise turn that undoes it
  for (Case c : {Case{cv::ROTATE_90_COUNTERCLOCKWISE, 90}, Case{cv::ROTATE_90_CLOCKWISE, 270},
                 Case{cv::ROTATE_180, 180}}) {
    cv::Mat turned;
    cv::rotate(page, turned, c.turn);
    const Orientation o = detect_orientation(binarize(gray_image(turned), 150), 150);
    EXPECT_EQ(o.rotation_degrees, c.expected)
        << "n=" << o.components << " h=" << o.after_horizontal_smear << " v=" << o.after_vertical_smear
        << " low=" << o.dots_low
        << " high=" << o.dots_high;
  }
}

TEST(preprocess_orientation, TextOnlyQuarterTurn) {
  cv::Mat turned;
  cv::rotate(text_page(150), turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  EXPECT_EQ(detect_orientation(binarize(gray_image(turned), 150), 150).rotation_degrees, 90);
}

TEST(preprocess_orientation, UpsideDownDetectionCanBeDisabled) {
  cv::Mat turned;
  cv::rotate(table_page(150), turned, cv::ROTATE_180);
  EXPECT_EQ(detect_orientation(binarize(gray_image(turned), 150), 150, false).rotation_degrees, 0);
}

TEST(preprocess_orientation, RulesOnlyOrBlankPageStaysUpright) {
  cv::Mat grid(1754, 1240, CV_8UC1, cv::Scalar(255));
  for (int y = 200; y <= 1500; y += 50) cv::line(grid, {100, y}, {1100, y}, 0, 1);
  for (int x = 100; x <= 1100; x += 250) cv::line(grid, {x, 200}, {x, 1500}, 0, 1);
  EXPECT_EQ(detect_orientation(binarize(gray_image(grid), 150), 150).rotation_degrees, 0);
  EXPECT_EQ(detect_orientation(Image(1240, 1754, 1, 0), 150).rotation_degrees, 0);
}

TEST(preprocess_rotate, QuadrantTurnsAreExactAndClockwise) {
  Image img(3, 2, 1, 0);
  img.row(0)[0] = 7;  // top-left
  const Image cw = rotate_quadrant(img, 90);
  ASSERT_EQ(cw.width, 2);
  ASSERT_EQ(cw.height, 3);
  EXPECT_EQ(cw.row(0)[1], 7);  // top-left goes to top-right
  EXPECT_EQ(rotate_quadrant(img, 180).row(1)[2], 7);
  EXPECT_EQ(rotate_quadrant(img, 270).row(2)[0], 7);
  EXPECT_EQ(rotate_quadrant(img, -90).row(2)[0], 7);
  EXPECT_EQ(rotate_quadrant(img, 360).pixels, img.pixels);
}

// ------------------------------------------------------------ colour
TEST(preprocess_gray, RedSealIsLightTextUnderItStaysDark) {
  cv::Mat gray = table_page(150, 10);
  cv::Mat page;
  cv::cvtColor(gray, page, cv::COLOR_GRAY2BGR);
  // Seal ink multiplies the paper (ink over toner): text under it stays black.
  const cv::Point centre(700, 400);
  const int radius = 180;
  cv::Mat seal(page.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  cv::circle(seal, centre, radius, cv::Scalar(50, 40, 215), cv::FILLED, cv::LINE_AA);
  cv::multiply(page, seal, page, 1.0 / 255);
  const Image out = to_gray(to_image(page));
  ASSERT_EQ(out.channels, 1);
  const cv::Mat g = as_mat(out);
  int seal_paper = 0, seal_paper_light = 0, text_under = 0, text_under_dark = 0;
  for (int y = centre.y - radius + 10; y < centre.y + radius - 10; ++y)
    for (int x = centre.x - radius + 10; x < centre.x + radius - 10; ++x) {
      if (std::hypot(x - centre.x, y - centre.y) > radius - 10) continue;
      if (gray.at<std::uint8_t>(y, x) == 255) {
        ++seal_paper;
        seal_paper_light += g.at<std::uint8_t>(y, x) >= 230;
      } else if (gray.at<std::uint8_t>(y, x) < 60) {
        ++text_under;
        text_under_dark += g.at<std::uint8_t>(y, x) < 100;
      }
    }
  ASSERT_GT(seal_paper, 1000);
  ASSERT_GT(text_under, 200);
  EXPECT_GT(seal_paper_light, 0.99 * seal_paper);
  EXPECT_GT(text_under_dark, 0.95 * text_under);
  // And after binarization the seal leaves no blob: ink inside the circle is
  // about what the text and rules alone give.
  const Image with_seal = binarize(out, 150);
  const Image without = binarize(to_image(gray), 150);
  const cv::Rect box(centre.x - radius, centre.y - radius, 2 * radius, 2 * radius);
  EXPECT_NEAR(ink_fraction(with_seal, box), ink_fraction(without, box), 0.01);
}

// Regression (rough profile: sangong, hebei_general_expenditure): a faded
// ruling line (gray 186) crossed by the strokes of a red seal (red
// transmission 0.84) read 156 in red, which the fixed lift turned white, so
// the rule was cut wherever the seal's ring and characters crossed it. With
// the seal's red level measured on the page, the rule stays darker than the
// paper there, while the seal's strokes on bare paper still vanish.
TEST(preprocess_gray, FadedRuleUnderSealStrokesSurvives) {
  cv::Mat gray(600, 900, CV_8UC1, cv::Scalar(250));
  cv::line(gray, {50, 300}, {850, 300}, 186, 2);
  cv::Mat page;
  cv::cvtColor(gray, page, cv::COLOR_GRAY2BGR);
  cv::Mat seal(page.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  for (int r = 60; r <= 240; r += 20) cv::circle(seal, {450, 300}, r, cv::Scalar(60, 40, 214), 6);  // stroke rings
  cv::multiply(page, seal, page, 1.0 / 255);
  const Image converted = to_gray(to_image(page));  // as_mat is a view: keep the image alive
  const cv::Mat g = as_mat(converted);
  cv::Mat stroke_mask;
  cv::inRange(seal, cv::Scalar(0, 0, 0), cv::Scalar(254, 254, 254), stroke_mask);
  int rule_under = 0, rule_under_dark = 0, bare = 0, bare_light = 0;
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x) {
      if (!stroke_mask.at<std::uint8_t>(y, x)) continue;
      if (gray.at<std::uint8_t>(y, x) < 200) {
        ++rule_under;
        rule_under_dark += g.at<std::uint8_t>(y, x) <= 215;  // well below the paper (250)
      } else {
        ++bare;
        bare_light += g.at<std::uint8_t>(y, x) >= 240;
      }
    }
  ASSERT_GT(rule_under, 50);
  ASSERT_GT(bare, 5000);
  EXPECT_GT(rule_under_dark, 0.9 * rule_under);  // with the fixed lift: none
  EXPECT_GT(bare_light, 0.99 * bare);
  // After binarization the rule runs through the seal unbroken.
  const Image binary = binarize(to_gray(to_image(page)), 300);
  const cv::Mat b = as_mat(binary);
  int covered = 0;
  for (int x = 60; x < 840; ++x) covered += cv::countNonZero(b(cv::Rect(x, 297, 1, 7))) > 0;
  EXPECT_GT(covered, 0.97 * 780);
}

TEST(preprocess_gray, NeutralColourPagesKeepLuminance) {
  cv::Mat bgr(10, 10, CV_8UC3, cv::Scalar(120, 120, 120));
  bgr.at<cv::Vec3b>(0, 0) = {200, 60, 40};  // blue ink: not a seal colour
  const Image g = to_gray(to_image(bgr));
  EXPECT_EQ(g.row(5)[5], 120);
  EXPECT_LT(g.row(0)[0], 100);
}

// ------------------------------------------------------------ binarize
TEST(preprocess_binarize, FaintThinLinesSurviveAndNoiseDoesNot) {
  cv::Mat page(1200, 1200, CV_8UC1, cv::Scalar(250));
  cv::Mat noise(page.size(), CV_16SC1);
  cv::randn(noise, 0, 5);  // scanner/JPEG-like noise
  cv::Mat g16;
  page.convertTo(g16, CV_16SC1);
  g16 += noise;
  g16.convertTo(page, CV_8UC1);
  cv::line(page, {100, 600}, {1100, 600}, 180, 1);  // faint horizontal 1-px rule
  cv::line(page, {600, 100}, {600, 1100}, 180, 1);  // faint vertical 1-px rule
  const Image binary = binarize(to_image(page), 300);
  EXPECT_GT(ink_fraction(binary, {100, 600, 1000, 1}), 0.97);
  EXPECT_GT(ink_fraction(binary, {600, 100, 1, 1000}), 0.97);
  // Away from the rules the page is clean.
  EXPECT_LT(ink_fraction(binary, {100, 100, 400, 400}), 0.0005);
}

TEST(preprocess_binarize, FaintLineSurvivesADeskewRotation) {
  // Interpolation spreads a 1-px gray-180 rule over ~2 px of lighter gray.
  cv::Mat page(1000, 1200, CV_8UC1, cv::Scalar(252));
  cv::line(page, {100, 500}, {1100, 500}, 180, 1);
  const Image binary = binarize(rotate_gray(to_image(page), 1.7), 300);
  // Every column the rule crosses still has ink, and nothing else is ink.
  const cv::Mat b = as_mat(binary);
  int covered = 0;
  for (int x = 110; x < 1090; ++x) covered += cv::countNonZero(b.col(x)) > 0;
  EXPECT_GT(covered, 0.95 * 980);
  EXPECT_LT(cv::countNonZero(b), 3 * 1000);
}

// Regression (rough profile: sangong, empty_tables): a faded rule under
// heavy noise sits right at the per-pixel Sauvola threshold and binarized
// into sparse dots, too broken to chain. Averaged along the rule its
// darkness shows: the rule comes back nearly whole, while a bleed-through
// line (a mirrored back page, ~8 % darker than the paper) and the noise stay
// background, and a text-like dark band is not widened.
TEST(preprocess_binarize, FadedRuleUnderHeavyNoiseIsRecovered) {
  cv::Mat page(800, 1200, CV_8UC1, cv::Scalar(232));
  cv::line(page, {100, 300}, {1100, 300}, 186, 1);  // faded rule: 20 % below the paper
  cv::line(page, {600, 50}, {600, 750}, 186, 1);
  cv::line(page, {100, 500}, {1100, 500}, 214, 1);  // bleed-through: 8 % below
  cv::rectangle(page, cv::Rect(100, 620, 1000, 30), 120, cv::FILLED);  // a dark band
  cv::Mat noise(page.size(), CV_16SC1), g16;
  cv::theRNG().state = 4;  // the same noise whichever tests ran before
  cv::randn(noise, 0, 14);
  page.convertTo(g16, CV_16SC1);
  g16 += noise;
  g16.convertTo(page, CV_8UC1);
  const Image binary = binarize(to_image(page), 200);
  const cv::Mat b = as_mat(binary);
  auto covered_columns = [&](int y) {
    int n = 0;
    for (int x = 110; x < 1090; ++x) n += cv::countNonZero(b(cv::Rect(x, y - 1, 1, 3))) > 0;
    return n / 980.0;
  };
  EXPECT_GT(covered_columns(300), 0.95);  // without the faint-line pass: 0.85
  int rows_covered = 0;
  for (int y = 60; y < 740; ++y) rows_covered += cv::countNonZero(b(cv::Rect(599, y, 3, 1))) > 0;
  EXPECT_GT(rows_covered, 0.92 * 680);  // without: 0.83
  EXPECT_LT(covered_columns(500), 0.2);
  EXPECT_LT(ink_fraction(binary, {100, 80, 450, 180}), 0.002);  // noise only
  EXPECT_LE(cv::countNonZero(b(cv::Rect(100, 600, 450, 15))), 5);  // the band is not widened
}

TEST(preprocess_binarize, IsolatedSpecksAreRemovedDecimalPointsKept) {
  cv::Mat page(800, 800, CV_8UC1, cv::Scalar(255));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> jitter(0, 12);
  for (int i = 0; i < 144; ++i) {  // isolated 1-3 px specks, ~2.5 mm apart, in the top-left quarter
    const int s = 1 + i % 3;
    cv::rectangle(page, cv::Rect(20 + 30 * (i % 12) + jitter(rng), 20 + 30 * (i / 12) + jitter(rng), s, s), 0,
                  cv::FILLED);
  }
  // "1.5": two digit-sized strokes with a 3x3 px decimal point between them.
  cv::rectangle(page, cv::Rect(500, 500, 6, 36), 0, cv::FILLED);
  cv::rectangle(page, cv::Rect(512, 533, 3, 3), 0, cv::FILLED);
  cv::rectangle(page, cv::Rect(520, 500, 18, 36), 0, cv::FILLED);
  const Image binary = binarize(to_image(page), 300);
  EXPECT_EQ(cv::countNonZero(as_mat(binary)(cv::Rect(0, 0, 420, 420))), 0);
  EXPECT_EQ(cv::countNonZero(as_mat(binary)(cv::Rect(512, 533, 3, 3))), 9);
  EXPECT_GT(ink_fraction(binary, {500, 500, 6, 36}), 0.9);
}

TEST(preprocess_binarize, UnevenIlluminationAndBoldStrokes) {
  // Paper from 250 (left) to 130 (right), text strokes 60 gray levels darker.
  cv::Mat page(600, 1200, CV_8UC1);
  for (int x = 0; x < page.cols; ++x) page.col(x).setTo(250 - 120 * x / page.cols);
  cv::Mat ink(page.size(), CV_8UC1, cv::Scalar(0));
  for (int i = 0; i < 10; ++i)
    cv::putText(ink, "Budget 2023", {20 + i * 115, 300}, cv::FONT_HERSHEY_SIMPLEX, 1.0, 255, 2);
  cv::rectangle(ink, cv::Rect(100, 450, 1000, 12), 255, cv::FILLED);  // a 1 mm bold bar
  cv::subtract(page, 60, page, ink);
  const Image binary = binarize(to_image(page), 300);
  const cv::Mat b = as_mat(binary);
  // Ink found where drawn, on both the bright and the dark side.
  const double recall = cv::countNonZero(b & ink) / double(cv::countNonZero(ink));
  EXPECT_GT(recall, 0.95);
  cv::Mat background = ~ink;
  cv::Mat grown;
  cv::dilate(ink, grown, cv::Mat::ones(5, 5, CV_8U));
  EXPECT_EQ(cv::countNonZero(b & ~grown), 0);
}

// The streamed, block-averaged Sauvola (statistics on ~window/12 px blocks,
// interpolated back per row) against the textbook one: exact window mean
// and deviation by full-resolution box filters, T = m (1 + k (s/R - 1)),
// k = 0.15, R = 128, window 4.3 mm. On a table page under uneven light and
// noise, the two agree on all but a sliver of pixels at ink edges: nothing
// is found away from the textbook's ink.
TEST(preprocess_binarize, BlockSauvolaAgreesWithExactSauvola) {
  const double dpi = 200;
  cv::Mat page = table_page(dpi, 20, 3);
  for (int x = 0; x < page.cols; ++x) {  // light falls off by 60 levels to the right
    cv::Mat col = page.col(x);
    cv::subtract(col, cv::Scalar(60.0 * x / page.cols), col);
  }
  cv::Mat noise(page.size(), CV_16SC1), g16;
  cv::theRNG().state = 11;
  cv::randn(noise, 0, 6);
  page.convertTo(g16, CV_16SC1);
  g16 += noise;
  g16.convertTo(page, CV_8UC1);

  cv::Mat g32, mean, mean_sq;
  page.convertTo(g32, CV_32F);
  const int window = int(std::ceil(4.3 * dpi / 25.4)) | 1;
  cv::boxFilter(g32, mean, CV_32F, {window, window}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::boxFilter(g32.mul(g32), mean_sq, CV_32F, {window, window}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::Mat sd;
  cv::sqrt(cv::max(mean_sq - mean.mul(mean), 0.0), sd);
  const cv::Mat threshold = mean.mul(1.0 - 0.15 + (0.15 / 128.0) * sd);
  cv::Mat exact;
  cv::compare(g32, threshold, exact, cv::CMP_LT);

  const Image binary = binarize(to_image(page), dpi);  // as_mat is a view: keep the image alive
  const cv::Mat ours = as_mat(binary);
  const int exact_ink = cv::countNonZero(exact);
  ASSERT_GT(exact_ink, 10000);
  cv::Mat missing = exact & ~ours, extra = ours & ~exact;
  cv::Mat near_ink;
  cv::dilate(exact, near_ink, cv::Mat::ones(3, 3, CV_8U));
  cv::Mat stray = extra & ~near_ink;
  // Measured: 22 of 91814 ink pixels missing; 793 extra, every one touching
  // exact ink (the faint-line pass and block rounding thicken edges by a
  // pixel), none elsewhere.
  EXPECT_LT(cv::countNonZero(missing), 0.005 * exact_ink);
  EXPECT_LT(cv::countNonZero(extra), 0.015 * exact_ink);
  EXPECT_EQ(cv::countNonZero(stray), 0);
}

TEST(preprocess_binarize, OddAndTinySizesAreSafe) {
  for (const cv::Size size : {cv::Size(1, 1), cv::Size(2, 7), cv::Size(13, 1), cv::Size(37, 29), cv::Size(301, 97)}) {
    cv::Mat page(size, CV_8UC1, cv::Scalar(240));
    cv::line(page, {0, size.height / 2}, {size.width - 1, size.height / 2}, 20, 1);
    const Image binary = binarize(to_image(page), 300);
    ASSERT_EQ(binary.width, size.width);
    ASSERT_EQ(binary.height, size.height);
    if (size.width >= 37) EXPECT_GT(cv::countNonZero(as_mat(binary).row(size.height / 2)), size.width / 2);
  }
}

// ------------------------------------------------------------ prepare
TEST(preprocess_prepare, LandscapeTableTurnedAndSkewedAt300Dpi) {
  cv::Mat page = table_page(300);
  cv::Mat turned;
  cv::rotate(page, turned, cv::ROTATE_90_COUNTERCLOCKWISE);  // text now reads bottom-to-top
  const cv::Mat scan = skewed(turned, 2.0);
  cv::Mat bgr;
  cv::cvtColor(scan, bgr, cv::COLOR_GRAY2BGR);
  const auto prepared = prepare(PageImage{to_image(bgr), 300.0, 4});
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->page_index, 4);
  EXPECT_EQ(prepared->rotation_degrees, 90);
  EXPECT_EQ(prepared->gray.width, page.cols);
  EXPECT_EQ(prepared->gray.height, page.rows);
  EXPECT_EQ(prepared->binary.width, page.cols);
  EXPECT_EQ(prepared->binary.channels, 1);
  // After the quarter turn, a CCW skew of the turned scan is still CCW.
  EXPECT_NEAR(prepared->skew_degrees, 2.0, 0.1);
  EXPECT_NEAR(estimate_skew_degrees(prepared->binary, 5.0), 0.0, 0.1);
}

TEST(preprocess_prepare, UprightPortraitPageIsNotTurned) {
  const auto prepared = prepare(PageImage{to_image(table_page(200)), 200.0, 0});
  ASSERT_TRUE(prepared.has_value());
  EXPECT_EQ(prepared->rotation_degrees, 0);
  EXPECT_EQ(prepared->skew_degrees, 0.0);
  EXPECT_EQ(prepared->gray.width, prepared->source_width);
  // An unskewed, unturned page passes through without resampling.
  EXPECT_EQ(prepared->gray.pixels, to_image(table_page(200)).pixels);
}

TEST(preprocess_prepare, ToSourceMapsPreparedPointsBack) {
  // A marker at a known source position must map back onto itself.
  cv::Mat page = table_page(150);
  cv::Mat turned;
  cv::rotate(page, turned, cv::ROTATE_90_CLOCKWISE);
  cv::Mat scan = skewed(turned, -3.0);
  // In the blank bottom margin of the original page, now on the left.
  const cv::Point2d marker(120.5, 600.5);  // continuous coords, pixel centre
  cv::circle(scan, cv::Point(120, 600), 10, 0, cv::FILLED);
  const auto prepared = prepare(PageImage{to_image(scan), 150.0, 0});
  ASSERT_TRUE(prepared.has_value());
  ASSERT_EQ(prepared->rotation_degrees, 270);
  // Find the marker in the prepared page: the only blob that survives an
  // opening with a 15 px disc.
  cv::Mat b = as_mat(prepared->binary).clone();
  cv::Mat opened;
  cv::morphologyEx(b, opened, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {15, 15}));
  const cv::Moments m = cv::moments(opened, true);
  ASSERT_GT(m.m00, 20);
  const auto [sx, sy] = to_source(*prepared, m.m10 / m.m00 + 0.5, m.m01 / m.m00 + 0.5);
  EXPECT_NEAR(sx, marker.x, 2.0);
  EXPECT_NEAR(sy, marker.y, 2.0);
}

TEST(preprocess_prepare, RejectsBadImages) {
  EXPECT_EQ(prepare(PageImage{}).error().code, ErrorCode::kCorruptInput);
  EXPECT_EQ(prepare(PageImage{Image(10, 10, 2)}).error().code, ErrorCode::kUnsupportedFormat);
  Image broken(100, 100, 1);
  broken.pixels.resize(10);
  EXPECT_EQ(prepare(PageImage{broken}).error().code, ErrorCode::kCorruptInput);
}

TEST(preprocess_prepare, BlankAndTinyPagesAndOddDpi) {
  for (const Image& img : {Image(1240, 1754, 1, 255), Image(1, 1, 3, 0), Image(5, 400, 1, 0)}) {
    const auto prepared = prepare(PageImage{img, 0.0, 0});  // dpi 0: falls back to 300
    ASSERT_TRUE(prepared.has_value());
    EXPECT_EQ(prepared->rotation_degrees, 0);
    EXPECT_EQ(prepared->gray.width, img.width);
    EXPECT_EQ(prepared->binary.height, img.height);
  }
}

}  // namespace
}  // namespace scantab::preprocess

// ------------------------------------------------------------ orientation fallback
namespace scantab::preprocess {
namespace {

// Lines of words without digits: text lines clearly horizontal, but no
// baseline dots to tell upright from upside down.
cv::Mat words_page(double dpi) {
  const double mm = dpi / 25.4;
  cv::Mat page(int(297 * mm), int(210 * mm), CV_8UC1, cv::Scalar(255));
  const double scale = 0.5 * dpi / 150;
  const int thick = std::max(1, int(std::lround(dpi / 150)));
  for (int line = 0; line < 30; ++line)
    cv::putText(page, line % 2 ? "budget of the department and its public services" : "total income and project funds",
                {int(20 * mm), int((30 + line * 8) * mm)}, cv::FONT_HERSHEY_SIMPLEX, scale, 0, thick, cv::LINE_AA);
  return page;
}

// An oracle that always says `vote` with `confidence`, counting its calls.
struct FakeOracle {
  int vote = 0;
  double confidence = 10;
  int calls = 0;
  OrientationOracle fn() {
    return [this](const Image& binary, double) -> std::optional<OrientationVote> {
      ++calls;
      EXPECT_FALSE(binary.empty());
      return OrientationVote{vote, confidence};
    };
  }
};

}  // namespace

TEST(preprocess_orientation_fallback, ClearCuesNeverAskTheFallback) {
  FakeOracle oracle{180};
  const Orientation o = detect_orientation(binarize(gray_image(table_page(150)), 150), 150, true, oracle.fn());
  EXPECT_FALSE(o.ambiguous);
  EXPECT_EQ(oracle.calls, 0);
  EXPECT_EQ(o.rotation_degrees, 0);
}

TEST(preprocess_orientation_fallback, NoBaselineDotsAskTheFallbackForTheHalfTurn) {
  const Image binary = binarize(gray_image(words_page(150)), 150);
  const Orientation alone = detect_orientation(binary, 150);
  EXPECT_TRUE(alone.ambiguous);
  EXPECT_EQ(alone.rotation_degrees, 0);

  FakeOracle flip{180};
  const Orientation flipped = detect_orientation(binary, 150, true, flip.fn());
  EXPECT_EQ(flip.calls, 1);
  EXPECT_TRUE(flipped.used_fallback);
  EXPECT_EQ(flipped.rotation_degrees, 180);

  FakeOracle unsure{180, 1.0};  // under min_confidence: ignored
  EXPECT_EQ(detect_orientation(binary, 150, true, unsure.fn()).rotation_degrees, 0);

  FakeOracle other_axis{90};  // the smearing cue is clear: 90 is not an option
  const Orientation kept = detect_orientation(binary, 150, true, other_axis.fn());
  EXPECT_FALSE(kept.used_fallback);
  EXPECT_EQ(kept.rotation_degrees, 0);
}

TEST(preprocess_orientation_fallback, UpDownAloneNeedNotAskTheFallback) {
  // The axis is clear, only up/down is open: without fallback_for_upside_down
  // the oracle is not asked and the page is reported as unsure.
  const Image binary = binarize(gray_image(words_page(150)), 150);
  FakeOracle flip{180};
  const Orientation o = detect_orientation(binary, 150, true, flip.fn(), 2.0, /*fallback_for_upside_down=*/false);
  EXPECT_EQ(flip.calls, 0);
  EXPECT_TRUE(o.ambiguous);
  EXPECT_EQ(o.rotation_degrees, 0);
  Options options;
  options.orientation_fallback = flip.fn();
  options.fallback_for_upside_down = false;
  auto prepared = prepare(PageImage{gray_image(words_page(150)), 150, 0}, options);
  ASSERT_TRUE(prepared.has_value());
  EXPECT_EQ(flip.calls, 0);
  EXPECT_TRUE(prepared->orientation_unsure);
  EXPECT_FALSE(prepared->orientation_from_fallback);
  // An unclear axis still asks it.
  const Image blank(1240, 1754, 1, 0);
  FakeOracle turn{270};
  EXPECT_EQ(detect_orientation(blank, 150, true, turn.fn(), 2.0, false).rotation_degrees, 270);
  EXPECT_EQ(turn.calls, 1);
}

TEST(preprocess_orientation_fallback, TooLittleTextLetsTheFallbackChooseAnyTurn) {
  const Image blank(1240, 1754, 1, 0);
  FakeOracle oracle{270};
  const Orientation o = detect_orientation(blank, 150, true, oracle.fn());
  EXPECT_TRUE(o.ambiguous);
  EXPECT_EQ(o.rotation_degrees, 270);
  FakeOracle no_flip{270};  // without upside-down detection only 0 or 90
  EXPECT_EQ(detect_orientation(blank, 150, false, no_flip.fn()).rotation_degrees, 90);
}

TEST(preprocess_orientation_fallback, PrepareReportsAFallbackDecision) {
  FakeOracle oracle{180};
  Options options;
  options.orientation_fallback = oracle.fn();
  auto prepared = prepare(PageImage{gray_image(words_page(150)), 150, 0}, options);
  ASSERT_TRUE(prepared.has_value());
  EXPECT_EQ(prepared->rotation_degrees, 180);
  EXPECT_TRUE(prepared->orientation_from_fallback);
}

}  // namespace scantab::preprocess
