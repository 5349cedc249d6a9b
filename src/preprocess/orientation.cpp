// Page orientation (0/90/180/270) from layout evidence, no OCR.
//
// 0 vs 90: Chinese characters are roughly square, so a single glyph says
// little about direction; text *lines* do. Characters of one line (and the
// parts of one left-right structured character) are packed tightly, while
// lines and table rows are far apart. Run-length smearing (K. Wong, R. Casey,
// F. Wahl, "Document analysis system", IBM J. R&D 1982) along the line
// direction therefore merges many components, across it few. After removing
// long ruling lines, we smear the text horizontally and vertically by 1.2,
// 1.8 and 2.4 mm (more than letter gaps, less than most line gaps) and
// compare how many components remain in total. On 13 real Jiangsu budget pages
// (text and tables, 150 dpi) the horizontal/vertical ratio at 2.4 mm was
// 0.13-0.36 upright and 2.8-7.8 turned; we turn at >= 1.8.
//
// 0 vs 180 (and 90 vs 270): budget tables are full of amounts such as
// "1,234.56". A decimal point or thousands comma between two digits sits at
// the baseline, i.e. in the bottom part of the digits' box; on a page turned
// by 180 it sits at the top. Chinese full-width punctuation (，。、) also sits
// low in its em box. We count such dots and only flip on a clear majority.
//
// Conservative by design: a page is only turned by 90/270 when vertical
// smearing merges clearly better, and only flipped when the dot cue is clear; otherwise the
// page is left as it is.
//
// Fallback: when a cue is ambiguous (smearing ratio between 0.6 and 1.8, too
// few text components, or the dot cue clear neither way) and the caller gave
// an OrientationOracle (the pipeline passes Tesseract OSD from src/ocr: this
// stage must not call Tesseract itself), the oracle's vote decides if it is
// confident enough. A clear smearing cue still fixes the axis: the oracle then
// only chooses between r and r + 180. Pages whose cues are clear never pay
// for the oracle.

#include <array>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

namespace scantab::preprocess {
namespace {

constexpr double kAnalysisDpi = 150;   // the binary is reduced to about this
constexpr double kRuleMm = 6.0;        // longer straight runs are ruling lines
constexpr double kMinGlyphMm = 0.8;    // smaller components are ignored for smearing
constexpr double kMaxElongation = 6.0; // longer/thinner components are rule fragments
// Gaps bridged by smearing: the evidence is summed over several lengths, since
// the best one depends on the text size and line spacing.
constexpr double kSmearMm[] = {1.2, 1.8, 2.4};
constexpr int kMinComponents = 30;     // fewer text components: no decision (stay at 0)
constexpr double kTurnRatio = 1.8;     // turn only if horizontal smearing leaves 1.8x more
constexpr double kUprightRatio = 0.6;  // clearly upright at <= 0.6 (real pages: 0.13-0.36)
constexpr double kNeighbourMm = 5.0;   // search radius for the dot cue
constexpr int kMinDots = 6;            // dot votes needed to flip
constexpr double kDotMajority = 3.0;   // high dots must outnumber low ones 3:1

struct Box {
  int x, y, w, h;
  double cx() const { return x + w / 2.0; }
  double cy() const { return y + h / 2.0; }
  int right() const { return x + w; }
  int bottom() const { return y + h; }
};

std::vector<Box> components(const cv::Mat& binary) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  std::vector<Box> boxes;
  boxes.reserve(n);
  for (int i = 1; i < n; ++i) {
    boxes.push_back({stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)});
  }
  return boxes;
}

// Uniform bucket grid over box centres, for neighbour queries.
class BucketGrid {
 public:
  BucketGrid(const std::vector<Box>& boxes, const std::vector<int>& members, cv::Size size, double cell)
      : boxes_(boxes), cell_(std::max(1.0, cell)),
        cols_(int(size.width / cell_) + 1), rows_(int(size.height / cell_) + 1),
        buckets_(std::size_t(cols_) * rows_) {
    for (int i : members) buckets_[index(boxes[i].cx(), boxes[i].cy())].push_back(i);
  }
  // Calls f(i) for members whose centre lies in the 3x3 buckets around (x, y).
  template <class F>
  void near(double x, double y, F&& f) const {
    const int bx = std::clamp(int(x / cell_), 0, cols_ - 1), by = std::clamp(int(y / cell_), 0, rows_ - 1);
    for (int yy = std::max(0, by - 1); yy <= std::min(rows_ - 1, by + 1); ++yy)
      for (int xx = std::max(0, bx - 1); xx <= std::min(cols_ - 1, bx + 1); ++xx)
        for (int i : buckets_[std::size_t(yy) * cols_ + xx]) f(i);
  }

 private:
  std::size_t index(double x, double y) const {
    const int bx = std::clamp(int(x / cell_), 0, cols_ - 1), by = std::clamp(int(y / cell_), 0, rows_ - 1);
    return std::size_t(by) * cols_ + bx;
  }
  const std::vector<Box>& boxes_;
  double cell_;
  int cols_, rows_;
  std::vector<std::vector<int>> buckets_;
};

