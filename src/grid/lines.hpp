// grid internals: ruling-line extraction on OpenCV images.
// Internal header (uses cv::Mat): include only from src/grid/*.cpp and tests.
#pragma once

#include <vector>

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

// The horizontal runs of ink of `ink` (CV_8U, non-zero = ink), grouped into
// 8-connected components (union-find over the runs of neighbouring rows):
// connected-component labelling without a per-pixel label image.
struct RunLabels {
  struct Run { int y, x0, x1; };  // [x0, x1] inclusive
  std::vector<Run> runs;          // row by row, left to right
  std::vector<int> component;     // per run: its component, 0 .. count - 1, numbered in
                                  // raster order of their first pixel (as OpenCV labels them)
  int count = 0;
};
RunLabels label_runs(const cv::Mat& ink);

// The pixels of `ink` (CV_8U, non-zero = ink) whose 8-connected component is
// at most `thin` pixels thick across a line of this direction: its bounding
// box is at most `thin` tall (horizontal) or wide (vertical). Kept pixels are
// 255.
cv::Mat thin_components(const cv::Mat& ink, bool horizontal, int thin);

}  // namespace scantab::grid::detail

namespace scantab::grid::detail {

// Parameters of dash chaining (pixels, except min_fill).
struct ChainParams {
  int dash_len = 12;   // shortest run that counts as a dash of a line
  int bridge = 1;      // background gap inside a dash that does not end it
  int max_gap = 40;    // longest gap between two dashes of the same line
  int min_len = 160;   // shortest chain (first dash start .. last dash end)
  double min_fill = 0.6;  // inked fraction of the chain's extent
};

// Broken, faded and dashed horizontal ruling lines: per row of `ink`
// (taken as the OR of that row and its two neighbours, so dashes drifting by
// a pixel across the line still chain), runs of at least dash_len are chained
// while the gap to the next one is at most max_gap; a chain at least min_len
// long and at least min_fill inked is written whole (gaps included) as 255.
// Text rarely passes: a row through a text line holds few dashes that long,
// and seldom with that fill over that extent (see tests).
cv::Mat chained_horizontal_runs(const cv::Mat& ink, const ChainParams& p);
// The same along columns.
cv::Mat chained_vertical_runs(const cv::Mat& ink, const ChainParams& p);

}  // namespace scantab::grid::detail
