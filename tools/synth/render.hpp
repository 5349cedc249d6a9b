// Page rendering with Pango/Cairo: lays out the tables of one PageSpec on a
// white page and records the ground truth geometry. Internal to scantab_synth_lib.
//
// Units: layout is done directly in device pixels at `style.dpi`
// (1 pt = dpi/72 px); font sizes are given in points and converted.
#pragma once

#include <expected>
#include <opencv2/core.hpp>
#include <string>

#include "rng.hpp"
#include "spec.hpp"
#include "truth.hpp"

namespace scantab::synth {

// How ink is put on paper; degradation profiles tweak the ruling lines.
struct RenderStyle {
  std::string font = "Noto Serif CJK SC";  // Pango family name
  double dpi = 200;
  double line_width_pt = 0.75;  // ruling line width in points (0.5..1)
  double line_gray = 0.0;       // ruling ink, 0 = black .. 1 = white
  double line_gray_jitter = 0;  // each ruling line gets line_gray + U(0, jitter)
  double line_break_prob = 0;   // chance per ~2 mm of ruling line to leave a gap
  double text_gray = 0.0;
};

struct RenderedPage {
  cv::Mat bgr;             // 8UC3 page image, white background
  TruthPage truth;         // geometry in this image's pixels
  std::string department;  // of the first table with one (for the seal's text)
};

// Render page `page_number` (1-based). Fails if the content overflows the page.
std::expected<RenderedPage, std::string> render_page(const PageSpec& page, int page_number,
                                                     const RenderStyle& style, Rng& rng);

// Text after `prefix` in the first of `lines` that contains it ("" if none).
std::string text_after(const std::vector<std::string>& lines, const std::string& prefix);

}  // namespace scantab::synth