// The binary without long horizontal and vertical runs (ruling lines). Gaps
// of up to 2 px (noisy, broken rules) are bridged before the opening, and the
// rule mask is grown by 1 px so that rule fringes do not survive as glyphs.
cv::Mat without_rules(const cv::Mat& binary, double ppmm) {
  const int len = std::max(5, int(kRuleMm * ppmm));
  cv::Mat h, v, closed;
  cv::morphologyEx(binary, closed, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {3, 1}));
  cv::morphologyEx(closed, h, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {len, 1}));
  cv::morphologyEx(binary, closed, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {1, 3}));
  cv::morphologyEx(closed, v, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {1, len}));
  cv::Mat rules = h | v;
  cv::dilate(rules, rules, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::Mat text = binary & ~rules;
  return text;
}


// Only components at least `min_px` in width or height and not much
// elongated: specks and dots would otherwise count the same in both smearing
// directions and dilute the ratio (noisy scans have thousands).
cv::Mat without_small(const cv::Mat& binary, int min_px) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  std::vector<std::uint8_t> keep(n, 0);
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    // Long thin pieces are rule fragments (or 一), which smear along themselves.
    keep[i] = std::max(w, h) >= min_px && std::max(w, h) <= kMaxElongation * std::min(w, h);
  }
  cv::Mat out(binary.size(), CV_8U);
  for (int y = 0; y < binary.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < binary.cols; ++x) o[x] = keep[l[x]] ? 255 : 0;
  }
  return out;
}

// Baseline-dot votes for text lines running horizontally: {low, high}.
std::pair<int, int> dot_votes(const std::vector<Box>& boxes, cv::Size size, double ppmm) {
  std::vector<int> digits, dots;
  for (int i = 0; i < int(boxes.size()); ++i) {
    const Box& b = boxes[i];
    if (b.h >= 1.2 * ppmm && b.h <= 5.0 * ppmm && b.w <= 0.85 * b.h) digits.push_back(i);
    if (std::max(b.w, b.h) <= 0.9 * ppmm) dots.push_back(i);
  }
  const BucketGrid grid(boxes, digits, size, kNeighbourMm * ppmm);
  int low = 0, high = 0;
  for (int d : dots) {
    const Box& dot = boxes[d];
    // Nearest digit-like box on each side, on the same line as the dot.
    int left = -1, right = -1;
    double left_gap = 1e9, right_gap = 1e9;
    grid.near(dot.cx(), dot.cy(), [&](int j) {
      const Box& c = boxes[j];
      if (dot.cy() < c.y - 0.2 * c.h || dot.cy() > c.bottom() + 0.2 * c.h) return;
      if (std::max(dot.w, dot.h) > 0.45 * c.h) return;
      const double gl = dot.x - c.right(), gr = c.x - dot.right();
      if (gl >= -1 && gl <= 0.6 * c.h && gl < left_gap) { left_gap = gl; left = j; }
      if (gr >= -1 && gr <= 0.6 * c.h && gr < right_gap) { right_gap = gr; right = j; }
    });
    if (left < 0 || right < 0 || left == right) continue;
    const Box &l = boxes[left], &r = boxes[right];
    const double h = (l.h + r.h) / 2.0;
    if (std::min(l.h, r.h) < 0.75 * std::max(l.h, r.h) || std::abs(l.y - r.y) > 0.2 * h) continue;
    const double p = (dot.cy() - (l.y + r.y) / 2.0) / h;  // 0 = top, 1 = bottom of the digits
    if (p >= 0.65) ++low;
    else if (p <= 0.35) ++high;
  }
  return {low, high};
}

bool clearly_upside_down(std::pair<int, int> votes) {
  return votes.second >= kMinDots && votes.second >= kDotMajority * std::max(1, votes.first);
}

// The mirror image: baseline dots clearly at the bottom.
bool clearly_upright(std::pair<int, int> votes) {
  return votes.first >= kMinDots && votes.first >= kDotMajority * std::max(1, votes.second);
}

}  // namespace

