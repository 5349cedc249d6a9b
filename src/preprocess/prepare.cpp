// prepare: the stage entry point, composing the building blocks.
//
//   colour -> gray (seal suppression)
//   reduced copy (<= kEstimateDpi): binarize -> skew
//   full gray -> deskew (bicubic) -> binarize -> orientation -> exact quarter
//   turn of gray and binary
// Binarization happens after the only interpolating rotation, so
// interpolation never blurs binary edges.

#include <cmath>
#include <exception>
#include <string>

#include <opencv2/imgproc.hpp>

#include "preprocess/internal.hpp"
#include "preprocess/preprocess.hpp"

namespace scantab::preprocess {
namespace {

constexpr double kEstimateDpi = 150;  // resolution of the copy used for orientation and skew
constexpr double kPi = 3.14159265358979323846;

Image reduced(const Image& gray, double factor) {
  if (factor >= 1.0) return gray;
  Image small(std::max(1, int(std::lround(gray.width * factor))),
              std::max(1, int(std::lround(gray.height * factor))), 1);
  cv::Mat view = as_mat(small);
  cv::resize(as_mat(gray), view, view.size(), 0, 0, cv::INTER_AREA);
  return small;
}

// rotate_quadrant(image, degrees), without a copy when there is nothing to turn.
Image quarter_turned(Image&& image, int clockwise_degrees) {
  if (clockwise_degrees % 360 == 0) return std::move(image);
  return rotate_quadrant(image, clockwise_degrees);
}

}  // namespace

Result<PreparedPage> prepare(const PageImage& page, const Options& options) {
  const Image& image = page.image;
  if (image.empty()) return fail(ErrorCode::kCorruptInput, "page image is empty");
  if (image.channels != 1 && image.channels != 3 && image.channels != 4)
    return fail(ErrorCode::kUnsupportedFormat,
                "page image has " + std::to_string(image.channels) + " channels (expected 1, 3 or 4)");
  if (image.pixels.size() != std::size_t(image.width) * image.height * image.channels)
    return fail(ErrorCode::kCorruptInput, "page image buffer does not match its size");
  try {
    PreparedPage out;
    out.page_index = page.page_index;
    out.dpi = detail::sane_dpi(page.dpi);
    out.source_width = image.width;
    out.source_height = image.height;

    Image gray = to_gray(image);
    // Estimates on a reduced copy. The skew estimate uses row and column
    // profiles, so it does not depend on a quarter turn; and since rotations
    // about the centre commute, the skew measured here is also the skew of the
    // turned page.
    const double f = std::min(1.0, kEstimateDpi / out.dpi);
    const Image small_gray = reduced(gray, f);
    const Image small_binary = binarize(small_gray, out.dpi * f);
    const double skew = estimate_skew_degrees(small_binary, options.max_skew_degrees);
    // Skip rotations whose largest displacement is under half a pixel, and
    // skews under options.min_skew_degrees (see there).
    const double drift = std::abs(std::sin(skew * kPi / 180.0)) * std::max(gray.width, gray.height);
    const bool deskew = drift >= 0.5 && std::abs(skew) >= options.min_skew_degrees;
    // Orientation is decided on the full-resolution binarization of the
    // deskewed page (reduced inside detect_orientation): binarizing a reduced
    // gray copy instead turned JPEG speckle into "dots at the top" and flipped
    // an upright 300 dpi page by 180 degrees (performance_sheet, office
    // profile). Deskew and quarter turns commute (both about the centre), and
    // the binarization commutes with exact quarter turns, so the page is
    // binarized once and then turned.
    Image level = deskew ? rotate_gray(gray, -skew) : std::move(gray);
    Image binary = binarize(level, out.dpi);
    if (options.fix_orientation) {
      const Orientation o = detect_orientation(binary, out.dpi, options.detect_upside_down,
                                               options.orientation_fallback, options.min_fallback_confidence,
                                               options.fallback_for_upside_down);
      out.rotation_degrees = o.rotation_degrees;
      out.orientation_from_fallback = o.used_fallback;
      out.orientation_unsure = o.ambiguous && !o.used_fallback;
    }
    if (deskew) out.skew_degrees = skew;
    out.gray = quarter_turned(std::move(level), out.rotation_degrees);
    out.binary = quarter_turned(std::move(binary), out.rotation_degrees);
    return out;
  } catch (const cv::Exception& e) {
    return fail(ErrorCode::kInternal, std::string("preprocess: OpenCV error: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kTooLarge, "preprocess: out of memory for this page");
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("preprocess: ") + e.what());
  }
}

std::pair<double, double> to_source(const PreparedPage& page, double x, double y) {
  // Undo the deskew: the prepared image is the upright one rotated by
  // -skew_degrees about its centre (same size), so rotate back by +skew.
  const double cx = page.gray.width / 2.0, cy = page.gray.height / 2.0;
  const double a = -page.skew_degrees * kPi / 180.0;  // angle that was applied
  const double ca = std::cos(a), sa = std::sin(a);
  // Applied map (y down, CCW positive): d = A (s - c), A = [[ca, sa], [-sa, ca]].
  const double dx = x - cx, dy = y - cy;
  const double ux = cx + ca * dx - sa * dy, uy = cy + sa * dx + ca * dy;
  // Undo the clockwise quarter turn.
  const double w = page.source_width, h = page.source_height;
  switch (((page.rotation_degrees % 360) + 360) % 360) {
    case 90: return {uy, h - ux};
    case 180: return {w - ux, h - uy};
    case 270: return {w - uy, ux};
    default: return {ux, uy};
  }
}

}  // namespace scantab::preprocess
