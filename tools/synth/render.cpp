#include "render.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/imgproc.hpp>

namespace scantab::synth {
namespace {

constexpr double kMmPerInch = 25.4;

using LayoutPtr = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

// Geometry and typography of one page, all in device pixels.
struct Metrics {
  double px_per_pt;
  double px_per_mm;
  double pt(double points) const { return points * px_per_pt; }
  double mm(double millimetres) const { return millimetres * px_per_mm; }
};

// A Pango layout of `text` in `family` at `size_pt`; wraps at `width_px` when > 0.
LayoutPtr make_layout(cairo_t* cr, const Metrics& m, const std::string& family, double size_pt, bool bold,
                      int width_px, Align align, const std::string& text) {
  LayoutPtr layout(pango_cairo_create_layout(cr), g_object_unref);
  PangoFontDescription* fd = pango_font_description_new();
  pango_font_description_set_family(fd, family.c_str());
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(fd, m.pt(size_pt) * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), fd);
  pango_font_description_free(fd);
  if (width_px > 0) {
    pango_layout_set_width(layout.get(), width_px * PANGO_SCALE);
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  }
  pango_layout_set_alignment(layout.get(), align == Align::kLeft     ? PANGO_ALIGN_LEFT
                                           : align == Align::kCenter ? PANGO_ALIGN_CENTER
                                                                     : PANGO_ALIGN_RIGHT);
  pango_layout_set_text(layout.get(), text.c_str(), -1);
  return layout;
}

int layout_height(PangoLayout* layout) {
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout, &w, &h);
  return h;
}
int layout_width(PangoLayout* layout) {
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout, &w, &h);
  return w;
}

void show(cairo_t* cr, PangoLayout* layout, double x, double y, double gray) {
  cairo_set_source_rgb(cr, gray, gray, gray);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
}

// Draws ruling lines as filled pixel-aligned rectangles, optionally faded and broken.
class Ruler {
 public:
  Ruler(cairo_t* cr, const RenderStyle& style, const Metrics& m, Rng& rng)
      : cr_(cr),
        style_(style),
        rng_(rng),
        width_(std::max(1, int(std::lround(m.pt(style.line_width_pt))))),
        chunk_(std::max(4.0, m.mm(2.0))) {}
  int width() const { return width_; }

  // A line along x (horizontal) or y from `a` to `b` at cross coordinate `at` (line centre).
  // paint = false draws nothing but draws the same random numbers, so that a
  // table without some of its lines leaves the page's random stream (and so
  // its degradation) exactly as the fully ruled table would.
  void line(bool horizontal, int at, int a, int b, bool paint = true) {
    paint_ = paint;
    const double gray = std::clamp(style_.line_gray + rng_.uniform(0, style_.line_gray_jitter), 0.0, 1.0);
    cairo_set_source_rgb(cr_, gray, gray, gray);
    const int half = width_ / 2;
    const int from = a - half, to = b - half + width_;  // include the crossing lines' width
    for (double pos = from, len = chunk_; pos < to; pos += len) {
      if (style_.line_break_prob > 0) len = chunk_ * rng_.uniform(0.5, 2.5);  // irregular breaks
      double s = pos, e = std::min<double>(pos + len, to);
      if (style_.line_break_prob > 0 && rng_.chance(style_.line_break_prob)) {
        const double gap = (e - s) * rng_.uniform(0.3, 0.9);
        const double g0 = s + rng_.uniform(0, (e - s) - gap);
        segment(horizontal, at - half, s, g0);
        segment(horizontal, at - half, g0 + gap, e);
      } else {
        segment(horizontal, at - half, s, e);
      }
    }
    cairo_fill(cr_);
  }

 private:
  void segment(bool horizontal, int cross, double s, double e) {
    if (e <= s || !paint_) return;
    if (horizontal)
      cairo_rectangle(cr_, s, cross, e - s, width_);
    else
      cairo_rectangle(cr_, cross, s, width_, e - s);
  }
  cairo_t* cr_;
  const RenderStyle& style_;
  Rng& rng_;
  int width_;
  double chunk_;
  bool paint_ = true;
};

