// Test helper: renders text the way a budget-table cell looks on a scan,
// with pango + cairo, into a scantab::Image (gray, 0 = ink). Header-only,
// for the ocr tests and bench only.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <opencv2/imgproc.hpp>
#include <random>
#include <string>

#include "core/core.hpp"
#include "core/cv_image.hpp"

namespace scantab::ocr_test {

struct RenderSpec {
  std::string font = "Noto Serif CJK SC";
  double points = 10.5;  // type size
  double dpi = 300.0;
  int pad_x = -1, pad_y = -1;  // white space around the text in px; -1 = 0.4 em
  double blur_sigma = 0.0;     // Gaussian blur in px (scanner optics), 0 = none
  double noise_sigma = 0.0;    // Gaussian gray-level noise, 0 = none
  unsigned seed = 1;
};

// Renders `text` (may contain '\n') in black on white. Lines are centred
// like a cell of a table, top-left origin.
inline Image render(const std::string& text, const RenderSpec& spec = {}) {
  const double em_px = spec.points / 72.0 * spec.dpi;
  const int px = spec.pad_x >= 0 ? spec.pad_x : int(0.4 * em_px);
  const int py = spec.pad_y >= 0 ? spec.pad_y : int(0.4 * em_px);

  // Measure on a scratch surface, then draw on one of the right size.
  cairo_surface_t* scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t* cr = cairo_create(scratch);
  PangoLayout* layout = pango_cairo_create_layout(cr);
  pango_cairo_context_set_resolution(pango_layout_get_context(layout), spec.dpi);
  pango_layout_context_changed(layout);
  PangoFontDescription* desc = pango_font_description_from_string(spec.font.c_str());
  pango_font_description_set_size(desc, int(spec.points * PANGO_SCALE));
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text(layout, text.c_str(), -1);
  PangoRectangle ink, logical;
  pango_layout_get_pixel_extents(layout, &ink, &logical);
  const int w = logical.width + 2 * px, h = logical.height + 2 * py;

  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr2 = cairo_create(surface);
  cairo_set_source_rgb(cr2, 1, 1, 1);
  cairo_paint(cr2);
  cairo_set_source_rgb(cr2, 0, 0, 0);
  cairo_move_to(cr2, px - logical.x, py - logical.y);
  pango_cairo_update_layout(cr2, layout);
  pango_cairo_show_layout(cr2, layout);
  cairo_surface_flush(surface);

  Image image(w, h, 1);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < h; ++y) {
    const auto* src = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
    for (int x = 0; x < w; ++x) image.row(y)[x] = std::uint8_t((src[x] >> 8) & 0xFF);  // green
  }
  pango_font_description_free(desc);
  g_object_unref(layout);
  cairo_destroy(cr2);
  cairo_surface_destroy(surface);
  cairo_destroy(cr);
  cairo_surface_destroy(scratch);

  if (spec.blur_sigma > 0 || spec.noise_sigma > 0) {
    cv::Mat m = as_mat(image);
    if (spec.blur_sigma > 0) cv::GaussianBlur(m, m, cv::Size(), spec.blur_sigma);
    if (spec.noise_sigma > 0) {
      cv::Mat noise(m.size(), CV_16S);
      cv::theRNG().state = spec.seed;
      cv::randn(noise, 0, spec.noise_sigma);
      cv::Mat sum;
      m.convertTo(sum, CV_16S);
      sum += noise;
      sum.convertTo(m, CV_8U);  // saturating
    }
  }
  return image;
}

}  // namespace scantab::ocr_test
