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
// marked (255 in `out`, OR-ed in) when that average lies kLineDrop below the
// local mean `bg`, the averages kLineSideMm to both sides across the rule
// lie less than half that below it (a thin rule, not a band of text), and
// the pixel itself is at least half that dark (no smearing past the ink).
// Bleed-through (a mirrored back page at ~12 % opacity) stays well under
// kLineDrop.
constexpr double kLineAverageMm = 2.0;
constexpr double kLineSideMm = 1.0;
constexpr double kLineDrop = 0.15;

void add_faint_lines(const cv::Mat& g32, const cv::Mat& bg, double dpi, cv::Mat& out) {
  const int len = detail::odd_at_least(kLineAverageMm * detail::px_per_mm(dpi), 3);
  const int side = std::max(1, int(std::lround(kLineSideMm * detail::px_per_mm(dpi))));
  const cv::Mat strong = bg * (1.0 - kLineDrop), weak = bg * (1.0 - kLineDrop / 2);
  for (const bool horizontal : {true, false}) {
    cv::Mat avg;
    cv::blur(g32, avg, horizontal ? cv::Size(len, 1) : cv::Size(1, len), cv::Point(-1, -1), cv::BORDER_REPLICATE);
    for (int y = side; y + side < g32.rows; ++y) {
      const float* a = avg.ptr<float>(y);
      const float *s = strong.ptr<float>(y), *w = weak.ptr<float>(y), *g = g32.ptr<float>(y);
      const float* a_before = horizontal ? avg.ptr<float>(y - side) : a - side;
      const float* a_after = horizontal ? avg.ptr<float>(y + side) : a + side;
      std::uint8_t* o = out.ptr<std::uint8_t>(y);
      for (int x = side; x + side < g32.cols; ++x)
        if (a[x] < s[x] && g[x] < w[x] && a_before[x] >= w[x] && a_after[x] >= w[x]) o[x] = 255;
    }
  }
}

// 255 where gray < Sauvola threshold. The window statistics are computed on
// a block-averaged copy (blocks of q x q px, q ~ window/12): averaging g and
// g^2 over blocks keeps the window mean and variance exact up to block
// alignment, and the smooth threshold surface is interpolated back to full
// size. This is ~10x cheaper than full-resolution box filters. `out` must be
// CV_8UC1 of gray's size (it is written in place). Faint ruling lines are
// added (add_faint_lines, against the same window mean).
void sauvola(const cv::Mat& gray, int window, double dpi, cv::Mat& out) {
  cv::Mat g32;
  gray.convertTo(g32, CV_32F);
  const int q = std::max(1, window / 12);
  const cv::Size low((gray.cols + q - 1) / q, (gray.rows + q - 1) / q);
  cv::Mat mean, mean_sq;
  cv::Mat full;  // full-size float scratch: g^2, then the threshold (one allocation)
  if (q > 1) {
    cv::resize(g32, mean, low, 0, 0, cv::INTER_AREA);
    cv::multiply(g32, g32, full);
    cv::resize(full, mean_sq, low, 0, 0, cv::INTER_AREA);
  } else {
    mean = g32.clone();  // filtered in place below; g32 is still needed
    mean_sq = g32.mul(g32);
  }
  const int w = detail::odd_at_least(double(window) / q, 3);
  cv::boxFilter(mean, mean, CV_32F, {w, w}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::boxFilter(mean_sq, mean_sq, CV_32F, {w, w}, cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  cv::Mat sd;
  cv::sqrt(cv::max(mean_sq - mean.mul(mean), 0.0), sd);
  cv::Mat threshold = mean.mul(1.0 - kSauvolaK + (kSauvolaK / kSauvolaR) * sd);
  if (q > 1) {
    cv::resize(threshold, full, gray.size(), 0, 0, cv::INTER_LINEAR);
    threshold = full;
  }
  cv::compare(g32, threshold, out, cv::CMP_LT);
  if (q > 1) {
    cv::resize(mean, full, gray.size(), 0, 0, cv::INTER_LINEAR);
    mean = full;
  }
  add_faint_lines(g32, mean, dpi, out);
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
