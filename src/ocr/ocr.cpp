// ocr: Tesseract (LSTM) behind a small value-type interface.
//
// Crop preparation, in crop pixel coordinates (origin top-left of the crop):
//  1. ink mask: Otsu threshold (clamped so a faint or empty crop stays
//     empty), a frame of ~1/75 inch cleared (remnants of erased ruling lines),
//     blobs smaller than a printed full stop dropped (scan speckles);
//  2. text lines from the horizontal projection profile of that mask (rows
//     with ink form runs; a run much shorter than the tallest one, e.g. one
//     stroke of 二 or a comma tail, is merged into its nearest neighbour);
//  3. the ink box (plus a small pad) is cut out, scaled so the median line
//     height becomes Options::text_line_height_px / number_line_height_px
//     (28–36 px measured best; 48 px and more lose 15–25 %), and framed in
//     white;
//  4. each line goes to Tesseract as PSM_SINGLE_LINE (more accurate than
//     PSM_SINGLE_BLOCK on short cells); lines are joined with '\n';
//  5. an empty or unsure reading is retried at other scales (and, for
//     numbers, with the text model); the most confident reading wins.
// Numbers (Hint::kNumber) are read by a second model (eng by default) with a
// digit whitelist. Measurements: tests/unit/ocr/README.md.
#include "ocr/ocr.hpp"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <numeric>
#include <optional>
#include <opencv2/imgproc.hpp>
#include <utility>

#ifdef SCANTAB_OCR_OPENMP
#include <omp.h>
#endif

#include "core/cv_image.hpp"
#include "core/utf8.hpp"
#include "ocr/tessdata.hpp"

