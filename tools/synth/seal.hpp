// A round official seal (公章): ring, five-pointed star and text along the upper
// arc, rendered with Pango/Cairo as an ink-coverage mask. Internal.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "rng.hpp"

namespace scantab::synth {

// CV_8UC1 mask of `diameter_px` square, 0 = no ink .. 255 = full ink, with an
// uneven (stamped) ink texture. `text` runs clockwise along the upper arc.
cv::Mat render_seal_mask(const std::string& text, const std::string& font, int diameter_px, Rng& rng);

}  // namespace scantab::synth
