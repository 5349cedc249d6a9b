// preprocess: a raw page image -> an upright, deskewed gray page and its
// binarization.
//
// Steps: colour -> gray; orientation (0/90/180/270, from ruling-line and
// text-line evidence); skew estimate within +-max_skew_degrees and rotation
// to undo it; binarization (ink = 255, background = 0).
#pragma once

#include "core/core.hpp"

namespace scantab::preprocess {

struct Options {
  double max_skew_degrees = 5.0;
  bool fix_orientation = true;
};

struct PreparedPage {
  int page_index = 0;
  double dpi = 300.0;
  Image gray;    // 1 channel, upright and deskewed, 0 = black ink, 255 = paper
  Image binary;  // 1 channel, same size as gray: 255 = ink, 0 = background
  // What was undone, so boxes can be mapped back onto the original page:
  // the original was first rotated clockwise by rotation_degrees (0/90/180/270),
  // then by skew_degrees (positive = counter-clockwise) about the centre of the
  // rotated image, keeping its size.
  int rotation_degrees = 0;
  double skew_degrees = 0.0;
};

Result<PreparedPage> prepare(const PageImage& page, const Options& options = {});

// Building blocks, exposed for tests and for other callers.
Image to_gray(const Image& image);
Image binarize(const Image& gray);                        // Sauvola-style local threshold
double estimate_skew_degrees(const Image& binary, double max_degrees);
Image rotate_gray(const Image& gray, double degrees);     // about the centre, white fill

}  // namespace scantab::preprocess
