// Private helpers shared by the preprocess .cpp files (may use OpenCV).
#pragma once

#include <algorithm>
#include <cmath>

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

}  // namespace scantab::preprocess::detail
