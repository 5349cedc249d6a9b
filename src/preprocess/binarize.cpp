// binarize: Sauvola local threshold + speck removal.
//
// J. Sauvola, M. Pietikainen, "Adaptive document image binarization",
// Pattern Recognition 33 (2000): T(x,y) = m * (1 + k * (s / R - 1)) with m, s
// the mean and standard deviation in a window around (x,y), R = 128.
// k = 0.15 (rather than the often quoted 0.34): with k = 0.34 a faded 1-px
// ruling line of gray 180 on white falls above the threshold (T ~ 174) and is
// lost; after a deskew rotation such a line is interpolated into ~2 px of
// gray ~213, which still needs T > 213 (k = 0.15 gives ~218). Flat paper
// still needs a ~15% drop below its local mean, which scanner/JPEG noise
// (sigma <= 8) rarely reaches; single-pixel hits are removed as specks.
// The window (~4.3 mm, 51 px at 300 dpi) is wider than bold title strokes, so
// they are not hollowed out.
//
// Faint rules: see add_faint_lines (averaging along each axis).
//
// Speck removal: connected components whose bounding box is smaller than
// 1/3 mm in both directions are dropped unless another, larger component lies
// within 0.6 mm (decimal points and commas next to digits are kept).

#include <vector>

#include <opencv2/imgproc.hpp>

#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

