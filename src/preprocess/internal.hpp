// Private helpers shared by the preprocess .cpp files (may use OpenCV).
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <opencv2/core.hpp>

#include "core/cv_image.hpp"

namespace scantab::preprocess::detail {

inline double px_per_mm(double dpi) { return dpi / 25.4; }

// A usable dpi: non-finite or non-positive values fall back to 300.
inline double sane_dpi(double dpi) { return (std::isfinite(dpi) && dpi > 0) ? dpi : 300.0; }

// Smallest odd integer >= v, at least `lo`.
inline int odd_at_least(double v, int lo) {
  int n = std::max(lo, int(std::ceil(v)));
  return n | 1;
}

// A 1-channel 8-bit Mat for a gray or binary Image: a zero-copy view for
// 1-channel images, otherwise the first channel (defensive; callers pass gray).
inline cv::Mat gray_mat(const Image& image) {
  cv::Mat m = as_mat(image);
  if (image.channels == 1) return m;
  cv::Mat first;
  cv::extractChannel(m, first, 0);
  return first;
}

// The number of 8-connected components of `binary` (CV_8U, non-zero = ink)
// after dilating it along x by a `len`-px segment, exactly as cv::dilate with
// a len x 1 rectangle (centred anchor, nothing beyond the border) followed by
// cv::connectedComponents would count them; len 1 counts the components as
// they are. Computed from row runs with a union-find, without the dilated
// image or a label image.
int smeared_component_count(const cv::Mat& binary, int len);

}  // namespace scantab::preprocess::detail
