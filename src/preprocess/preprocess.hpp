// preprocess: a raw page image -> an upright, deskewed gray page and its
// binarization.
//
// Steps (prepare): colour -> gray with red-seal suppression; orientation
// (0/90/180/270, from text-line and baseline-punctuation evidence); skew
// estimate within +-max_skew_degrees and rotation to undo it; binarization of
// the corrected gray (ink = 255, background = 0).
//
// Angle conventions used throughout this header (image as displayed, origin
// top-left, y down):
//   * "counter-clockwise" / "clockwise" refer to the picture on screen.
//   * A skew of +s degrees means the page content appears rotated
//     counter-clockwise by s (a horizontal rule rises to the right).
//     Undoing it means rotate_gray(gray, -s).
//   * rotate_gray(g, a) turns the content counter-clockwise by a degrees
//     (same sign as cv::getRotationMatrix2D).
//   * rotation_degrees / rotate_quadrant(img, r) turn the image clockwise by r
//     (0/90/180/270); width and height swap for 90 and 270.
#pragma once

#include <functional>
#include <optional>
#include <utility>

#include "core/core.hpp"

namespace scantab::preprocess {

// A second opinion on a page's orientation (e.g. Tesseract OSD, which only
// src/ocr may call: the pipeline supplies it). Given the deskewed binary page
// (255 = ink) before any quarter turn, and its dpi, it returns the clockwise
// turn (0/90/180/270) that makes the page upright with a confidence on the
// oracle's own scale, or nullopt when it cannot tell.
struct OrientationVote {
  int rotation_degrees = 0;
  double confidence = 0;
};
using OrientationOracle = std::function<std::optional<OrientationVote>(const Image& binary, double dpi)>;

struct Options {
  // Skews below this are measured but not corrected: resampling blurs the
  // glyphs (on the clean sample a 0.05 degree rotation turned 57.30 into
  // 97.30), while grid detection and cell crops tolerate such a tilt.
  double min_skew_degrees = 0.1;
  double max_skew_degrees = 5.0;
  bool fix_orientation = true;     // decide 0/90/270 (and 180, see below)
  // Allow 180 (and 270 instead of 90) from the baseline-punctuation cue. When
  // the cue is inconclusive the page is left as is (0, or 90 for vertical
  // text lines); a later OCR-based check (Tesseract OSD) may still flip it.
  bool detect_upside_down = true;
  // Consulted only when the layout cues are ambiguous (see detect_orientation);
  // empty = never.
  OrientationOracle orientation_fallback;
  // false: the oracle is asked only when the text's axis is unclear (0/180
  // vs 90/270), not when only up/down is (the pipeline settles that from
  // its cells' OCR confidence, and asks the oracle only for pages without
  // cells; an OSD call costs about a second on a 300 dpi page).
  bool fallback_for_upside_down = true;
  // An oracle's vote counts only at this confidence or above (Tesseract OSD's
  // orient_conf scale: ~15 is "reasonably confident").
  double min_fallback_confidence = 2.0;
};

struct PreparedPage {
  int page_index = 0;
  double dpi = 300.0;
  Image gray;    // 1 channel, upright and deskewed, 0 = black ink, 255 = paper
  Image binary;  // 1 channel, same size as gray: 255 = ink, 0 = background
  // What was undone, so boxes can be mapped back onto the original page:
  // the original (source_width x source_height) was first rotated clockwise by
  // rotation_degrees (0/90/180/270); the result contained content skewed by
  // skew_degrees (positive = counter-clockwise, see above), which was undone by
  // rotating it by -skew_degrees about its centre, keeping its size.
  int rotation_degrees = 0;
  double skew_degrees = 0.0;
  int source_width = 0, source_height = 0;
  // True when rotation_degrees came from Options::orientation_fallback.
  bool orientation_from_fallback = false;
  // True when the cues left the orientation undecided and no oracle vote
  // settled it (rotation_degrees is then the cues' best guess).
  bool orientation_unsure = false;
};

// Errors: kCorruptInput for an empty image or a pixel buffer that does not
// match its size; kUnsupportedFormat for channel counts other than 1/3/4;
// kInternal for unexpected library exceptions.
Result<PreparedPage> prepare(const PageImage& page, const Options& options = {});

// Maps a point (x, y) of the prepared page (pixel units, continuous
// coordinates, pixel centres at +0.5) back onto the source page.
std::pair<double, double> to_source(const PreparedPage& page, double x, double y);

// ---------------------------------------------------------------- building blocks
// Exposed for tests and for other callers. They do not throw for valid images
// (1/3/4 channels, non-empty); prepare() is the error-checked entry point.

// 1/3/4-channel (gray/BGR/BGRA) -> gray. Saturated red/orange ink (seals) is
// pushed to white unless it is dark in the red channel (black text under a
// seal survives). A gray input is copied unchanged.
Image to_gray(const Image& image);

// Sauvola-style local threshold with a window of ~4.3 mm at `dpi`, followed by
// removal of isolated specks smaller than 1/3 mm. Returns 255 = ink.
Image binarize(const Image& gray, double dpi = 300.0);

// Skew of the content of a binary page (255 = ink), in degrees within
// [-max_degrees, +max_degrees], positive = counter-clockwise. Maximizes the
// variance of the horizontal projection profile (Postl / Baird); returns 0 when
// there is too little ink to tell.
double estimate_skew_degrees(const Image& binary, double max_degrees);

// Rotates a gray image counter-clockwise by `degrees` about its centre,
// keeping its size, white fill, bicubic interpolation. Meant for small angles.
Image rotate_gray(const Image& gray, double degrees);

// Rotates any image clockwise by a multiple of 90 degrees, exactly (no
// interpolation). Other values are normalized modulo 360 and rounded to 90.
Image rotate_quadrant(const Image& image, int clockwise_degrees);

// The clockwise rotation (0/90/180/270) that makes a binary page (255 = ink,
// at `dpi`) upright, with the evidence behind it. Expects a deskewed page
// (works up to a few degrees of skew).
struct Orientation {
  int rotation_degrees = 0;
  // Glyph-sized text components (ruling lines removed), and the components
  // left after smearing them horizontally / vertically (summed over three
  // smear lengths): text lines run along the direction that merges more.
  int components = 0, after_horizontal_smear = 0, after_vertical_smear = 0;
  // Baseline cue, measured after the 0/90 decision: small dots/commas between
  // two digits sit at the bottom of upright text and at the top when rotated
  // by 180.
  int dots_low = 0, dots_high = 0;
  // The cues could not decide: the smearing ratio lies between the upright and
  // the turned ranges (0 vs 90), or, with detect_upside_down, the dot cue is
  // clear neither way (0 vs 180). Only then is the fallback asked; its vote
  // (at >= min_confidence) decides, restricted to the axis the smearing cue
  // chose when that cue was clear.
  bool ambiguous = false;
  bool used_fallback = false;
  std::optional<OrientationVote> fallback_vote;  // what the fallback said, if asked
};
// fallback_for_upside_down: see Options.
Orientation detect_orientation(const Image& binary, double dpi, bool detect_upside_down = true,
                               const OrientationOracle& fallback = {}, double min_confidence = 2.0,
                               bool fallback_for_upside_down = true);

}  // namespace scantab::preprocess
