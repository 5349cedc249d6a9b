// to_gray: colour -> gray with red/orange seal suppression.
//
// Chinese official documents carry red round seals (公章) printed over text.
// A plain luminance conversion turns the seal into mid-gray blobs that a
// binarizer keeps as ink. Classic "colour dropout" scanning instead looks at
// the page through a red filter: red ink is bright in the red channel, black
// ink stays dark. We apply that only where a pixel is clearly red/orange
// (chroma test), so ordinary gray content keeps its luminance.
//
// How bright "seal ink" is in the red channel is measured per page: the
// median red value of the clearly red pixels (a seal stamped at 84 % red
// transmission over paper of 250 reads about 210). Red values from that
// level up become white; darker ones keep their distance from it (a faint
// ruling line under a seal stroke, 186 on the paper, reads 156 in red and
// stays a faint line instead of vanishing), and dark ink stays dark.

#include <algorithm>
#include <array>

#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

#include <opencv2/imgproc.hpp>

namespace scantab::preprocess {
namespace {

// Chroma (max - min of B, G, R) ramp over which a pixel counts as coloured.
constexpr int kChromaLow = 24, kChromaHigh = 64;
// Red-channel values: at or below kKeepDark the pixel is dark ink (kept as
// is); at or above the page's seal level it is seal ink (white); linear in
// between. The seal level is the median red of clearly red pixels less
// kSealMargin, within
// [kLiftFull, kLiftMax]; kLiftFull when there are fewer than kMinSealPixels.
constexpr int kKeepDark = 90, kLiftFull = 150, kLiftMax = 235;
constexpr int kMinSealPixels = 200;
// The level sits this far below the median, so that the lighter half of the
// seal's own strokes (JPEG ringing, uneven ink) also turns white.
constexpr int kSealMargin = 20;

// Weight in [0,1] for the hue of an R-dominant pixel; hue in degrees in
// [-60, 60] (0 = red, +30 = orange, -30 = pink/magenta side).
double red_hue_weight(double hue) {
  if (hue >= -20 && hue <= 40) return 1.0;
  if (hue < -20) return std::clamp((hue + 35) / 15.0, 0.0, 1.0);
  return std::clamp((55 - hue) / 15.0, 0.0, 1.0);
}

int lift_red(int r, int seal_level) {
  if (r <= kKeepDark) return r;
  if (r >= seal_level) return 255;
  return kKeepDark + (r - kKeepDark) * (255 - kKeepDark) / (seal_level - kKeepDark);
}

// How red a pixel is, in [0, 1]: hue near red/orange and chroma above the ramp.
double redness(int b, int g, int r) {
  const int mx = std::max({b, g, r}), mn = std::min({b, g, r});
  const int chroma = mx - mn;
  if (chroma <= kChromaLow || r != mx) return 0.0;
  const double hue = 60.0 * double(g - b) / chroma;  // R is the max channel
  return red_hue_weight(hue) * std::clamp(double(chroma - kChromaLow) / (kChromaHigh - kChromaLow), 0.0, 1.0);
}

std::uint8_t gray_of(int b, int g, int r, int seal_level) {
  const int lum = (299 * r + 587 * g + 114 * b + 500) / 1000;
  const double w = redness(b, g, r);
  if (w <= 0.0) return std::uint8_t(lum);
  const double v = (1.0 - w) * lum + w * lift_red(r, seal_level);
  return std::uint8_t(std::clamp(int(v + 0.5), 0, 255));
}

// The median red value of the clearly red pixels (redness 1) less
// kSealMargin, clamped to
// [kLiftFull, kLiftMax]; kLiftFull when the page has too few of them.
int seal_level(const Image& image) {
  std::array<long long, 256> histogram{};
  long long count = 0;
  const int c = image.channels;
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* src = image.row(y);
    for (int x = 0; x < image.width; ++x, src += c)
      if (redness(src[0], src[1], src[2]) >= 1.0) {
        ++histogram[src[2]];
        ++count;
      }
  }
  if (count < kMinSealPixels) return kLiftFull;
  long long seen = 0;
  int median = 0;
  while (median < 255 && (seen += histogram[std::size_t(median)]) * 2 < count) ++median;
  return std::clamp(median - kSealMargin, kLiftFull, kLiftMax);
}

}  // namespace

Image to_gray(const Image& image) {
  if (image.empty()) return Image();
  if (image.channels == 1) return image;
  Image out(image.width, image.height, 1);
  const int c = image.channels;
  if (c < 3) {  // gray + alpha: keep the gray channel
    cv::extractChannel(as_mat(image), as_mat(out), 0);
    return out;
  }
  const int level = seal_level(image);
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* src = image.row(y);
    std::uint8_t* dst = out.row(y);
    for (int x = 0; x < image.width; ++x, src += c) dst[x] = gray_of(src[0], src[1], src[2], level);
  }
  return out;
}

}  // namespace scantab::preprocess