namespace scantab::ocr {
namespace {

// Characters an amount or subject-code cell may hold (Hint::kNumber).
// Tesseract >= 4.1 applies the whitelist in the LSTM decoder too
// (tests/unit/ocr verifies this for the installed version).
constexpr const char* kNumberWhitelist = "0123456789.,-%≥≤><";

// ------------------------------------------------------------ ink analysis
struct InkLayout {
  cv::Mat mask;                           // CV_8U, 255 = ink kept for layout
  cv::Mat clean;                          // the gray crop, its frame cleared of all but kept ink
  Rect ink;                               // bounding box of `mask`, crop coords
  std::vector<std::pair<int, int>> lines;  // [top, bottom) per text line
};

int frame_width(double dpi) { return std::max(2, int(std::lround(dpi / 75.0))); }

// Smallest blob (in pixels) that counts as ink: about a printed full stop of
// 10.5pt type at `dpi` (~3 px across at 300 dpi after scanning).
int min_blob_area(double dpi) {
  const double s = dpi / 300.0;
  return std::max(3, int(std::lround(9.0 * s * s)));
}

// Step 1 of the file comment: a clean ink mask of a gray crop. faint_strokes:
// also the light pixels that touch dark ink (hysteresis, below).
//
// Remnants of ruling lines sit in a frame of frame_width() along the crop's
// edges. A blob counts as such a remnant (and is dropped) when it lies wholly
// inside that frame, or touches an edge and is no thicker than the frame
// across it (a sliver of line running along the edge). A glyph printed close
// to the cell border reaches into the frame but also well beyond it, and is
// kept whole (cutting the frame off blindly turned 低 into nothing and 四
// into a stray mark).
//
// *lifts (when given) is set to whether Otsu's threshold lies above the clamp,
// i.e. whether faint_strokes changes anything for this crop.
cv::Mat ink_mask(const cv::Mat& gray, double dpi, bool faint_strokes, bool* lifts = nullptr) {
  if (lifts) *lifts = false;
  cv::Mat mask = cv::Mat::zeros(gray.size(), CV_8U);
  const int f = frame_width(dpi);
  if (gray.cols <= 2 * f || gray.rows <= 2 * f) return mask;
  const cv::Rect inner(f, f, gray.cols - 2 * f, gray.rows - 2 * f);

  // Otsu (1979) on the interior, clamped: on a blank or uniformly gray crop
  // Otsu splits paper noise, so the threshold never rises above 180; a
  // threshold below 80 would lose light print.
  cv::Mat scratch;
  double otsu = cv::threshold(gray(inner), scratch, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  double thr = std::clamp(otsu, 80.0, 180.0);
  if (lifts) *lifts = otsu > thr;
  cv::threshold(gray, mask, thr, 255, cv::THRESH_BINARY_INV);
  // Hysteresis: where Otsu's own threshold lies above the clamp (light
  // print on white paper), pixels darker than it (at most 215) join the ink
  // when they touch ink darker than the clamp. A faint stroke then no longer
  // breaks a glyph in two (a thin 2 read as "2\n人"); paper noise and
  // bleed-through, which touch no dark ink, stay out.
  if (faint_strokes && otsu > thr) {
    cv::Mat weak, weak_labels;
    cv::threshold(gray, weak, std::min(otsu, 215.0), 255, cv::THRESH_BINARY_INV);
    const int count = cv::connectedComponents(weak, weak_labels, 8, CV_32S);
    std::vector<std::uint8_t> anchored(std::size_t(count), 0);
    for (int y = 0; y < mask.rows; ++y) {
      const auto* m = mask.ptr<std::uint8_t>(y);
      const int* l = weak_labels.ptr<int>(y);
      for (int x = 0; x < mask.cols; ++x)
        if (m[x]) anchored[std::size_t(l[x])] = 1;
    }
    for (int y = 0; y < mask.rows; ++y) {
      auto* m = mask.ptr<std::uint8_t>(y);
      const int* l = weak_labels.ptr<int>(y);
      for (int x = 0; x < mask.cols; ++x)
        if (l[x] != 0 && anchored[std::size_t(l[x])]) m[x] = 255;
    }
  }

  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  const int min_area = min_blob_area(dpi);
  const int glyph_part = std::max(6, int(std::lround(dpi / 20.0)));  // ~half a 9pt character, px
  std::vector<int> interior(std::size_t(n), 0);  // pixels of each blob inside the frame
  for (int y = inner.y; y < inner.y + inner.height; ++y) {
    const int* l = labels.ptr<int>(y);
    for (int x = inner.x; x < inner.x + inner.width; ++x) ++interior[std::size_t(l[x])];
  }
  std::vector<std::uint8_t> keep(std::size_t(n), 0);
  for (int i = 1; i < n; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const bool inside_frame = interior[std::size_t(i)] == 0;
    const bool touches_side = x == 0 || x + w == gray.cols, touches_end = y == 0 || y + h == gray.rows;
    const bool sliver = (touches_side && w <= f) || (touches_end && h <= f);
    // In the frame, only glyph-sized blobs with most of their ink inside it
    // count: on rough scans, specks and line fragments there read as stray
    // , . - ” | around the cell's text.
    const bool in_frame = x < f || y < f || x + w > gray.cols - f || y + h > gray.rows - f;
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const bool small = std::max(w, h) < glyph_part, mostly_outside = interior[std::size_t(i)] * 2 < area;
    keep[std::size_t(i)] = area >= min_area && !inside_frame && !sliver && !(in_frame && (small || mostly_outside));
  }
  // Speckle (rough scans): a speck, under half of glyph_part across, counts
  // only near other kept ink (within glyph_part): a decimal point, a comma or
  // a full stop sits next to its digits or characters; a lone speck in the
  // cell reads as a stray . , ” or - and adds a line of junk.
  const int speck = glyph_part / 2;
  auto is_speck = [&](int i) {
    return std::max(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)) < speck;
  };
  // Kept glyph ink near a speck: any pixel of a kept non-speck blob in the
  // speck's box grown by glyph_part on every side.
  auto near_glyph = [&](int i) {
    const cv::Rect box = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT) - glyph_part,
                                  stats.at<int>(i, cv::CC_STAT_TOP) - glyph_part,
                                  stats.at<int>(i, cv::CC_STAT_WIDTH) + 2 * glyph_part,
                                  stats.at<int>(i, cv::CC_STAT_HEIGHT) + 2 * glyph_part) &
                         cv::Rect(0, 0, gray.cols, gray.rows);
    for (int y = box.y; y < box.y + box.height; ++y) {
      const int* l = labels.ptr<int>(y);
      for (int x = box.x; x < box.x + box.width; ++x)
        if (l[x] != 0 && keep[std::size_t(l[x])] && !is_speck(l[x])) return true;
    }
    return false;
  };
  for (int i = 1; i < n; ++i)
    if (keep[std::size_t(i)] && is_speck(i)) keep[std::size_t(i)] = near_glyph(i);
  for (int y = 0; y < mask.rows; ++y) {
    auto* m = mask.ptr<std::uint8_t>(y);
    const int* l = labels.ptr<int>(y);
    for (int x = 0; x < mask.cols; ++x) m[x] = keep[std::size_t(l[x])] ? 255 : 0;
  }
  return mask;
}

// Step 2: text lines from the horizontal projection profile.

std::vector<std::pair<int, int>> find_lines(const cv::Mat& mask) {
  std::vector<std::pair<int, int>> runs;
  for (int y = 0; y < mask.rows; ++y) {
    bool ink = cv::countNonZero(mask.row(y)) > 0;
    if (ink && (runs.empty() || runs.back().second != y)) runs.push_back({y, y + 1});
    else if (ink) runs.back().second = y + 1;
  }
  // Merge runs shorter than half the tallest run into their nearest
  // neighbour while that neighbour is close (gap < half the tallest run):
  // separate strokes of one character (二, 三) or punctuation are not lines.
  for (bool merged = true; merged && runs.size() > 1;) {
    merged = false;
    int tallest = 0;
    for (auto [a, b] : runs) tallest = std::max(tallest, b - a);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].second - runs[i].first >= tallest / 2) continue;
      int gap_up = i > 0 ? runs[i].first - runs[i - 1].second : INT32_MAX;
      int gap_down = i + 1 < runs.size() ? runs[i + 1].first - runs[i].second : INT32_MAX;
      std::size_t j = gap_up <= gap_down ? i - 1 : i + 1;
      if (std::min(gap_up, gap_down) >= tallest / 2) continue;
      std::size_t lo = std::min(i, j), hi = std::max(i, j);
      runs[lo] = {runs[lo].first, runs[hi].second};
      runs.erase(runs.begin() + std::ptrdiff_t(hi));
      merged = true;
      break;
    }
  }
  return runs;
}

