// Skew estimation and rotations.
//
// Skew: projection-profile method (W. Postl, "Detection of linear oblique
// structures and skew scan in digitized documents", ICPR 1986; H. Baird,
// "The skew angle of printed documents", 1987). For each candidate angle the
// ink is projected onto the axis perpendicular to that angle; when the angle
// matches the skew, ruling lines and text lines collapse into few bins and the
// sum of squared bin counts peaks (rows and columns are both used, so a page
// turned by 90 degrees gives the same answer). Long ruling lines dominate this sum (their
// bin counts are large), which makes table pages very precise; text lines
// alone still give a clear, broader peak.
//
// Implementation: the binary is reduced (area averaging) to <= kMaxSide pixels
// on its long side; every ink pixel becomes a weighted point; the profile uses
// linear (two-bin) splatting so the objective is smooth in the angle; search
// is coarse (0.1 deg, on a quarter of the points) then fine (0.02 deg, within 0.12 deg of the coarse peak) with a
// parabolic peak fit.

#include <cmath>
#include <vector>

#include <immintrin.h>

#include <opencv2/imgproc.hpp>

#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

namespace scantab::preprocess {
namespace {

constexpr int kMaxSide = 1600;        // px of the reduced copy used for the estimate
constexpr double kMarginFraction = 0.02;  // ignore ink this close to the border (scanner edges)
constexpr double kMinInkPoints = 200;     // total weight below which we report 0
constexpr std::size_t kCoarseStride = 4;  // coarse search: every 4th ink point
constexpr double kPi = 3.14159265358979323846;

struct InkPoint { float x, y, w; };  // relative to the image centre, y down

std::vector<InkPoint> ink_points(const cv::Mat& binary) {
  cv::Mat small = binary;
  const int side = std::max(binary.cols, binary.rows);
  if (side > kMaxSide) {
    const double f = double(kMaxSide) / side;
    cv::resize(binary, small, cv::Size(std::max(1, int(binary.cols * f)), std::max(1, int(binary.rows * f))),
               0, 0, cv::INTER_AREA);
  }
  const int mx = int(small.cols * kMarginFraction), my = int(small.rows * kMarginFraction);
  const float cx = small.cols / 2.0f, cy = small.rows / 2.0f;
  std::vector<InkPoint> points;
  for (int y = my; y < small.rows - my; ++y) {
    const std::uint8_t* row = small.ptr<std::uint8_t>(y);
    for (int x = mx; x < small.cols - mx; ++x) {
      if (row[x] > 16) points.push_back({x - cx, y - cy, row[x] / 255.0f});
    }
  }
  return points;
}

// Projection energies for a batch of candidate angles (degrees): for each, the
// sum of squared bins of the row profile and of the column profile after
// undoing a counter-clockwise skew of that angle: a point (x, y) of the skewed
// image lies at (x*cos - y*sin, y*cos + x*sin) of the upright one. Using both
// profiles makes the estimate independent of a 90-degree page turn (vertical
// text lines or a turned table collapse in the column profile). Profiles use
// linear (two-bin) splatting. Four angles share one pass over the points, their
// positions computed as one SSE vector (lane-wise the same float arithmetic as
// scalar code).
std::vector<double> profile_energies(const std::vector<InkPoint>& pts, const std::vector<double>& degrees,
                                     double half_extent) {
  constexpr int kLanes = 4;
  const std::size_t n_bins = std::size_t(2 * half_extent + 4);
  std::vector<double> energies;
  std::vector<double> bins(2 * kLanes * n_bins);  // rows of lane k at [2k n_bins], columns after them
  for (std::size_t first = 0; first < degrees.size(); first += kLanes) {
    alignas(16) float sin4[kLanes], cos4[kLanes];
    for (int k = 0; k < kLanes; ++k) {  // lanes past the end repeat the last angle
      const double a = degrees[std::min(first + k, degrees.size() - 1)] * kPi / 180.0;
      sin4[k] = float(std::sin(a));
      cos4[k] = float(std::cos(a));
    }
    const __m128 s = _mm_load_ps(sin4), c = _mm_load_ps(cos4);
    const __m128 offset = _mm_set1_ps(float(half_extent + 1)), one = _mm_set1_ps(1.0f);
    std::fill(bins.begin(), bins.end(), 0.0);
    // Adds w * (1 - frac(v)) to bin floor(v) and w * frac(v) to the next one,
    // per lane k into bins[k * 2 n_bins + base ...].
    auto splat = [&](__m128 v, __m128 w, std::size_t base) {
      const __m128i i = _mm_cvttps_epi32(v);
      const __m128 f = _mm_sub_ps(v, _mm_cvtepi32_ps(i));
      alignas(16) int idx[kLanes];
      alignas(16) float lo[kLanes], hi[kLanes];
      _mm_store_si128(reinterpret_cast<__m128i*>(idx), i);
      _mm_store_ps(lo, _mm_mul_ps(w, _mm_sub_ps(one, f)));
      _mm_store_ps(hi, _mm_mul_ps(w, f));
      for (int k = 0; k < kLanes; ++k) {
        double* b = bins.data() + 2 * k * n_bins + base + idx[k];
        b[0] += lo[k];
        b[1] += hi[k];
      }
    };
    for (const InkPoint& p : pts) {
      const __m128 x = _mm_set1_ps(p.x), y = _mm_set1_ps(p.y), w = _mm_set1_ps(p.w);
      splat(_mm_add_ps(_mm_add_ps(_mm_mul_ps(y, c), _mm_mul_ps(x, s)), offset), w, 0);
      splat(_mm_add_ps(_mm_sub_ps(_mm_mul_ps(x, c), _mm_mul_ps(y, s)), offset), w, n_bins);
    }
    for (std::size_t k = 0; k < kLanes && first + k < degrees.size(); ++k) {
      double e = 0;
      for (std::size_t j = 0; j < 2 * n_bins; ++j) e += bins[2 * k * n_bins + j] * bins[2 * k * n_bins + j];
      energies.push_back(e);
    }
  }
  return energies;
}

struct Peak { double angle, energy; };

// Best angle on a grid lo..hi with `step`, refined by a parabola through the
// best sample and its two neighbours.
Peak search(const std::vector<InkPoint>& pts, double lo, double hi, double step, double half_extent) {
  const int n = int(std::lround((hi - lo) / step)) + 1;
  std::vector<double> angles;
  for (int i = 0; i < n; ++i) angles.push_back(lo + i * step);
  const std::vector<double> energy = profile_energies(pts, angles, half_extent);
  const int best = int(std::max_element(energy.begin(), energy.end()) - energy.begin());
  double angle = lo + best * step;
  if (best > 0 && best < n - 1) {
    const double e0 = energy[best - 1], e1 = energy[best], e2 = energy[best + 1];
    const double denom = e0 - 2 * e1 + e2;
    if (denom < 0) angle += step * std::clamp(0.5 * (e0 - e2) / denom, -0.5, 0.5);
  }
  return {angle, energy[best]};
}

}  // namespace

double estimate_skew_degrees(const Image& binary, double max_degrees) {
  if (binary.empty() || !(max_degrees > 0)) return 0.0;
  max_degrees = std::min(max_degrees, 45.0);
  const std::vector<InkPoint> pts = ink_points(detail::gray_mat(binary));
  double weight = 0;
  float half_extent = 0;
  for (const InkPoint& p : pts) {
    weight += p.w;
    half_extent = std::max(half_extent, std::hypot(p.x, p.y));
  }
  if (weight < kMinInkPoints) return 0.0;
  // The coarse pass only has to land within its step of the peak, so it
  // looks at every kCoarseStride-th ink point (a quarter of every line's ink
  // still sharpens its peak); the fine pass uses them all.
  std::vector<InkPoint> sparse;
  sparse.reserve(pts.size() / kCoarseStride + 1);
  for (std::size_t i = 0; i < pts.size(); i += kCoarseStride) sparse.push_back(pts[i]);
  const Peak coarse = search(sparse, -max_degrees, max_degrees, 0.1, half_extent);
  const double lo = std::max(-max_degrees, coarse.angle - 0.12);
  const double hi = std::min(max_degrees, coarse.angle + 0.12);
  const Peak fine = search(pts, lo, hi, 0.02, half_extent);
  return std::clamp(fine.angle, -max_degrees, max_degrees);
}

Image rotate_gray(const Image& gray, double degrees) {
  if (gray.empty() || !std::isfinite(degrees) || degrees == 0.0) return gray;
  const cv::Mat src = as_mat(gray);
  const cv::Point2f centre(gray.width / 2.0f - 0.5f, gray.height / 2.0f - 0.5f);
  const cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
  Image out(gray.width, gray.height, gray.channels);
  cv::Mat dst = as_mat(out);
  cv::warpAffine(src, dst, m, src.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT,
                 cv::Scalar::all(255));
  return out;
}

Image rotate_quadrant(const Image& image, int clockwise_degrees) {
  const int q = (((int(std::lround(clockwise_degrees / 90.0)) % 4) + 4) % 4);
  if (q == 0 || image.empty()) return image;
  cv::Mat out;
  const int code = q == 1 ? cv::ROTATE_90_CLOCKWISE
                 : q == 2 ? cv::ROTATE_180
                          : cv::ROTATE_90_COUNTERCLOCKWISE;
  cv::rotate(as_mat(image), out, code);
  Image result(out.cols, out.rows, image.channels);
  cv::Mat view = as_mat(result);
  out.copyTo(view);
  return result;
}

}  // namespace scantab::preprocess
