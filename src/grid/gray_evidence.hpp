// grid internals: evidence for a ruling segment from the gray page.
//
// A faded rule (light gray ink, blurred, on a noisy copy) can binarize into
// sparse dots or vanish from the binary page, yet it still darkens the gray
// page along most of its length. Text lying where an absent rule would be
// (text centred in a merged cell) is dark too, but it is binarized ink, so
// the positions it covers are set aside before measuring.
// Internal header (uses cv::Mat): include only from src/grid/*.cpp and tests.
#pragma once

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "grid/grid.hpp"

namespace scantab::grid::detail {

// Where to look for one lattice segment, in the frame of the images given to
// dark_fraction(). For a horizontal segment "across" is y and "along" is x;
// for a vertical one the roles swap. All values are pixels, inclusive.
struct SegmentWindow {
  bool horizontal = true;
  int lo = 0, hi = 0;      // the lattice edge's band across (its member lines)
  int from = 0, to = 0;    // along: the segment between its crossing lines
  int search = 2;          // the rule may lie this far outside [lo, hi]
  int paper_gap = 2;       // paper rows start this far beyond the search band
  int paper_width = 4;     // and are this many rows thick on each side
};

// How segments are judged on the gray page at one resolution, shared by
// ruled grids (grid.cpp) and partial tables (text_columns.cpp): from
// Options::gray_* and fixed sizes in mm. Pixels unless noted.
struct GraySettings {
  double min_fraction = 0;  // Options::gray_min_dark_fraction: dark share that makes a segment present (off if <= 0)
  int dark_levels = 25;     // Options::gray_dark_levels: gray levels below the paper that count as dark
  double min_used = 0.5;    // Options::gray_min_text_free: least share of a segment free of text (0..1)
  int margin = 2;           // a segment's ends skipped near its crossing lines (~0.8 mm)
  int search = 1;           // how far off its edge band a rule is searched (~0.4 mm)
  int paper_gap = 1;        // paper rows start this far beyond the search band (~0.3 mm)
  int paper_width = 2;      // and are this thick (~0.8 mm)
  int grow = 1;             // binarized glyph ink set aside grows by this much (~0.25 mm)
  bool on() const { return min_fraction > 0; }
  // The window of a segment: across [lo, hi], along [from, to].
  SegmentWindow window(bool horizontal, int lo, int hi, int from, int to) const;
};
GraySettings gray_settings(double px_per_mm, const Options& options);

// How much of a segment is ruled on the gray page, 0..1: the paper level is
// the median gray of the paper rows on both sides of the search band; for
// every pair of neighbouring rows of the search band, the share of the used
// positions where either row is at least `dark_levels` gray levels darker
// than the paper; the best pair counts (a 1-2 px rule, slightly tilted).
// `gray`: CV_8U, 0 = black ink, 255 = paper. `text`: CV_8U, non-zero where
// ink is not ruling (glyph strokes, slightly dilated); a position along the
// segment is used only where no pixel of its search band is text.
// nullopt when fewer than `min_used` (0..1) of the positions are used or the
// window leaves the image.
std::optional<double> dark_fraction(const cv::Mat& gray, const cv::Mat& text, const SegmentWindow& w,
                                    int dark_levels, double min_used);

// The `q`-quantile (0..1) of `gray` under the non-zero pixels of `mask`
// (both CV_8U, same size); -1 if the mask is empty.
int quantile_gray(const cv::Mat& gray, const cv::Mat& mask, double q);

// Core gray of the line-mask pixels of one segment: within the window `w`
// (its search band across, [from, to] along), at every position where
// `mask` (CV_8U, the line mask of the segment's direction) marks a pixel,
// the darkest gray across the band; the median of those. -1 if the mask
// marks nothing there.
int rule_core_gray(const cv::Mat& gray, const cv::Mat& mask, const SegmentWindow& w);

}  // namespace scantab::grid::detail
