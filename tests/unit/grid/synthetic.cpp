#include "synthetic.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"

namespace scantab::grid::testing {

Image blank_page(double dpi, double width_mm, double height_mm) {
  return Image(px(width_mm, dpi), px(height_mm, dpi), 1, 0);
}

void draw_glyph(cv::Mat& m, int x, int y, int em, int kind, int stroke) {
  const cv::Scalar ink(255);
  const int a = em / 10, b = em - em / 10;  // glyph body inside the em box
  switch (kind % 5) {
    case 0:  // 一
      cv::line(m, {x + a, y + em / 2}, {x + b, y + em / 2}, ink, stroke);
      break;
    case 1:  // 丨 with a short bar: 卜-like
      cv::line(m, {x + em / 2, y + a}, {x + em / 2, y + b}, ink, stroke);
      cv::line(m, {x + em / 2, y + em / 3}, {x + b, y + em / 3}, ink, stroke);
      break;
    case 2:  // 口
      cv::rectangle(m, cv::Rect(x + a, y + a, b - a, b - a), ink, stroke);
      break;
    case 3:  // 十
      cv::line(m, {x + a, y + em / 2}, {x + b, y + em / 2}, ink, stroke);
      cv::line(m, {x + em / 2, y + a}, {x + em / 2, y + b}, ink, stroke);
      break;
    default:  // 三
      for (int k = 0; k < 3; ++k)
        cv::line(m, {x + a, y + a + k * (b - a) / 2}, {x + b, y + a + k * (b - a) / 2}, ink, stroke);
  }
}

void draw_text(Image& page, double dpi, double x_mm, double y_mm, int n, double em_mm, unsigned seed) {
  cv::Mat m = as_mat(page);
  std::mt19937 rng(seed);
  const int em = px(em_mm, dpi), stroke = std::max(1, px(0.3, dpi));
  for (int k = 0; k < n; ++k)
    draw_glyph(m, px(x_mm, dpi) + k * (em + px(0.4, dpi)), px(y_mm, dpi), em, int(rng() % 5), stroke);
}

namespace {

// Covering merge of lattice cell (r, c), or nullptr.
const Merge* merge_at(const Layout& l, int r, int c) {
  for (const Merge& m : l.merges)
    if (r >= m.row && r < m.row + m.row_span && c >= m.col && c < m.col + m.col_span) return &m;
  return nullptr;
}

// Fills a region (pixel box) with pseudo text: lines of glyphs, digits, a dash.
void fill_text(cv::Mat& m, cv::Rect box, double dpi, std::mt19937& rng) {
  const int em = px(3.5, dpi), gap = px(0.4, dpi), pad = px(1.2, dpi);
  const int stroke = std::max(1, px(0.3, dpi));
  const int per_line = (box.width - 2 * pad) / (em + gap);
  const int lines = std::max(1, std::min(2, (box.height - 2 * pad) / (em + px(1.5, dpi))));
  if (per_line < 1 || box.height < em + 2 * pad) return;
  for (int line = 0; line < lines; ++line) {
    const int y = box.y + pad + line * (em + px(1.5, dpi));
    const int kind = int(rng() % 4);
    if (kind == 0) {  // digits, ~2.6 mm tall
      const double scale = px(2.6, dpi) / 22.0;
      cv::putText(m, per_line >= 3 ? "1111.70" : "11", {box.x + pad, y + px(2.6, dpi)},
                  cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255), stroke);
    } else if (kind == 1 && per_line >= 2) {  // a "——" dash of two ems
      cv::line(m, {box.x + pad, y + em / 2}, {box.x + pad + 2 * em, y + em / 2}, cv::Scalar(255), stroke);
    } else {
      const int n = 1 + int(rng() % per_line);
      for (int k = 0; k < n; ++k) draw_glyph(m, box.x + pad + k * (em + gap), y, em, int(rng() % 5), stroke);
    }
  }
}

}  // namespace