// Lays out and draws one table at vertical position y (px); returns the y below it.
double draw_table(cairo_t* cr, const Metrics& m, const RenderStyle& style, Rng& rng, const TableSpec& t,
                  double text_left, double text_width, double y, double type_scale, TruthTable& truth) {
  const double body_pt = t.font_size * type_scale;
  // Title: centred over the text block, larger and bold.
  if (!t.title.empty()) {
    auto title =
        make_layout(cr, m, style.font, body_pt * 1.55, true, int(text_width), Align::kCenter, t.title);
    show(cr, title.get(), text_left, y, style.text_gray);
    y += layout_height(title.get()) + m.pt(8);
  }
  const double grid_w = text_width * std::clamp(t.width, 0.1, 1.0);
  const double x0 = text_left + (text_width - grid_w) / 2;

  // Caption line: left part at the grid's left edge, right part flush with its right edge.
  // An optional centre part is centred over the grid.
  if (!t.caption_left.empty() || !t.caption_center.empty() || !t.caption_right.empty()) {
    auto left = make_layout(cr, m, style.font, body_pt, false, -1, Align::kLeft, t.caption_left);
    auto centre = make_layout(cr, m, style.font, body_pt, false, -1, Align::kLeft, t.caption_center);
    auto right = make_layout(cr, m, style.font, body_pt, false, -1, Align::kLeft, t.caption_right);
    show(cr, left.get(), x0 + m.pt(2), y, style.text_gray);
    show(cr, centre.get(), x0 + (grid_w - layout_width(centre.get())) / 2, y, style.text_gray);
    show(cr, right.get(), x0 + grid_w - layout_width(right.get()) - m.pt(2), y, style.text_gray);
    y += std::max({layout_height(left.get()), layout_height(centre.get()), layout_height(right.get())}) +
         m.pt(4);
  }

  // Column edges (integer px, line centres).
  const int cols = t.cols(), rows = t.rows();
  double total = 0;
  for (const auto& c : t.columns) total += c.width;
  std::vector<int> col_edges{int(std::lround(x0))};
  double acc = 0;
  for (const auto& c : t.columns) {
    acc += c.width;
    col_edges.push_back(int(std::lround(x0 + grid_w * acc / total)));
  }

  // Lay out every cell's text at its cell width, then size the rows.
  const auto placed = place_cells(t).value();  // validated when the spec was parsed
  const int header_rows = int(t.header.size());
  const double pad_h = m.pt(3), pad_v = m.pt(2.5);
  std::vector<LayoutPtr> layouts;
  for (const auto& pc : placed) {
    const int cell_w = col_edges[pc.col + pc.col_span] - col_edges[pc.col];
    const Align align = pc.spec.align          ? *pc.spec.align
                        : pc.row < header_rows ? Align::kCenter
                                               : t.columns[pc.col].align;
    layouts.push_back(
        make_layout(cr, m, style.font, body_pt, false, int(cell_w - 2 * pad_h), align, pc.spec.text));
  }
  const double min_h = m.pt(t.min_row_height > 0 ? t.min_row_height * type_scale : 2.0 * body_pt);
  std::vector<double> heights(rows, min_h);
  for (std::size_t i = 0; i < placed.size(); ++i)
    if (placed[i].row_span == 1)
      heights[placed[i].row] = std::max(heights[placed[i].row], layout_height(layouts[i].get()) + 2 * pad_v);
  for (std::size_t i = 0; i < placed.size(); ++i) {  // spanning cells: grow their last row if needed
    const auto& pc = placed[i];
    if (pc.row_span == 1) continue;
    double have = 0;
    for (int r = pc.row; r < pc.row + pc.row_span; ++r) have += heights[r];
    const double need = layout_height(layouts[i].get()) + 2 * pad_v;
    if (need > have) heights[pc.row + pc.row_span - 1] += need - have;
  }
  std::vector<int> row_edges{int(std::lround(y))};
  double yy = y;
  for (double h : heights) row_edges.push_back(int(std::lround(yy += h)));

  // Text, vertically centred in its cell; the layout handles horizontal alignment.
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const auto& pc = placed[i];
    const int top = row_edges[pc.row], bottom = row_edges[pc.row + pc.row_span];
    const double ty = top + (bottom - top - layout_height(layouts[i].get())) / 2.0;
    show(cr, layouts[i].get(), col_edges[pc.col] + pad_h, std::round(ty), style.text_gray);
  }

  // Ruling: every cell's top and left edge, then the grid's bottom and right edge.
  // Each segment is drawn once, so a merged cell has no internal lines.
  // t.ruling leaves some of them out (see Ruling); they are "drawn" unpainted.
  const bool horizontal = t.ruling != Ruling::kNone;
  const bool vertical = t.ruling == Ruling::kAll || t.ruling == Ruling::kNoOuterVertical;
  const bool outer_vertical = t.ruling == Ruling::kAll;
  Ruler ruler(cr, style, m, rng);
  for (const auto& pc : placed) {
    ruler.line(true, row_edges[pc.row], col_edges[pc.col], col_edges[pc.col + pc.col_span], horizontal);
    ruler.line(false, col_edges[pc.col], row_edges[pc.row], row_edges[pc.row + pc.row_span],
               vertical && (pc.col > 0 || outer_vertical));
  }
  ruler.line(true, row_edges.back(), col_edges.front(), col_edges.back(), horizontal);
  ruler.line(false, col_edges.back(), row_edges.front(), row_edges.back(), outer_vertical);

  // Truth.
  const std::vector<std::string> captions{t.caption_left, t.caption_center, t.caption_right};
  truth.title = t.title;
  truth.unit = text_after(captions, "单位：");
  truth.department = text_after(captions, "部门名称：");
  truth.notes = t.notes;
  truth.rows = rows;
  truth.cols = cols;
  truth.header_rows = header_rows;
  truth.grid_kind = t.ruling == Ruling::kAll    ? ""
                    : t.ruling == Ruling::kNone ? "whitespace"
                                                : "partial";
  const int half = ruler.width() / 2;
  truth.bbox = {col_edges.front() - half, row_edges.front() - half,
                col_edges.back() - col_edges.front() + ruler.width(),
                row_edges.back() - row_edges.front() + ruler.width()};
  for (const auto& pc : placed) {
    const BoxPx box{col_edges[pc.col], row_edges[pc.row], col_edges[pc.col + pc.col_span] - col_edges[pc.col],
                    row_edges[pc.row + pc.row_span] - row_edges[pc.row]};
    truth.cells.push_back({pc.row, pc.col, pc.row_span, pc.col_span, truth_text(pc.spec.text), box});
  }

  // Notes below the grid, left-aligned with it.
  y = row_edges.back() + m.pt(6);
  for (const auto& note : t.notes) {
    auto layout = make_layout(cr, m, style.font, body_pt, false, int(grid_w), Align::kLeft, note);
    show(cr, layout.get(), x0 + m.pt(2), y, style.text_gray);
    y += layout_height(layout.get());
  }
  return y;
}

}  // namespace

