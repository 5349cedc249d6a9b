#include "grid/lines.hpp"

#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace scantab::grid::detail {

cv::Mat long_horizontal_runs(const cv::Mat& ink, int min_len, int bridge) {
  CV_Assert(ink.type() == CV_8UC1);
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  const int w = ink.cols;
  for (int y = 0; y < ink.rows; ++y) {
    const std::uint8_t* in = ink.ptr<std::uint8_t>(y);
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    int x = 0;
    while (x < w) {
      if (!in[x]) {
        ++x;
        continue;
      }
      const int start = x;
      int last = x++;
      while (x < w && (in[x] || x - last <= bridge)) {
        if (in[x]) last = x;
        ++x;
      }
      if (last - start + 1 >= min_len) std::memset(o + start, 255, std::size_t(last - start + 1));
      x = last + 1;
    }
  }
  return out;
}

cv::Mat long_vertical_runs(const cv::Mat& ink, int min_len, int bridge) {
  CV_Assert(ink.type() == CV_8UC1);
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  const int w = ink.cols;
  std::vector<int> start(w, -1), last(w, -1);  // current run per column, -1 = none
  auto close = [&](int x) {
    if (start[x] >= 0 && last[x] - start[x] + 1 >= min_len)
      for (int y = start[x]; y <= last[x]; ++y) out.at<std::uint8_t>(y, x) = 255;
    start[x] = last[x] = -1;
  };
  for (int y = 0; y < ink.rows; ++y) {
    const std::uint8_t* in = ink.ptr<std::uint8_t>(y);
    for (int x = 0; x < w; ++x) {
      if (!in[x]) continue;
      if (start[x] >= 0 && y - last[x] - 1 > bridge) close(x);
      if (start[x] < 0) start[x] = y;
      last[x] = y;
    }
  }
  for (int x = 0; x < w; ++x) close(x);
  return out;
}

}  // namespace scantab::grid::detail

namespace scantab::grid::detail {

cv::Mat chained_horizontal_runs(const cv::Mat& ink, const ChainParams& p) {
  CV_Assert(ink.type() == CV_8UC1);
  cv::Mat band;  // each row ORed with its neighbours above and below
  cv::dilate(ink, band, cv::getStructuringElement(cv::MORPH_RECT, {1, 3}));
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  struct Run { int start, end; };
  std::vector<Run> runs;
  const int w = ink.cols;
  for (int y = 0; y < ink.rows; ++y) {
    const std::uint8_t* in = band.ptr<std::uint8_t>(y);
    runs.clear();
    for (int x = 0; x < w;) {  // dashes: bridged runs of >= dash_len
      if (!in[x]) { ++x; continue; }
      const int start = x;
      int last = x++;
      while (x < w && (in[x] || x - last <= p.bridge)) {
        if (in[x]) last = x;
        ++x;
      }
      if (last - start + 1 >= p.dash_len) runs.push_back({start, last});
      x = last + 1;
    }
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (std::size_t i = 0; i < runs.size();) {  // chains of close dashes
      std::size_t j = i;
      long inked = runs[i].end - runs[i].start + 1;
      while (j + 1 < runs.size() && runs[j + 1].start - runs[j].end - 1 <= p.max_gap) {
        ++j;
        inked += runs[j].end - runs[j].start + 1;
      }
      const int extent = runs[j].end - runs[i].start + 1;
      if (extent >= p.min_len && inked >= p.min_fill * extent)
        std::memset(o + runs[i].start, 255, std::size_t(extent));
      i = j + 1;
    }
  }
  return out;
}

cv::Mat chained_vertical_runs(const cv::Mat& ink, const ChainParams& p) {
  cv::Mat t = ink.t();
  return chained_horizontal_runs(t, p).t();
}

}  // namespace scantab::grid::detail