Orientation detect_orientation(const Image& binary, double dpi, bool detect_upside_down,
                               const OrientationOracle& fallback, double min_confidence,
                               bool fallback_for_upside_down) {
  Orientation result;
  if (binary.empty()) return result;
  const double input_dpi = detail::sane_dpi(dpi);
  dpi = input_dpi;
  cv::Mat b = detail::gray_mat(binary);
  if (dpi > kAnalysisDpi * 1.2) {  // reduce; keep pixels that were >= 1/4 ink
    const double f = kAnalysisDpi / dpi;
    cv::Mat reduced;
    cv::resize(b, reduced, cv::Size(std::max(1, int(b.cols * f)), std::max(1, int(b.rows * f))), 0, 0,
               cv::INTER_AREA);
    cv::threshold(reduced, b, 63, 255, cv::THRESH_BINARY);
    dpi *= f;
  }
  const double ppmm = detail::px_per_mm(dpi);
  const cv::Mat text = without_rules(b, ppmm);
  const cv::Mat glyphs = without_small(text, std::max(2, int(std::lround(kMinGlyphMm * ppmm))));
  result.components = detail::smeared_component_count(glyphs, 1);
  // Components left after smearing along x, and along y (smearing the
  // transposed glyphs along x: 8-connectivity does not care which axis is which).
  const cv::Mat glyphs_transposed = glyphs.t();
  for (double mm : kSmearMm) {
    const int smear = std::max(2, int(std::lround(mm * ppmm)));
    result.after_horizontal_smear += detail::smeared_component_count(glyphs, smear);
    result.after_vertical_smear += detail::smeared_component_count(glyphs_transposed, smear);
  }
  const bool enough_text = result.components >= kMinComponents;
  const bool vertical_text = enough_text && result.after_horizontal_smear >= kTurnRatio * result.after_vertical_smear;
  // Between the upright range (ratio <= ~0.4 on real pages) and the turned one.
  const bool direction_clear =
      enough_text && (vertical_text || result.after_horizontal_smear <= kUprightRatio * result.after_vertical_smear);
  if (!vertical_text) {
    std::tie(result.dots_low, result.dots_high) = dot_votes(components(text), b.size(), ppmm);
  } else {
    // Text runs vertically: look at the page turned clockwise (text lines
    // horizontal) and check whether that view is upside down.
    cv::Mat turned;
    cv::rotate(text, turned, cv::ROTATE_90_CLOCKWISE);
    std::tie(result.dots_low, result.dots_high) = dot_votes(components(turned), turned.size(), ppmm);
  }
  const std::pair<int, int> votes{result.dots_low, result.dots_high};
  const bool flip = detect_upside_down && clearly_upside_down(votes);
  result.rotation_degrees = (vertical_text ? 90 : 0) + (flip ? 180 : 0);
  const bool upright_clear = !detect_upside_down || flip || clearly_upright(votes);
  result.ambiguous = !direction_clear || !upright_clear;
  if (!result.ambiguous || !fallback || (direction_clear && !fallback_for_upside_down)) return result;

  // The fallback sees the page as given (full resolution).
  result.fallback_vote = fallback(binary, input_dpi);
  if (!result.fallback_vote || result.fallback_vote->confidence < min_confidence) return result;
  const int vote = ((result.fallback_vote->rotation_degrees % 360) + 360) % 360 / 90 * 90;
  if (direction_clear && vote % 180 != result.rotation_degrees % 180) return result;  // a clear cue wins
  result.rotation_degrees = detect_upside_down ? vote : vote % 180;
  result.used_fallback = true;
  return result;
}

namespace detail {

int smeared_component_count(const cv::Mat& binary, int len) {
  // Dilation by a len x 1 rectangle with anchor a = len / 2 turns an ink run
  // [s, e] of a row into [s - (len - 1 - a), e + a], clipped to the row.
  const int a = len / 2, before = len - 1 - a;
  struct Run {
    int x0, x1;
  };
  std::vector<Run> runs;           // every row's dilated, merged runs, row after row
  std::vector<int> row_start(std::size_t(binary.rows) + 1, 0);
  for (int y = 0; y < binary.rows; ++y) {
    row_start[std::size_t(y)] = int(runs.size());
    const std::uint8_t* p = binary.ptr<std::uint8_t>(y);
    for (int x = 0; x < binary.cols;) {
      if (!p[x]) {
        ++x;
        continue;
      }
      int e = x;
      while (e + 1 < binary.cols && p[e + 1]) ++e;
      const Run r{std::max(0, x - before), std::min(binary.cols - 1, e + a)};
      if (int(runs.size()) > row_start[std::size_t(y)] && r.x0 <= runs.back().x1 + 1)
        runs.back().x1 = std::max(runs.back().x1, r.x1);  // touches the previous dilated run
      else
        runs.push_back(r);
      x = e + 1;
    }
  }
  row_start[std::size_t(binary.rows)] = int(runs.size());
  std::vector<int> parent(runs.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int i) {
    while (parent[std::size_t(i)] != i) i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
  };
  int components = int(runs.size());
  for (int y = 0; y + 1 < binary.rows; ++y) {
    // 8-connected runs of neighbouring rows: their spans overlap or touch
    // diagonally. Both rows are sorted, so one merge-like sweep finds them.
    int i = row_start[std::size_t(y)], j = row_start[std::size_t(y) + 1];
    const int i_end = row_start[std::size_t(y) + 1], j_end = row_start[std::size_t(y) + 2];
    while (i < i_end && j < j_end) {
      const Run &u = runs[std::size_t(i)], &d = runs[std::size_t(j)];
      if (u.x0 <= d.x1 + 1 && d.x0 <= u.x1 + 1) {
        const int ru = root(i), rd = root(j);
        if (ru != rd) {
          parent[std::size_t(ru)] = rd;
          --components;
        }
      }
      if (u.x1 < d.x1) ++i;
      else ++j;
    }
  }
  return components;
}

}  // namespace detail
}  // namespace scantab::preprocess