std::vector<GridCell> draw_table(Image& page, double dpi, const Layout& l, const DrawStyle& style,
                                 unsigned seed) {
  const int rows = int(l.row_heights.size()), cols = int(l.col_widths.size());
  std::vector<int> ys{px(l.y_mm, dpi)}, xs{px(l.x_mm, dpi)};
  double acc = l.y_mm;
  for (double h : l.row_heights) ys.push_back(px(acc += h, dpi));
  acc = l.x_mm;
  for (double w : l.col_widths) xs.push_back(px(acc += w, dpi));

  cv::Mat lines = cv::Mat::zeros(page.height, page.width, CV_8UC1);
  const int t = style.thickness, t0 = t / 2;
  auto hseg = [&](int y, int x0, int x1) { cv::rectangle(lines, cv::Rect(x0 - t0, y - t0, x1 - x0 + t, t), 255, cv::FILLED); };
  auto vseg = [&](int x, int y0, int y1) { cv::rectangle(lines, cv::Rect(x - t0, y0 - t0, t, y1 - y0 + t), 255, cv::FILLED); };
  for (int i = 0; i <= rows; ++i)
    for (int c = 0; c < cols; ++c) {
      const bool inner = i > 0 && i < rows && merge_at(l, i - 1, c) && merge_at(l, i - 1, c) == merge_at(l, i, c);
      if (!inner) hseg(ys[i], xs[c], xs[c + 1]);
    }
  for (int j = 0; j <= cols; ++j) {
    if ((j == 0 && !l.left_border) || (j == cols && !l.right_border)) continue;
    for (int r = 0; r < rows; ++r) {
      const bool inner = j > 0 && j < cols && merge_at(l, r, j - 1) && merge_at(l, r, j - 1) == merge_at(l, r, j);
      if (!inner) vseg(xs[j], ys[r], ys[r + 1]);
    }
  }
  if (style.gap_every_mm > 0) {  // break every line at regular intervals
    const int step = px(style.gap_every_mm, dpi), off = px(7, dpi);
    for (int y : ys)
      for (int x = xs.front() + off; x < xs.back(); x += step)
        cv::rectangle(lines, cv::Rect(x, y - t - 1, style.gap_px, 2 * t + 3), 0, cv::FILLED);
    for (int x : xs)
      for (int y = ys.front() + off; y < ys.back(); y += step)
        cv::rectangle(lines, cv::Rect(x - t - 1, y, 2 * t + 3, style.gap_px), 0, cv::FILLED);
  }

  cv::Mat m = as_mat(page);
  std::mt19937 rng(seed);
  std::vector<GridCell> expected;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const Merge* mg = merge_at(l, r, c);
      if (mg && (mg->row != r || mg->col != c)) continue;
      GridCell cell{r, c, mg ? mg->row_span : 1, mg ? mg->col_span : 1, Rect{}};
      expected.push_back(cell);
      const cv::Rect box(xs[c] + t, ys[r] + t, xs[c + cell.col_span] - xs[c] - 2 * t,
                         ys[r + cell.row_span] - ys[r] - 2 * t);
      if (style.text) fill_text(m, box, dpi, rng);
      if (style.text_touches_lines) {  // 口 glued to the top-left corner, 一 glued to the right line
        const int em = px(3.5, dpi), stroke = std::max(1, px(0.3, dpi));
        if (box.width > 2 * em && box.height > em) {
          draw_glyph(m, xs[c] + t0 - em / 10, ys[r] + t0 - em / 10, em, 2, stroke);
          draw_glyph(m, xs[c + cell.col_span] - t0 - em + em / 10, box.y + box.height - em - 1, em, 0, stroke);
        }
      }
    }
  cv::bitwise_or(m, lines, m);
  return expected;
}

Layout plain_layout(int rows, int cols) {
  Layout l;
  l.row_heights.assign(rows, 8.0);
  l.col_widths.assign(cols, 40.0);
  return l;
}