// faint_strokes: see ink_mask (off where separate blobs must stay apart).
// *lifts: see ink_mask.
InkLayout analyse(const cv::Mat& gray, double dpi, bool faint_strokes = true, bool* lifts = nullptr) {
  InkLayout layout;
  layout.mask = ink_mask(gray, dpi, faint_strokes, lifts);
  // Paper (255) over the frame except where kept ink lies; the interior as scanned.
  layout.clean = gray.clone();
  const int f = frame_width(dpi);
  if (gray.cols > 2 * f && gray.rows > 2 * f) {
    cv::Mat frame(gray.size(), CV_8U, cv::Scalar(255));
    frame(cv::Rect(f, f, gray.cols - 2 * f, gray.rows - 2 * f)).setTo(0);
    cv::Mat dilated;
    cv::dilate(layout.mask, dilated, cv::Mat());
    frame.setTo(0, dilated);
    layout.clean.setTo(255, frame);
  }
  cv::Rect box = cv::boundingRect(layout.mask);
  layout.ink = Rect{box.x, box.y, box.width, box.height};
  if (!layout.ink.empty()) layout.lines = find_lines(layout.mask);
  return layout;
}

}  // namespace

// ------------------------------------------------------------ Crop
// The crop as a gray Mat and its two ink layouts (with and without faint
// strokes), each made on first use. When Otsu's threshold is within the
// clamp the two are the same, and the one made first serves both.
struct Crop::Analysis {
  cv::Mat gray;        // 1 channel, a view of Crop::image_
  double dpi = 300.0;
  bool valid = false;   // false for an empty or malformed image (read as blank)
  bool failed = false;  // the crop could not be converted (read as unsure, never as blank)
  std::optional<InkLayout> faint, plain;
  std::optional<bool> lifts;  // see ink_mask

  const InkLayout& layout(bool faint_strokes) {
    std::optional<InkLayout>& wanted = faint_strokes ? faint : plain;
    const std::optional<InkLayout>& other = faint_strokes ? plain : faint;
    if (wanted) return *wanted;
    if (other && lifts == false) return *other;
    bool lifted = false;
    wanted = analyse(gray, dpi, faint_strokes, &lifted);
    lifts = lifted;
    return *wanted;
  }
};

Crop::Crop(Image gray, double dpi) : analysis_(std::make_unique<Analysis>()) {
  analysis_->dpi = dpi > 0 ? dpi : 300.0;
  if (gray.empty() || (gray.channels != 1 && gray.channels != 3) ||
      gray.pixels.size() < std::size_t(gray.width) * gray.height * gray.channels)
    return;
  try {
    if (gray.channels == 3) {
      image_ = Image(gray.width, gray.height, 1);
      cv::Mat view = as_mat(image_);
      cv::cvtColor(as_mat(gray), view, cv::COLOR_BGR2GRAY);
    } else {
      image_ = std::move(gray);
    }
    analysis_->gray = as_mat(image_);
    analysis_->valid = true;
  } catch (const std::exception&) {
    analysis_->failed = true;
  }
}
Crop::~Crop() = default;
Crop::Crop(Crop&&) noexcept = default;
Crop& Crop::operator=(Crop&&) noexcept = default;
double Crop::dpi() const { return analysis_->dpi; }

namespace {

// ------------------------------------------------------------ text cleanup
// Characters after or before which a space is never meaningful in Chinese
// text: ideographs, CJK and fullwidth punctuation, curly quotes, dashes,
// circled numbers (①购置费).
bool is_wide(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x2010 && c <= 0x2027) || (c >= 0x2460 && c <= 0x24FF) ||
         (c >= 0x20000 && c <= 0x2FFFF);
}

// Removes spaces next to a wide character; in a number (Hint::kNumber)
// removes every space (one cell holds one amount or code, and Tesseract
// splits "1,879.36" after the comma). Collapses other runs of spaces.
std::string clean_line(const std::string& line, Hint hint) {
  std::u32string in = to_u32(line), out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != U' ') {
      out.push_back(in[i]);
      continue;
    }
    std::size_t j = i;
    while (j < in.size() && in[j] == U' ') ++j;  // [i, j) is a run of spaces
    bool drop = hint == Hint::kNumber || out.empty() || j == in.size() ||
                is_wide(out.back()) || is_wide(in[j]);
    if (!drop) out.push_back(U' ');
    i = j - 1;
  }
  return to_utf8(out);
}

