// grid internals: ruling-line extraction on OpenCV images.
// Internal header (uses cv::Mat): include only from src/grid/*.cpp and tests.
#pragma once

#include <opencv2/core.hpp>

namespace scantab::grid::detail {

// Horizontal ruling-line pixels of `ink` (CV_8U, non-zero = ink): every
// maximal horizontal run of ink that is at least `min_len` pixels long, where
// gaps of up to `bridge` background pixels do not end a run. The run is
// written whole (bridged gaps included) as 255 into the result.
//
// This is exactly a morphological closing by a 1x(bridge+1) segment followed
// by an opening by a 1xmin_len segment, computed in one O(pixels) scan
// (an opening by a line segment keeps precisely the runs at least as long).
cv::Mat long_horizontal_runs(const cv::Mat& ink, int min_len, int bridge);

// The same along columns (vertical ruling lines). Scans row by row with a
// per-column run state, so memory is read in order.
cv::Mat long_vertical_runs(const cv::Mat& ink, int min_len, int bridge);

}  // namespace scantab::grid::detail
