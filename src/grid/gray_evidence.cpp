#include "grid/gray_evidence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace scantab::grid::detail {

std::optional<double> dark_fraction(const cv::Mat& gray, const cv::Mat& text, const SegmentWindow& w,
                                    int dark_levels, double min_used) {
  CV_Assert(gray.type() == CV_8UC1 && text.type() == CV_8UC1 && gray.size() == text.size());
  const int along_size = w.horizontal ? gray.cols : gray.rows;
  const int across_size = w.horizontal ? gray.rows : gray.cols;
  const int s0 = w.lo - w.search, s1 = w.hi + w.search;  // search band across
  const int p_in = w.paper_gap, p_out = w.paper_gap + w.paper_width - 1;  // paper rows, beyond the band
  if (w.from > w.to || w.from < 0 || w.to >= along_size || s1 <= s0 || p_in < 1 || p_out < p_in ||
      s0 - p_out < 0 || s1 + p_out >= across_size)
    return std::nullopt;
  auto at = [&](const cv::Mat& m, int across, int along) {
    return w.horizontal ? m.at<std::uint8_t>(across, along) : m.at<std::uint8_t>(along, across);
  };
  std::vector<int> used;  // along positions whose search band holds no text
  for (int k = w.from; k <= w.to; ++k) {
    bool clear = true;
    for (int a = s0; a <= s1 && clear; ++a) clear = at(text, a, k) == 0;
    if (clear) used.push_back(k);
  }
  if (used.empty() || double(used.size()) < min_used * (w.to - w.from + 1)) return std::nullopt;

  std::vector<std::uint8_t> paper_values;
  paper_values.reserve(used.size() * std::size_t(2 * w.paper_width));
  for (int d = p_in; d <= p_out; ++d)
    for (int k : used) {
      paper_values.push_back(at(gray, s0 - d, k));
      paper_values.push_back(at(gray, s1 + d, k));
    }
  std::nth_element(paper_values.begin(), paper_values.begin() + paper_values.size() / 2, paper_values.end());
  const int dark_below = int(paper_values[paper_values.size() / 2]) - dark_levels;

  int best = 0;
  for (int a = s0; a < s1; ++a) {
    int dark = 0;
    for (int k : used) dark += std::min(at(gray, a, k), at(gray, a + 1, k)) <= dark_below;
    best = std::max(best, dark);
  }
  return double(best) / double(used.size());
}

// The `q`-quantile (0..1) of `gray` under the non-zero pixels of `mask`
// (both CV_8U, same size); -1 if the mask is empty.
int quantile_gray(const cv::Mat& gray, const cv::Mat& mask, double q) {
  long hist[256] = {}, n = 0;
  for (int y = 0; y < gray.rows; ++y) {
    const std::uint8_t *g = gray.ptr<std::uint8_t>(y), *m = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < gray.cols; ++x)
      if (m[x]) ++hist[g[x]], ++n;
  }
  long acc = 0;
  for (int k = 0; k < 256 && n > 0; ++k)
    if (double(acc += hist[k]) >= q * double(n)) return k;
  return -1;
}

// Core gray of the line-mask pixels of one segment: within the window `w`
// (its search band across, [from, to] along), at every position where
// `mask` (CV_8U, the line mask of the segment's direction) marks a pixel,
// the darkest gray across the band; the median of those. -1 if the mask
// marks nothing there.
int rule_core_gray(const cv::Mat& gray, const cv::Mat& mask, const SegmentWindow& w) {
  const int across_size = w.horizontal ? gray.rows : gray.cols, along_size = w.horizontal ? gray.cols : gray.rows;
  const int lo = std::max(0, w.lo - w.search), hi = std::min(across_size - 1, w.hi + w.search);
  auto at = [&w](const cv::Mat& m, int across, int along) {
    return w.horizontal ? m.at<std::uint8_t>(across, along) : m.at<std::uint8_t>(along, across);
  };
  std::vector<std::uint8_t> core;
  for (int k = std::max(0, w.from); k <= std::min(along_size - 1, w.to); ++k) {
    int darkest = 255;
    bool marked = false;
    for (int a = lo; a <= hi; ++a) {
      marked = marked || at(mask, a, k) != 0;
      darkest = std::min<int>(darkest, at(gray, a, k));
    }
    if (marked) core.push_back(std::uint8_t(darkest));
  }
  if (core.empty()) return -1;
  std::nth_element(core.begin(), core.begin() + core.size() / 2, core.end());
  return core[core.size() / 2];
}

GraySettings gray_settings(double px_per_mm, const Options& o) {
  auto px = [px_per_mm](double mm, int at_least) { return std::max(at_least, int(std::lround(mm * px_per_mm))); };
  GraySettings g;
  g.min_fraction = o.gray_min_dark_fraction;
  g.dark_levels = o.gray_dark_levels;
  g.min_used = o.gray_min_text_free;
  g.margin = px(0.8, 2);
  g.search = px(0.4, 1);
  g.paper_gap = px(0.3, 1);
  g.paper_width = px(0.8, 2);
  g.grow = px(0.25, 1);
  return g;
}

SegmentWindow GraySettings::window(bool horizontal, int lo, int hi, int from, int to) const {
  SegmentWindow w;
  w.horizontal = horizontal;
  w.lo = lo;
  w.hi = hi;
  w.from = from;
  w.to = to;
  w.search = search;
  w.paper_gap = paper_gap;
  w.paper_width = paper_width;
  return w;
}

}  // namespace scantab::grid::detail