// The printed disclosures use fullwidth punctuation in Chinese text; the
// LSTM often answers with the ASCII look-alike. In a text that contains CJK,
// ( ) : ; , become （ ）：；， unless they sit between two ASCII
// letters/digits (e.g. "1,879.36" or "(1)" stays); 〈 before a closing
// parenthesis is a misread （; 《（ and 〈（ become （.
std::string fullwidth_punctuation(const std::string& text) {
  std::u32string s = to_u32(text);
  if (std::none_of(s.begin(), s.end(), is_wide)) return text;
  auto ascii_alnum = [](char32_t c) { return c < 0x80 && std::isalnum(int(c)); };
  for (std::size_t i = 0; i < s.size(); ++i) {
    char32_t prev = i > 0 ? s[i - 1] : U' ', next = i + 1 < s.size() ? s[i + 1] : U' ';
    const bool inside_ascii = ascii_alnum(prev) && ascii_alnum(next);
    const bool touches_wide = is_wide(prev) || is_wide(next);
    switch (s[i]) {
      case U'(': if (!inside_ascii && is_wide(next)) s[i] = U'（'; break;
      case U')': if (!inside_ascii && is_wide(prev)) s[i] = U'）'; break;
      case U':': if (!inside_ascii && touches_wide) s[i] = U'：'; break;
      case U';': if (!inside_ascii && touches_wide) s[i] = U'；'; break;
      case U',': if (!inside_ascii && touches_wide) s[i] = U'，'; break;
      case U'〈': if (s.find_first_of(U")）", i) != std::u32string::npos) s[i] = U'（'; break;
      default: break;
    }
  }
  // The LSTM sometimes reads the wide left bearing of （ as an extra 《 or
  // 〈 in front of it; a doubled opening bracket does not occur in print.
  std::u32string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool doubled = (s[i] == U'《' || s[i] == U'〈' || s[i] == U'（') && i + 1 < s.size() &&
                         (s[i + 1] == U'（' || s[i + 1] == U'(');
    if (!doubled) out.push_back(s[i]);
  }
  return to_utf8(out);
}

// ------------------------------------------------------------ tessdata lookup
std::vector<std::string> split_languages(const std::string& language) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= language.size()) {
    std::size_t end = language.find('+', start);
    if (end == std::string::npos) end = language.size();
    if (end > start) out.push_back(language.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool has_all(const std::filesystem::path& dir, const std::vector<std::string>& languages) {
  std::error_code ec;
  for (const auto& lang : languages)
    if (!std::filesystem::is_regular_file(dir / (lang + ".traineddata"), ec)) return false;
  return true;
}

// Tesseract's LSTM parallelises with OpenMP; with one engine per worker
// thread that only oversubscribes the cores. See the header comment.
void limit_openmp_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::setenv("OMP_THREAD_LIMIT", "1", 0);  // for children; libgomp already read ours
#ifdef SCANTAB_OCR_OPENMP
    omp_set_max_active_levels(0);  // no active parallel region: 1 thread
#endif
  });
}

// Tesseract's global parameters (debug_file …) are written during Init.
std::mutex& init_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

// ------------------------------------------------------------ is_blank
bool is_blank(const Crop& crop) {
  if (!crop.analysis_->valid) return !crop.analysis_->failed;
  try {
    return cv::countNonZero(crop.analysis_->layout(/*faint_strokes=*/false).mask) == 0;
  } catch (const std::exception&) {
    return false;  // let recognition decide
  }
}

bool is_blank(const Image& gray, double dpi) { return is_blank(Crop(gray, dpi)); }

// ------------------------------------------------------------ looks_like_digits
namespace {

// Thresholds of looks_like_digits, as fractions of the line height (see the
// header).
constexpr double kDigitMinHeight = 0.6;
constexpr double kDigitMaxAspect = 0.8;  // width / height
constexpr double kMarkMaxSize = 0.45;
constexpr double kFlatMaxHeight = 0.3;

bool digit_shaped_line(const cv::Mat& stats, const std::vector<int>& blobs, int line_height) {
  const double H = line_height;
  int tallest = 0;
  for (int i : blobs) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const bool mark = (h < kMarkMaxSize * H && w < kMarkMaxSize * H) || (h < kFlatMaxHeight * H && w < H);
    if (mark) continue;
    if (h < kFlatMaxHeight * H || w > kDigitMaxAspect * h) return false;  // a wide stroke or a square blob
    tallest = std::max(tallest, h);
  }
  return tallest >= kDigitMinHeight * H;
}

}  // namespace

bool looks_like_digits(const Image& gray, double dpi) { return looks_like_digits(Crop(gray, dpi)); }

