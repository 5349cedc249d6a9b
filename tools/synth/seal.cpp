#include "seal.hpp"

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace scantab::synth {

cv::Mat render_seal_mask(const std::string& text, const std::string& font, int diameter_px, Rng& rng) {
  const int d = diameter_px;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, d, d);
  cairo_t* cr = cairo_create(surface);
  const double c = d / 2.0, r = d / 2.0;
  cairo_set_source_rgba(cr, 0, 0, 0, 1);  // A8: only alpha matters

  // Ring.
  cairo_set_line_width(cr, 0.045 * d);
  cairo_arc(cr, c, c, r - 0.04 * d, 0, 2 * M_PI);
  cairo_stroke(cr);

  // Five-pointed star, point up.
  const double outer = 0.17 * d, inner = outer * 0.382;
  for (int i = 0; i < 10; ++i) {
    const double a = -M_PI / 2 + i * M_PI / 5, rr = (i % 2 == 0) ? outer : inner;
    if (i == 0)
      cairo_move_to(cr, c + rr * std::cos(a), c + rr * std::sin(a));
    else
      cairo_line_to(cr, c + rr * std::cos(a), c + rr * std::sin(a));
  }
  cairo_close_path(cr);
  cairo_fill(cr);

  // Text along the upper arc, each character upright towards the rim.
  std::vector<std::string> chars;
  for (const char* p = text.c_str(); *p; p = g_utf8_next_char(p))
    chars.emplace_back(p, std::size_t(g_utf8_next_char(p) - p));
  if (!chars.empty()) {
    const double n = double(chars.size());
    const double span = std::min(250.0, n * 24.0) * M_PI / 180.0;
    const double radius = r - 0.165 * d, size = std::min(0.13 * d, 0.9 * radius * span / n);
    PangoFontDescription* fd = pango_font_description_new();
    pango_font_description_set_family(fd, font.c_str());
    pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    for (std::size_t i = 0; i < chars.size(); ++i) {
      const double a = -M_PI / 2 - span / 2 + span * (double(i) + 0.5) / n;
      PangoLayout* layout = pango_cairo_create_layout(cr);
      pango_layout_set_font_description(layout, fd);
      pango_layout_set_text(layout, chars[i].c_str(), -1);
      int w = 0, h = 0;
      pango_layout_get_pixel_size(layout, &w, &h);
      cairo_save(cr);
      cairo_translate(cr, c + radius * std::cos(a), c + radius * std::sin(a));
      cairo_rotate(cr, a + M_PI / 2);
      cairo_move_to(cr, -w / 2.0, -h / 2.0);
      pango_cairo_show_layout(cr, layout);
      cairo_restore(cr);
      g_object_unref(layout);
    }
    pango_font_description_free(fd);
  }
  cairo_destroy(cr);
  cairo_surface_flush(surface);

  cv::Mat mask = cv::Mat(d, d, CV_8UC1, cairo_image_surface_get_data(surface),
                         std::size_t(cairo_image_surface_get_stride(surface)))
                     .clone();
  cairo_surface_destroy(surface);

  // Uneven ink: multiply by a smooth random field in [0.45, 1].
  cv::Mat field(12, 12, CV_32F);
  for (int y = 0; y < field.rows; ++y)
    for (int x = 0; x < field.cols; ++x) field.at<float>(y, x) = float(rng.uniform(0.45, 1.0));
  cv::resize(field, field, mask.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat maskf;
  mask.convertTo(maskf, CV_32F);
  maskf = maskf.mul(field);
  maskf.convertTo(mask, CV_8U);
  cv::GaussianBlur(mask, mask, cv::Size(0, 0), std::max(0.5, d / 600.0));
  return mask;
}

}  // namespace scantab::synth
