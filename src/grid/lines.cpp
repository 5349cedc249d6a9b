#include "grid/lines.hpp"

#include <algorithm>
#include <climits>
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

RunLabels label_runs(const cv::Mat& ink) {
  CV_Assert(ink.type() == CV_8UC1);
  RunLabels out;
  std::vector<RunLabels::Run>& runs = out.runs;
  std::vector<int> first_run(std::size_t(ink.rows) + 1, 0);  // runs of row y: [first_run[y], first_run[y + 1])
  for (int y = 0; y < ink.rows; ++y) {
    first_run[y] = int(runs.size());
    const std::uint8_t* in = ink.ptr<std::uint8_t>(y);
    for (int x = 0; x < ink.cols;) {
      if (!in[x]) { ++x; continue; }
      const int x0 = x;
      while (x < ink.cols && in[x]) ++x;
      runs.push_back({y, x0, x - 1});
    }
  }
  first_run[ink.rows] = int(runs.size());

  std::vector<int> parent(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) parent[i] = int(i);
  auto find = [&parent](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (int y = 1; y < ink.rows; ++y) {  // 8-connected: runs overlap or touch diagonally
    int i = first_run[y - 1], j = first_run[y];
    while (i < first_run[y] && j < first_run[y + 1]) {
      const RunLabels::Run &a = runs[i], &b = runs[j];
      if (a.x0 <= b.x1 + 1 && b.x0 <= a.x1 + 1) parent[find(i)] = find(j);
      if (a.x1 < b.x1) ++i; else ++j;
    }
  }
  out.component.resize(runs.size());
  std::vector<int> id(runs.size(), -1);  // per root
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int r = find(int(i));
    if (id[r] < 0) id[r] = out.count++;
    out.component[i] = id[r];
  }
  return out;
}

cv::Mat thin_components(const cv::Mat& ink, bool horizontal, int thin) {
  const RunLabels cc = label_runs(ink);
  std::vector<int> lo(std::size_t(cc.count), INT_MAX), hi(std::size_t(cc.count), INT_MIN);  // extent across
  for (std::size_t i = 0; i < cc.runs.size(); ++i) {
    const RunLabels::Run& r = cc.runs[i];
    const int c = cc.component[i];
    lo[c] = std::min(lo[c], horizontal ? r.y : r.x0);
    hi[c] = std::max(hi[c], horizontal ? r.y : r.x1);
  }
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  for (std::size_t i = 0; i < cc.runs.size(); ++i) {
    const RunLabels::Run& r = cc.runs[i];
    const int c = cc.component[i];
    if (hi[c] - lo[c] + 1 <= thin) std::memset(out.ptr<std::uint8_t>(r.y) + r.x0, 255, std::size_t(r.x1 - r.x0 + 1));
  }
  return out;
}

}  // namespace scantab::grid::detail

namespace scantab::grid::detail {

namespace {

// Dash chaining along one line (a row or a column), fed the positions of its
// ink pixels in increasing order: bridged runs of at least dash_len are
// dashes; dashes at most max_gap apart form a chain; emit(start, length) is
// called for every chain at least min_len long and at least min_fill inked.
class DashChainer {
 public:
  explicit DashChainer(const ChainParams& p) : p_(&p) {}
  template <class Emit>
  void ink(int pos, Emit&& emit) {
    if (run_start_ >= 0 && pos - run_last_ - 1 > p_->bridge) close_run(emit);
    if (run_start_ < 0) run_start_ = pos;
    run_last_ = pos;
  }
  template <class Emit>
  void finish(Emit&& emit) {
    close_run(emit);
    close_chain(emit);
  }

 private:
  template <class Emit>
  void close_run(Emit&& emit) {
    if (run_start_ >= 0 && run_last_ - run_start_ + 1 >= p_->dash_len) {
      if (chain_start_ >= 0 && run_start_ - chain_end_ - 1 <= p_->max_gap) {
        chain_end_ = run_last_;
      } else {
        close_chain(emit);
        chain_start_ = run_start_;
        chain_end_ = run_last_;
        inked_ = 0;
      }
      inked_ += run_last_ - run_start_ + 1;
    }
    run_start_ = run_last_ = -1;
  }
  template <class Emit>
  void close_chain(Emit&& emit) {
    const int extent = chain_end_ - chain_start_ + 1;
    if (chain_start_ >= 0 && extent >= p_->min_len && inked_ >= p_->min_fill * extent) emit(chain_start_, extent);
    chain_start_ = chain_end_ = -1;
  }

  const ChainParams* p_;
  int run_start_ = -1, run_last_ = -1;      // the current run (none if -1)
  int chain_start_ = -1, chain_end_ = -1;   // the current chain of dashes (none if -1)
  long inked_ = 0;                          // dash pixels in the current chain
};

}  // namespace

cv::Mat chained_horizontal_runs(const cv::Mat& ink, const ChainParams& p) {
  CV_Assert(ink.type() == CV_8UC1);
  cv::Mat band;  // each row ORed with its neighbours above and below
  cv::dilate(ink, band, cv::getStructuringElement(cv::MORPH_RECT, {1, 3}));
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  for (int y = 0; y < ink.rows; ++y) {
    const std::uint8_t* in = band.ptr<std::uint8_t>(y);
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    auto emit = [o](int start, int length) { std::memset(o + start, 255, std::size_t(length)); };
    DashChainer chainer(p);
    for (int x = 0; x < ink.cols; ++x)
      if (in[x]) chainer.ink(x, emit);
    chainer.finish(emit);
  }
  return out;
}

cv::Mat chained_vertical_runs(const cv::Mat& ink, const ChainParams& p) {
  CV_Assert(ink.type() == CV_8UC1);
  cv::Mat band;  // each column ORed with its neighbours left and right
  cv::dilate(ink, band, cv::getStructuringElement(cv::MORPH_RECT, {3, 1}));
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  auto column_writer = [&out](int x) {
    return [&out, x](int start, int length) {
      for (int y = start; y < start + length; ++y) out.at<std::uint8_t>(y, x) = 255;
    };
  };
  std::vector<DashChainer> chainers(std::size_t(ink.cols), DashChainer(p));  // one per column
  for (int y = 0; y < ink.rows; ++y) {  // row by row, so memory is read in order
    const std::uint8_t* in = band.ptr<std::uint8_t>(y);
    for (int x = 0; x < ink.cols; ++x)
      if (in[x]) chainers[x].ink(y, column_writer(x));
  }
  for (int x = 0; x < ink.cols; ++x) chainers[x].finish(column_writer(x));
  return out;
}

}  // namespace scantab::grid::detail