bool looks_like_digits(const Crop& crop) {
  if (!crop.analysis_->valid) return false;
  try {
    const InkLayout& layout = crop.analysis_->layout(/*faint_strokes=*/true);
    if (layout.lines.empty()) return false;
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(layout.mask, labels, stats, centroids, 8, CV_32S);
    std::vector<std::vector<int>> per_line(layout.lines.size());
    for (int i = 1; i < n; ++i) {
      const double cy = centroids.at<double>(i, 1);
      for (std::size_t l = 0; l < layout.lines.size(); ++l)
        if (cy >= layout.lines[l].first && cy < layout.lines[l].second) per_line[l].push_back(i);
    }
    for (std::size_t l = 0; l < layout.lines.size(); ++l)
      if (!digit_shaped_line(stats, per_line[l], layout.lines[l].second - layout.lines[l].first)) return false;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

// The bounding box of the first glyph of a layout's first line (the ink up to
// the first blank column), in crop coordinates, and the line's height;
// nullopt without ink.
std::optional<std::pair<cv::Rect, int>> first_glyph(const InkLayout& layout) {
  if (layout.lines.empty()) return std::nullopt;
  const auto [top, bottom] = layout.lines.front();
  const cv::Mat line = layout.mask.rowRange(top, bottom);
  int x0 = -1, x1 = line.cols;
  for (int x = 0; x < line.cols; ++x) {
    const bool ink = cv::countNonZero(line.col(x)) > 0;
    if (ink && x0 < 0) x0 = x;
    if (!ink && x0 >= 0) {
      x1 = x;
      break;
    }
  }
  if (x0 < 0) return std::nullopt;
  cv::Rect box = cv::boundingRect(line.colRange(x0, x1));
  box.x += x0;
  box.y += top;
  return std::pair(box, bottom - top);
}

}  // namespace

// ------------------------------------------------------------ begins_with_dash
std::optional<bool> begins_with_dash(const Crop& crop) {
  if (!crop.analysis_->valid) return std::nullopt;
  try {
    const auto glyph = first_glyph(crop.analysis_->layout(/*faint_strokes=*/false));
    if (!glyph) return std::nullopt;
    const auto& [box, line_height] = *glyph;
    return 4 * box.width >= line_height && 2 * box.height <= box.width;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// ------------------------------------------------------------ leading_comparison_sign
char32_t leading_comparison_sign(const Image& gray, double dpi, int* glyph_end) {
  return leading_comparison_sign(Crop(gray, dpi), glyph_end);
}

char32_t leading_comparison_sign(const Crop& crop, int* glyph_end) {
  if (!crop.analysis_->valid) return 0;
  try {
    const InkLayout& layout = crop.analysis_->layout(/*faint_strokes=*/false);  // the bar of ≥ stays a blob of its own
    const auto first = first_glyph(layout);
    if (!first) return 0;
    const cv::Rect box = first->first;
    const int w = box.width, h = box.height, H = first->second;
    // A sign is at most as wide as a CJK character (CJK fonts draw ≥ full
    // width), and not a thin stroke.
    if (w < 3 || h < 3 || w > 1.2 * H || h < 0.3 * H) return 0;
    const cv::Mat glyph = layout.mask(box);
    // A bar beneath (straight, or slanted as in ⩾): a separate blob whose top
    // lies in the glyph's lower half, of at least a fifth of the largest blob.
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(glyph, labels, stats, centroids, 8, CV_32S);
    int largest = 0;
    for (int i = 1; i < n; ++i) largest = std::max(largest, stats.at<int>(i, cv::CC_STAT_AREA));
    int bar_label = 0;
    for (int i = 1; i < n; ++i)
      if (stats.at<int>(i, cv::CC_STAT_AREA) * 5 >= largest && stats.at<int>(i, cv::CC_STAT_AREA) < largest &&
          stats.at<int>(i, cv::CC_STAT_TOP) >= h / 2 && stats.at<int>(i, cv::CC_STAT_WIDTH) >= w / 2)
        bar_label = i;
    const bool bar = bar_label != 0;
    // The chevron (the glyph without its bar): the open side's edge columns
    // span the two arm ends (tall), the vertex side's only the vertex (short).
    cv::Mat chevron = glyph.clone();
    if (bar) chevron.setTo(0, labels == bar_label);
    auto extent = [&](int from, int to) {
      cv::Rect r = cv::boundingRect(chevron.colRange(from, to));
      return r.height;
    };
    const int edge = std::max(1, w / 4);
    const int left = extent(0, edge), right = extent(w - edge, w);
    const int tall = cv::boundingRect(chevron).height;
    char32_t sign = 0;
    if (left >= 2 * right && 2 * left >= tall) sign = bar ? U'≥' : U'>';
    else if (right >= 2 * left && 2 * right >= tall) sign = bar ? U'≤' : U'<';
    if (sign != 0 && glyph_end) *glyph_end = box.x + box.width;
    return sign;
  } catch (const std::exception&) {
    return 0;
  }
}

// The tessdata directory that holds every requested language, or an error
// naming what is missing.
Result<std::filesystem::path> detail::find_tessdata(const std::filesystem::path& tessdata_dir, const std::string& language) {
  const auto languages = split_languages(language);
  if (languages.empty()) return fail(ErrorCode::kMissingDependency, "ocr: no OCR language given");
  std::vector<std::filesystem::path> candidates;
  if (!tessdata_dir.empty()) {
    candidates.push_back(tessdata_dir);
  } else {
    if (const char* env = std::getenv("TESSDATA_PREFIX"); env && *env) {
      candidates.emplace_back(env);
      candidates.push_back(std::filesystem::path(env) / "tessdata");
    }
    for (const char* dir : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                            "/usr/share/tessdata", "/usr/local/share/tessdata"})
      candidates.emplace_back(dir);
  }
  for (const auto& dir : candidates)
    if (has_all(dir, languages)) return dir;
  std::string looked;
  for (const auto& dir : candidates) looked += (looked.empty() ? "" : ", ") + dir.string();
  return fail(ErrorCode::kMissingDependency,
              "ocr: Tesseract language data '" + language + "' not found (looked in " + looked +
                  "); install it, e.g. `apt-get install tesseract-ocr-chi-sim`");
}

// ------------------------------------------------------------ Engine
namespace {

// One initialised TessBaseAPI; End() on destruction.
struct Api {
  tesseract::TessBaseAPI api;
  ~Api() { api.End(); }
};

Result<std::unique_ptr<Api>> open_api(const std::filesystem::path& tessdata, const std::string& language) {
  auto api = std::make_unique<Api>();
  // Init-time parameters: silence tprintf chatter, no table detection of
  // Tesseract's own (the grid stage owns tables), keep interword spaces, and
  // no second LSTM pass over an inverted copy of each unsure line (crops are
  // always dark ink on light paper; that pass cost ~8 % of recognition time
  // and changed one junk reading in 5 documents).
  std::vector<std::string> names = {"debug_file", "textord_tabfind_find_tables", "preserve_interword_spaces",
                                    "user_defined_dpi", "tessedit_do_invert"};
  std::vector<std::string> values = {"/dev/null", "0", "1", "300", "0"};
  int rc;
  {
    std::lock_guard lock(init_mutex());
    rc = api->api.Init(tessdata.c_str(), language.c_str(), tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values,
                       false);
  }
  if (rc != 0)
    return fail(ErrorCode::kMissingDependency, "ocr: Tesseract could not load language '" + language + "' from " +
                                                   tessdata.string() + " (damaged or incompatible .traineddata?)");
  return api;
}

}  // namespace

struct Engine::Impl {
  Options options;
  std::unique_ptr<Api> text;    // Options::language
  std::unique_ptr<Api> number;  // Options::number_language; null = use `text`

  // Runs Tesseract on one prepared (scaled, framed) line image; appends the
  // recognised words' text (joined by lines) and confidences (0..100).
  // number_model: use the number model (if any) for Hint::kNumber.
  bool run(const cv::Mat& img, double dpi, Hint hint, bool number_model, tesseract::PageSegMode psm,
           std::string& out, std::vector<float>& confidences) {
    tesseract::TessBaseAPI& api = (hint == Hint::kNumber && number_model && number ? number : text)->api;
    api.SetPageSegMode(psm);
    api.SetVariable("tessedit_char_whitelist", hint == Hint::kNumber ? kNumberWhitelist : "");
    int ppi = std::clamp(int(std::lround(dpi)), 70, 2400);
    api.SetVariable("user_defined_dpi", std::to_string(ppi).c_str());
    api.SetImage(img.data, img.cols, img.rows, 1, int(img.step[0]));
    api.SetSourceResolution(ppi);
    if (api.Recognize(nullptr) != 0) return false;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    std::string line;
    auto flush = [&] {
      std::string cleaned = clean_line(line, hint);
      if (!cleaned.empty()) out += (out.empty() ? "" : "\n") + cleaned;
      line.clear();
    };
    if (it) {
      do {
        if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) flush();
        std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
        if (!word || word[0] == 0) continue;
        line += (line.empty() ? "" : " ") + std::string(word.get());
        confidences.push_back(it->Confidence(tesseract::RIL_WORD));
      } while (it->Next(tesseract::RIL_WORD));
    }
    flush();
    return true;
  }

  struct LineReading {
    std::string text;
    std::vector<float> confidences;  // per word, 0..100
  };

  // One prepared line strip, read as PSM_SINGLE_LINE, with fallbacks for
  // what that mode gets wrong on CJK lines:
  //  - it returns nothing for a line of one character (数 alone on the second
  //    line of a wrapped label): then PSM_SINGLE_BLOCK (PSM_SINGLE_WORD reads
  //    it too, but turns 算 into 和); when that is empty too (its layout
  //    analysis sometimes drops a whole clean line such as 政府性基金预算),
  //    a table cell's line gets PSM_SINGLE_WORD (PSM_RAW_LINE reads it too but
  //    costs about three single-line readings);
  //  - it drops a box-shaped first character (四、… read as 、… or `…): when
  //    the line starts with such a stray mark, PSM_RAW_LINE, kept if it reads
  //    a character where the mark was.
  // full_height: the line's ink is as tall as the cell's typical line (not a
  // row of specks); only such lines get the fallbacks for an empty reading.
  bool read_line(const cv::Mat& strip, double dpi, Hint hint, bool number_model, bool full_height,
                 LineReading& line) {
    auto attempt = [&](tesseract::PageSegMode psm, LineReading& into) {
      into = {};
      return run(strip, dpi, hint, number_model, psm, into.text, into.confidences);
    };
    if (!attempt(tesseract::PSM_SINGLE_LINE, line)) return false;
    // (Numbers have their own retries at other scales and with the other model.)
    if (line.text.empty() && hint != Hint::kNumber && full_height) {
      // A fallback reading counts only when it is fairly sure: on an empty
      // line of scan noise or seal ink these modes read junk at low confidence.
      auto sure = [](const LineReading& r) {
        return !r.confidences.empty() &&
               std::accumulate(r.confidences.begin(), r.confidences.end(), 0.0) >= 50.0 * r.confidences.size();
      };
      LineReading fallback;
      if (!attempt(tesseract::PSM_SINGLE_BLOCK, fallback)) return false;
      if (fallback.text.empty() && hint == Hint::kTextBlock && !attempt(tesseract::PSM_SINGLE_WORD, fallback))
        return false;
      if (sure(fallback)) line = std::move(fallback);
      return true;
    }
    if (hint == Hint::kNumber) return true;
    static constexpr std::u32string_view kStrayMarks = U"、`'‘’.,，·";
    auto stray = [](char32_t c) { return kStrayMarks.find(c) != std::u32string_view::npos; };
    const std::u32string first = to_u32(line.text);
    if (!stray(first[0])) return true;
    LineReading raw;
    if (attempt(tesseract::PSM_RAW_LINE, raw) && !raw.text.empty()) {
      const std::u32string r = to_u32(raw.text);
      if (is_wide(r[0]) && !stray(r[0]) && r.size() >= first.size())
        line = std::move(raw);
    }
    return true;
  }

  CellText recognize(Crop::Analysis& crop, Hint hint) {
    if (!crop.valid) return {"", crop.failed ? 0.0 : 1.0};
    const InkLayout& layout = crop.layout(/*faint_strokes=*/true);
    if (layout.ink.empty() || layout.lines.empty()) return {"", 1.0};
    const cv::Mat& gray = crop.gray;
    const double dpi = crop.dpi;

    // A first reading with the tuned preparation; when it is empty or
    // unsure (mean confidence below kRetryBelow), more with the line scaled
    // 1.3x and 0.8x (gray), keeping the most confident reading. The
    // LSTM's errors on short cells (one digit, two characters) depend on
    // the scale, so a second look at another scale often recovers them.
    constexpr double kRetryBelow = 0.6;
    // Numbers get a last look with the text model.
    struct Attempt {
      double factor;
      bool binarize, number_model;
    };
    const Attempt attempts[] = {{1.0, options.binarize, true}, {1.3, false, true}, {0.8, false, true},
                                {1.0, options.binarize, false}};
    CellText best;
    for (const Attempt& a : attempts) {
      if (&a != attempts && !best.text.empty() && best.confidence >= kRetryBelow) break;
      if (!a.number_model && (hint != Hint::kNumber || !number)) break;
      CellText other = read(gray, layout, dpi, hint, a.factor, a.binarize, a.number_model);
      if (!other.text.empty() && (best.text.empty() || other.confidence > best.confidence)) best = other;
    }
    return best;
  }

  CellText read_once(Crop::Analysis& crop, Hint hint, bool number_model, double factor) {
    if (!crop.valid) return {"", crop.failed ? 0.0 : 1.0};
    const InkLayout& layout = crop.layout(/*faint_strokes=*/true);
    if (layout.ink.empty() || layout.lines.empty()) return {"", 1.0};
    const bool binarize = std::abs(factor - 1.0) < 1e-6 && options.binarize;
    return read(crop.gray, layout, crop.dpi, hint, factor, binarize, number_model);
  }

  // One reading of the crop: every line scaled (target height x `factor`),
  // framed and recognised on its own.
  CellText read(const cv::Mat& gray, const InkLayout& layout, double dpi, Hint hint, double factor,
                bool binarize, bool number_model) {
    // Scale so the median line height becomes the target height.
    std::vector<int> heights;
    for (auto [a, b] : layout.lines) heights.push_back(b - a);
    std::nth_element(heights.begin(), heights.begin() + std::ptrdiff_t(heights.size() / 2), heights.end());
    const int line_h = std::max(1, heights[heights.size() / 2]);
    const int target = hint == Hint::kNumber ? options.number_line_height_px : options.text_line_height_px;
    const double scale = std::clamp(factor * target / line_h, 0.2, 8.0);

    // Rows [top, bottom) of the ink box widened by a pad of a quarter line,
    // clipped to the crop (whose frame `clean` has cleared of remnants).
    const int pad = std::max(2, line_h / 4);
    const cv::Rect whole(0, 0, gray.cols, gray.rows);
    auto cut = [&](int top, int bottom) {
      return cv::Rect(layout.ink.x - pad, top, layout.ink.width + 2 * pad, bottom - top) & whole;
    };
    const int margin = std::max(8, int(std::lround(options.margin_fraction * target)));
    auto prepare = [&](const cv::Rect& r) {
      cv::Mat scaled, framed;
      cv::resize(layout.clean(r), scaled, cv::Size(), scale, scale, scale > 1.0 ? cv::INTER_CUBIC : cv::INTER_AREA);
      if (binarize) cv::threshold(scaled, scaled, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
      cv::copyMakeBorder(scaled, framed, margin, margin, margin, margin, cv::BORDER_CONSTANT, cv::Scalar(255));
      return framed;
    };

    // Each line on its own as PSM_SINGLE_LINE, top to bottom (also when the
    // caller said kTextLine but the crop holds more). A line's strip reaches
    // halfway into the gaps to its neighbours so that no stroke is cut off.
    std::string text;
    std::vector<float> confidences;
    const auto& lines = layout.lines;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      int top = i == 0 ? lines[i].first - pad : (lines[i - 1].second + lines[i].first) / 2;
      int bottom = i + 1 == lines.size() ? lines[i].second + pad : (lines[i].second + lines[i + 1].first) / 2;
      const cv::Mat strip = prepare(cut(top, bottom));
      LineReading line;
      const bool full_height = 10 * (lines[i].second - lines[i].first) >= 7 * line_h;
      if (!read_line(strip, dpi * scale, hint, number_model, full_height, line)) return {"", 0.0};
      if (!line.text.empty()) text += (text.empty() ? "" : "\n") + line.text;
      confidences.insert(confidences.end(), line.confidences.begin(), line.confidences.end());
    }
    if (hint != Hint::kNumber) text = fullwidth_punctuation(text);
    if (text.empty() || confidences.empty()) return {text, 0.0};
    double mean = std::accumulate(confidences.begin(), confidences.end(), 0.0) / double(confidences.size());
    return {text, std::clamp(mean / 100.0, 0.0, 1.0)};
  }
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::create(const Options& options) {
  auto tessdata = detail::find_tessdata(options.tessdata_dir, options.language);
  if (!tessdata) return std::unexpected(tessdata.error());
  limit_openmp_once();
  try {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    auto text = open_api(*tessdata, options.language);
    if (!text) return std::unexpected(text.error());
    impl->text = std::move(*text);
    // The number model is an optimisation: without it, numbers are read
    // with the text model (a little less accurately).
    if (!options.number_language.empty() && options.number_language != options.language) {
      if (auto dir = detail::find_tessdata(options.tessdata_dir, options.number_language))
        if (auto number = open_api(*dir, options.number_language)) impl->number = std::move(*number);
    }
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("ocr: Tesseract initialisation failed: ") + e.what());
  }
}

CellText Engine::recognize(const Image& gray, double dpi, Hint hint) { return recognize(Crop(gray, dpi), hint); }

CellText Engine::recognize(const Crop& crop, Hint hint) {
  try {
    return impl_->recognize(*crop.analysis_, hint);
  } catch (const std::exception&) {
    return {"", 0.0};  // OpenCV/allocation failure on a pathological crop
  }
}

CellText Engine::read_once(const Image& gray, double dpi, Hint hint, Model model, double scale) {
  return read_once(Crop(gray, dpi), hint, model, scale);
}

CellText Engine::read_once(const Crop& crop, Hint hint, Model model, double scale) {
  try {
    return impl_->read_once(*crop.analysis_, hint, model == Model::kNumber, std::clamp(scale, 0.25, 4.0));
  } catch (const std::exception&) {
    return {"", 0.0};
  }
}

// ------------------------------------------------------------ EnginePool
EnginePool::EnginePool(Options options, int max_engines)
    : options_(std::move(options)), max_engines_(std::max(1, max_engines)) {}
EnginePool::~EnginePool() = default;

EnginePool::Lease::Lease(EnginePool* pool, std::unique_ptr<Engine> engine)
    : pool_(pool), engine_(std::move(engine)) {}
EnginePool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), engine_(std::move(other.engine_)) {}
EnginePool::Lease::~Lease() {
  if (pool_ && engine_) pool_->release(std::move(engine_));
}

Result<EnginePool::Lease> EnginePool::acquire() {
  auto lease = take(true);
  if (!lease) return std::unexpected(lease.error());
  return std::move(**lease);
}

Result<std::optional<EnginePool::Lease>> EnginePool::try_acquire() { return take(false); }

Result<std::optional<EnginePool::Lease>> EnginePool::take(bool wait) {
  std::unique_lock lock(mutex_);
  if (wait) available_.wait(lock, [&] { return !idle_.empty() || created_ < max_engines_; });
  else if (idle_.empty() && created_ >= max_engines_) return std::optional<Lease>();
  if (!idle_.empty()) {
    auto engine = std::move(idle_.back());
    idle_.pop_back();
    return std::optional<Lease>(std::in_place, this, std::move(engine));
  }
  ++created_;  // reserve the slot, create outside the lock (Init takes ~0.3 s)
  lock.unlock();
  auto engine = Engine::create(options_);
  if (!engine) {
    lock.lock();
    --created_;
    available_.notify_one();
    return std::unexpected(engine.error());
  }
  return std::optional<Lease>(std::in_place, this, std::move(*engine));
}

void EnginePool::release(std::unique_ptr<Engine> engine) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(engine));
  }
  available_.notify_one();
}

}  // namespace scantab::ocr