Layout budget_header_layout() {
  // | 单位 (rowspan 2) | 项目 (科目编码|科目名称) | 2023年预算数 (合计|基本支出|项目支出) |
  Layout l;
  l.row_heights = {8, 8, 7, 7, 7, 7, 7, 7, 12};  // last body row holds two text lines
  l.col_widths = {22, 22, 50, 28, 28, 28};
  l.merges = {{0, 0, 2, 1}, {0, 1, 1, 2}, {0, 3, 1, 3}};
  return l;
}

std::vector<GridCell> draw_header_with_centred_text(Image& page, double dpi) {
  const Layout layout = budget_header_layout();
  DrawStyle style;
  style.text = false;
  auto expected = draw_table(page, dpi, layout, style);
  const double x0 = layout.x_mm, y0 = layout.y_mm;
  draw_text(page, dpi, x0 + 22 + 22 - 9, y0 + 2.2, 5, 3.5, 21);   // 项目 over the col-1/2 line
  draw_text(page, dpi, x0 + 94 + 28 - 14, y0 + 2.2, 8, 3.5, 22);  // 2023年预算数 over two lines
  draw_text(page, dpi, x0 + 3, y0 + 8 - 1.75, 4, 3.5, 23);        // 单位 across the row-0/1 line
  return expected;
}

Layout performance_layout() {
  // A 项目支出绩效目标申报表-like sheet: label column, merged value areas,
  // a 一级/二级/三级/指标值 block whose first two columns span several rows.
  Layout l;
  l.row_heights = {8, 8, 8, 8, 8, 16, 8, 8, 8, 8, 8, 8};
  l.col_widths = {30, 25, 30, 30, 30, 30};
  l.merges = {
      {0, 1, 1, 5},                // 项目名称 | value over 5 columns
      {1, 1, 1, 2}, {1, 4, 1, 2},  // 主管部门 | value | 实施单位 | value
      {2, 0, 3, 1},                // 项目资金 label, 3 rows
      {2, 1, 1, 2}, {3, 1, 1, 2}, {4, 1, 1, 2},
      {5, 1, 1, 5},                // 总体目标, tall text cell
      {6, 0, 6, 1},                // 绩效指标 label, 6 rows
      {6, 1, 3, 1},                // 产出指标, 3 rows
      {9, 1, 3, 1},                // 效益指标, 3 rows
      {6, 2, 2, 1},                // 数量指标, 2 rows
      {6, 4, 1, 2}, {7, 4, 1, 2}, {8, 4, 1, 2}, {9, 4, 1, 2}, {10, 4, 1, 2}, {11, 4, 1, 2},
  };
  return l;
}

Image gray_of(const Image& binary, unsigned seed) {
  cv::Mat b = as_mat(binary), g(b.size(), CV_32F);
  g.setTo(kPaper);
  g.setTo(kInk, b > 127);
  cv::Mat noise(b.size(), CV_32F);
  cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, 6);
  g += noise;
  cv::GaussianBlur(g, g, {0, 0}, 0.7);
  Image out(binary.width, binary.height, 1);
  g.convertTo(as_mat(out), CV_8U);
  return out;
}

void fade_on_binary(Image& binary, bool horizontal, int at, int from, int to, int t, double dpi) {
  cv::Mat b = as_mat(binary);
  const int t0 = t / 2;
  const cv::Rect band = horizontal ? cv::Rect(from, at - t0, to - from, t) : cv::Rect(at - t0, from, t, to - from);
  b(band) = 0;
  for (int k = from; k + 2 <= to; k += px(3, dpi))
    b(horizontal ? cv::Rect(k, at - t0, 2, t) : cv::Rect(at - t0, k, t, 2)) = 255;
}

void fade_on_gray(Image& gray, bool horizontal, int at, int from, int to, int t, int level) {
  cv::Mat g = as_mat(gray);
  const int t0 = t / 2;
  const cv::Rect band = horizontal ? cv::Rect(from, at - t0, to - from, t) : cv::Rect(at - t0, from, t, to - from);
  cv::Mat piece = g(band);
  cv::min(piece, level, piece);
}

}  // namespace scantab::grid::testing