std::string text_after(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& line : lines)
    if (auto pos = line.find(prefix); pos != std::string::npos) return line.substr(pos + prefix.size());
  return {};
}

namespace {

// One attempt at rendering the page with type scaled by `type_scale`.
// Returns the overflow below the bottom margin in mm (<= 0: it fits; `out` is then complete).
std::expected<double, std::string> try_render(const PageSpec& page, int page_number, const RenderStyle& style,
                                              Rng& rng, double type_scale, RenderedPage& out) {
  const Metrics m{style.dpi / 72.0, style.dpi / kMmPerInch};
  const int short_px = int(std::lround(m.mm(210))), long_px = int(std::lround(m.mm(297)));
  const int width = page.landscape ? long_px : short_px, height = page.landscape ? short_px : long_px;

  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return std::unexpected("cannot allocate a " + std::to_string(width) + "x" + std::to_string(height) +
                           " page surface");
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  out = RenderedPage{};
  out.truth.page = page_number;
  out.truth.width = width;
  out.truth.height = height;
  out.truth.dpi = style.dpi;

  const double margin = m.mm(page.landscape ? 15 : 20), gap = m.pt(22);
  double y = margin;
  // Running text first: 10.5 pt paragraphs, first line indented by two
  // characters (as Chinese prose is set), 6 pt apart.
  for (const auto& paragraph : page.paragraphs) {
    auto layout = make_layout(cr, m, style.font, 10.5 * type_scale, false, int(width - 2 * margin), Align::kLeft,
                              paragraph);
    pango_layout_set_indent(layout.get(), int(m.pt(21 * type_scale) * PANGO_SCALE));
    pango_layout_set_justify(layout.get(), TRUE);
    show(cr, layout.get(), margin, y, style.text_gray);
    y += layout_height(layout.get()) + m.pt(6);
  }
  if (!page.paragraphs.empty()) y += gap;
  for (const auto& table : page.tables) {
    TruthTable truth;
    y = draw_table(cr, m, style, rng, table, margin, width - 2 * margin, y, type_scale, truth) + gap;
    if (out.department.empty()) out.department = truth.department;
    out.truth.tables.push_back(std::move(truth));
  }
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  const double overflow = (y - gap) - (height - m.mm(8));
  if (overflow <= 0) {
    cv::Mat bgra(height, width, CV_8UC4, cairo_image_surface_get_data(surface),
                 std::size_t(cairo_image_surface_get_stride(surface)));
    cv::cvtColor(bgra, out.bgr, cv::COLOR_BGRA2BGR);
  }
  cairo_surface_destroy(surface);
  return overflow / m.px_per_mm;
}

}  // namespace

std::expected<RenderedPage, std::string> render_page(const PageSpec& page, int page_number,
                                                     const RenderStyle& style, Rng& rng) {
  // A font with taller lines may not fit where the spec's author's font did:
  // shrink type and row heights in 6% steps (at most 4 times) before giving up.
  const Rng start = rng;
  double scale = 1.0, overflow_mm = 0;
  for (int attempt = 0; attempt < 5; ++attempt, scale *= 0.94) {
    rng = start;  // every attempt sees the same random stream
    RenderedPage out;
    auto overflow = try_render(page, page_number, style, rng, scale, out);
    if (!overflow) return std::unexpected(overflow.error());
    overflow_mm = *overflow;
    if (overflow_mm <= 0) return out;
  }
  return std::unexpected("page " + std::to_string(page_number) + ": content overflows the page by " +
                         std::to_string(int(overflow_mm)) + " mm even with smaller type; split the table");
}

}  // namespace scantab::synth