namespace scantab::preprocess {
namespace {

constexpr double kSauvolaK = 0.15;
constexpr double kSauvolaR = 128.0;
constexpr double kWindowMm = 4.3;
constexpr double kSpeckMm = 1.0 / 3.0;
constexpr double kNeighbourMm = 0.6;

// Faint ruling lines that Sauvola breaks into dots (a faded rule under scan
// noise and JPEG blocking: its per-pixel drop below the paper hovers around
// the threshold). Along each axis the gray is averaged over kLineAverageMm,
// which keeps a rule's darkness and averages the noise away; a pixel is
// marked when that average lies kLineDrop below the local mean (the Sauvola
// window mean), the averages kLineSideMm to both sides across the rule lie
// less than half that below it (a thin rule, not a band of text), and the
// pixel itself is at least half that dark (no smearing past the ink).
// Bleed-through (a mirrored back page at ~12 % opacity) stays well under
// kLineDrop.
constexpr double kLineAverageMm = 2.0;
constexpr double kLineSideMm = 1.0;
constexpr double kLineDrop = 0.15;

// Sauvola's window statistics on a block-averaged copy: the page is cut into
// q x q px blocks (edge blocks are smaller), each block's mean of g and g^2 is
// box-filtered over `w` blocks (w odd, reflected at the border), and the
// threshold and window mean are kept per block. Averaging g and g^2 over
// blocks keeps the window mean and variance exact up to block alignment.
struct BlockStats {
  int q = 1;
  cv::Mat threshold, mean;  // CV_32F, one value per block
};

BlockStats block_stats(const cv::Mat& gray, int window) {
  BlockStats b;
  b.q = std::max(1, window / 12);
  const int q = b.q, bw = (gray.cols + q - 1) / q, bh = (gray.rows + q - 1) / q;
  cv::Mat sum(bh, bw, CV_64F, cv::Scalar(0)), sum_sq(bh, bw, CV_64F, cv::Scalar(0));
  for (int y = 0; y < gray.rows; ++y) {
    const std::uint8_t* g = gray.ptr<std::uint8_t>(y);
    double *s = sum.ptr<double>(y / q), *s2 = sum_sq.ptr<double>(y / q);
    for (int bx = 0; bx < bw; ++bx) {
      std::uint32_t a = 0, a2 = 0;  // at most q (< 2^12) pixels of 255^2
      for (int x = bx * q, end = std::min(gray.cols, x + q); x < end; ++x) {
        a += g[x];
        a2 += std::uint32_t(g[x]) * g[x];
      }
      s[bx] += a;
      s2[bx] += a2;
    }
  }
  cv::Mat mean(bh, bw, CV_32F), mean_sq(bh, bw, CV_32F);
  for (int by = 0; by < bh; ++by) {
    const int h = std::min(gray.rows, (by + 1) * q) - by * q;
    for (int bx = 0; bx < bw; ++bx) {
      const double n = double(h) * (std::min(gray.cols, (bx + 1) * q) - bx * q);
      mean.at<float>(by, bx) = float(sum.at<double>(by, bx) / n);
      mean_sq.at<float>(by, bx) = float(sum_sq.at<double>(by, bx) / n);
    }
  }
  const int w = detail::odd_at_least(double(window) / q, 3);
  cv::boxFilter(mean, mean, CV_32F, {w, w}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::boxFilter(mean_sq, mean_sq, CV_32F, {w, w}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::Mat sd;
  cv::sqrt(cv::max(mean_sq - mean.mul(mean), 0.0), sd);
  b.threshold = mean.mul(1.0 - kSauvolaK + (kSauvolaK / kSauvolaR) * sd);
  b.mean = mean;
  return b;
}

// Linear interpolation of block values back to pixels (the centre of block
// i sits at pixel i*q + (q-1)/2; beyond the outer centres the value is held),
// as cv::resize(INTER_LINEAR) would map it.
// Per pixel: the lower block `lo` and the weight `w` of block lo + 1 (0 at
// and beyond the outer centres; rows of blocks carry one repeated block past
// the end, so lo + 1 is always readable).
struct Taps {
  std::vector<int> lo;
  std::vector<float> w;
};

Taps interpolation_taps(int pixels, int blocks) {
  Taps t;
  t.lo.reserve(std::size_t(pixels));
  t.w.reserve(std::size_t(pixels));
  const double scale = double(blocks) / pixels;
  for (int x = 0; x < pixels; ++x) {
    double f = (x + 0.5) * scale - 0.5;
    int i = int(std::floor(f));
    f -= i;
    if (i < 0) i = 0, f = 0;
    if (i >= blocks - 1) i = blocks - 1, f = 0;
    t.lo.push_back(i);
    t.w.push_back(float(f));
  }
  return t;
}

// Pixel row y of the threshold and mean block images, interpolated in one
// pass (they share the taps). `across_*` are scratch of blocks.cols + 1.
void interpolate_rows(const BlockStats& stats, const Taps& tx, const Taps& ty, int y, std::vector<float>& across_t,
                      std::vector<float>& across_m, std::vector<float>& threshold, std::vector<float>& mean) {
  const int y0 = ty.lo[std::size_t(y)], y1 = std::min(y0 + 1, stats.threshold.rows - 1);
  const float wy = ty.w[std::size_t(y)];
  const float *ta = stats.threshold.ptr<float>(y0), *tb = stats.threshold.ptr<float>(y1);
  const float *ma = stats.mean.ptr<float>(y0), *mb = stats.mean.ptr<float>(y1);
  const int n = stats.threshold.cols;
  for (int i = 0; i < n; ++i) {
    across_t[std::size_t(i)] = ta[i] + wy * (tb[i] - ta[i]);
    across_m[std::size_t(i)] = ma[i] + wy * (mb[i] - ma[i]);
  }
  across_t[std::size_t(n)] = across_t[std::size_t(n - 1)];
  across_m[std::size_t(n)] = across_m[std::size_t(n - 1)];
  const int* lo = tx.lo.data();
  const float* w = tx.w.data();
  for (std::size_t x = 0; x < threshold.size(); ++x) {
    const float* t = across_t.data() + lo[x];
    const float* m = across_m.data() + lo[x];
    threshold[x] = t[0] + w[x] * (t[1] - t[0]);
    mean[x] = m[0] + w[x] * (m[1] - m[0]);
  }
}

// Sum of gray over [x - r, x + r] for every x of one row (edge pixels
// repeated beyond the row's ends).
void horizontal_sums(const std::uint8_t* g, int cols, int r, std::uint32_t* out) {
  std::uint32_t s = 0;
  for (int x = -r; x <= r; ++x) s += g[std::clamp(x, 0, cols - 1)];
  for (int x = 0; x < cols; ++x) {
    out[x] = s;
    const int enter = x + r + 1, leave = x - r;
    s += g[enter < cols ? enter : cols - 1];
    s -= g[leave > 0 ? leave : 0];
  }
}

// 255 where gray < Sauvola threshold, plus faint ruling lines (see
// kLineAverageMm). The threshold and window mean come from block statistics
// (~window/12 px blocks), interpolated back per row; the faint-line averages
// are running sums. Everything is streamed row by row over the 8-bit gray,
// without full-size float images (~10x cheaper than full-resolution box
// filters, and no page-sized scratch memory). `out` must be CV_8UC1 of
// gray's size (it is written in place).
void sauvola(const cv::Mat& gray, int window, double dpi, cv::Mat& out) {
  const BlockStats stats = block_stats(gray, window);
  const int rows = gray.rows, cols = gray.cols;
  const Taps tx = interpolation_taps(cols, stats.threshold.cols), ty = interpolation_taps(rows, stats.threshold.rows);

  const int len = detail::odd_at_least(kLineAverageMm * detail::px_per_mm(dpi), 3), r = len / 2;
  const int side = std::max(1, int(std::lround(kLineSideMm * detail::px_per_mm(dpi))));
  const float inv_len = 1.0f / float(len);
  // Horizontal averages of rows y - side .. y + side (a ring of 2 side + 1
  // rows), and column sums over rows y - r .. y + r for the vertical average.
  const int ring = 2 * side + 1;
  std::vector<std::uint32_t> horizontal(std::size_t(ring) * cols);
  auto horizontal_row = [&](int y) { return horizontal.data() + std::size_t(y % ring) * cols; };
  std::vector<std::uint32_t> column(cols, 0);
  auto gray_row = [&](int y) { return gray.ptr<std::uint8_t>(std::clamp(y, 0, rows - 1)); };
  for (int y = -r; y <= r; ++y) {
    const std::uint8_t* g = gray_row(y);
    for (int x = 0; x < cols; ++x) column[x] += g[x];
  }
  for (int y = 0; y < std::min(rows, side); ++y) horizontal_sums(gray_row(y), cols, r, horizontal_row(y));

  std::vector<float> across_t(std::size_t(stats.threshold.cols) + 1), across_m(across_t.size());
  std::vector<float> threshold(cols), mean(cols), vertical(cols);
  for (int y = 0; y < rows; ++y) {
    const std::uint8_t* g = gray.ptr<std::uint8_t>(y);
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    interpolate_rows(stats, tx, ty, y, across_t, across_m, threshold, mean);
    for (int x = 0; x < cols; ++x) o[x] = float(g[x]) < threshold[x] ? 255 : 0;

    if (y + side < rows) horizontal_sums(gray_row(y + side), cols, r, horizontal_row(y + side));
    if (y >= side && y + side < rows) {
      for (int x = 0; x < cols; ++x) vertical[x] = float(column[x]) * inv_len;
      const std::uint32_t *h = horizontal_row(y), *h_above = horizontal_row(y - side),
                          *h_below = horizontal_row(y + side);
      for (int x = side; x + side < cols; ++x) {
        const float strong = mean[x] * float(1.0 - kLineDrop), weak = mean[x] * float(1.0 - kLineDrop / 2);
        if (!(float(g[x]) < weak)) continue;
        const bool along_row = float(h[x]) * inv_len < strong && float(h_above[x]) * inv_len >= weak &&
                               float(h_below[x]) * inv_len >= weak;
        const bool along_column = vertical[x] < strong && vertical[x - side] >= weak && vertical[x + side] >= weak;
        if (along_row || along_column) o[x] = 255;
      }
    }
    // Slide the column sums down one row.
    const std::uint8_t *enter = gray_row(y + r + 1), *leave = gray_row(y - r);
    for (int x = 0; x < cols; ++x) column[x] += std::uint32_t(enter[x]) - leave[x];
  }
}

// Clears isolated components smaller than speck_px (bounding box, both
// directions) that have no non-speck component within near_px.
void remove_specks(cv::Mat& binary, int speck_px, int near_px) {
  if (speck_px <= 1) return;  // nothing below one pixel to remove
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  std::vector<std::uint8_t> speck(n, 0);
  for (int i = 1; i < n; ++i) {
    speck[i] = stats.at<int>(i, cv::CC_STAT_WIDTH) < speck_px &&
               stats.at<int>(i, cv::CC_STAT_HEIGHT) < speck_px;
  }
  for (int i = 1; i < n; ++i) {
    if (!speck[i]) continue;
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT) - near_px,
                       stats.at<int>(i, cv::CC_STAT_TOP) - near_px,
                       stats.at<int>(i, cv::CC_STAT_WIDTH) + 2 * near_px,
                       stats.at<int>(i, cv::CC_STAT_HEIGHT) + 2 * near_px);
    const cv::Rect area = box & cv::Rect(0, 0, binary.cols, binary.rows);
    bool near_big = false;
    for (int y = area.y; y < area.y + area.height && !near_big; ++y) {
      const int* l = labels.ptr<int>(y);
      for (int x = area.x; x < area.x + area.width; ++x) {
        if (l[x] != 0 && !speck[l[x]]) { near_big = true; break; }
      }
    }
    if (near_big) continue;
    const int x0 = stats.at<int>(i, cv::CC_STAT_LEFT), y0 = stats.at<int>(i, cv::CC_STAT_TOP);
    for (int y = y0; y < y0 + stats.at<int>(i, cv::CC_STAT_HEIGHT); ++y) {  // clear the speck's pixels
      const int* l = labels.ptr<int>(y);
      std::uint8_t* b = binary.ptr<std::uint8_t>(y);
      for (int x = x0; x < x0 + stats.at<int>(i, cv::CC_STAT_WIDTH); ++x)
        if (l[x] == i) b[x] = 0;
    }
  }
}

}  // namespace

Image binarize(const Image& gray, double dpi) {
  if (gray.empty()) return Image();
  dpi = detail::sane_dpi(dpi);
  const cv::Mat g = gray.channels == 1 ? as_mat(gray) : as_mat(to_gray(gray)).clone();
  const int window = detail::odd_at_least(kWindowMm * detail::px_per_mm(dpi), 7);
  Image out(gray.width, gray.height, 1);
  cv::Mat binary = as_mat(out);
  sauvola(g, window, dpi, binary);
  remove_specks(binary, int(std::lround(kSpeckMm * detail::px_per_mm(dpi))),
                std::max(1, int(std::lround(kNeighbourMm * detail::px_per_mm(dpi)))));
  return out;
}

}  // namespace scantab::preprocess
