// raster: format detection and dispatch (see raster.hpp for the contract).
#include "raster/raster.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <new>
#include <system_error>

#include "raster/internal.hpp"

namespace scantab::raster {

const char* to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::kPdf: return "pdf";
    case SourceKind::kPng: return "png";
    case SourceKind::kJpeg: return "jpeg";
    case SourceKind::kTiff: return "tiff";
  }
  return "unknown";
}

namespace detail {

std::optional<SourceKind> sniff_format(const unsigned char* b, std::size_t n) {
  auto starts = [&](std::initializer_list<unsigned char> magic) {
    return n >= magic.size() && std::equal(magic.begin(), magic.end(), b);
  };
  if (starts({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) return SourceKind::kPng;
  if (starts({0xFF, 0xD8, 0xFF})) return SourceKind::kJpeg;
  // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
  if (starts({'I', 'I', 42, 0}) || starts({'M', 'M', 0, 42}) || starts({'I', 'I', 43, 0}) ||
      starts({'M', 'M', 0, 43}))
    return SourceKind::kTiff;
  // PDF readers (and Poppler) accept "%PDF-" anywhere in the first 1024 bytes.
  static constexpr char kPdf[] = "%PDF-";
  const std::size_t limit = std::min<std::size_t>(n, 1024);
  if (limit >= 5) {
    const unsigned char* end = b + limit;
    if (std::search(b, end, kPdf, kPdf + 5) != end) return SourceKind::kPdf;
  }
  return std::nullopt;
}

bool exceeds_pixel_limit(long long width, long long height, long long max_pixels) {
  if (width <= 0 || height <= 0) return false;
  return width > max_pixels / height || width * height > max_pixels;
}

PdfRenderPlan plan_pdf_page(const PageProbe& probe, const Options& options) {
  PdfRenderPlan plan;
  plan.dpi = options.default_pdf_dpi;

  const double page_area = probe.width_pt * probe.height_pt;
  double covered = 0;
  const PlacedImage* largest = nullptr;
  bool all_gray = true;
  for (const PlacedImage& im : probe.images) {
    covered += im.visible_area_pt2;
    all_gray = all_gray && im.components == 1;
    if (!largest || im.visible_area_pt2 > largest->visible_area_pt2) largest = &im;
  }
  if (page_area > 0 && largest && covered >= 0.5 * page_area && largest->shown_width_pt > 0 &&
      largest->shown_height_pt > 0) {
    const double dpi_x = largest->pixel_width / (largest->shown_width_pt / 72.0);
    const double dpi_y = largest->pixel_height / (largest->shown_height_pt / 72.0);
    const double dpi = std::max(dpi_x, dpi_y);
    if (std::isfinite(dpi) && dpi > 0) {
      plan.scanned = true;
      plan.gray = all_gray;
      plan.dpi = std::clamp(dpi, options.min_dpi, options.max_dpi);
      if (probe.visible_text_runs > 0) plan.dpi = std::max(plan.dpi, options.default_pdf_dpi);
    }
  }
  if (options.dpi_override) plan.dpi = *options.dpi_override;
  return plan;
}

namespace {

bool valid_dpi(double v) { return std::isfinite(v) && v > 0; }

Result<void> validate(const Options& o) {
  if (o.dpi_override && !valid_dpi(*o.dpi_override))
    return fail(ErrorCode::kInternal, "invalid raster option: dpi_override must be > 0");
  if (!valid_dpi(o.default_pdf_dpi) || !valid_dpi(o.default_image_dpi) || !valid_dpi(o.min_dpi) ||
      !valid_dpi(o.max_dpi) || o.min_dpi > o.max_dpi || o.max_pixels <= 0)
    return fail(ErrorCode::kInternal, "invalid raster options (dpi must be > 0, min_dpi <= max_dpi, max_pixels > 0)");
  return {};
}

}  // namespace
}  // namespace detail

Result<std::unique_ptr<Document>> open(const std::filesystem::path& path, const Options& options) {
  try {
    if (auto ok = detail::validate(options); !ok) return std::unexpected(ok.error());

    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
      return fail(ErrorCode::kMissingFile, "input file not found: " + path.string());
    if (!std::filesystem::is_regular_file(status))
      return fail(ErrorCode::kUnsupportedFormat, "input is not a regular file: " + path.string());
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail(ErrorCode::kMissingFile, "cannot read input file: " + path.string());
    if (size == 0) return fail(ErrorCode::kEmptyFile, "input file is empty: " + path.string());

    std::array<unsigned char, 1024> head{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kMissingFile, "cannot open input file: " + path.string());
    in.read(reinterpret_cast<char*>(head.data()), head.size());
    const auto got = static_cast<std::size_t>(in.gcount());

    const auto kind = detail::sniff_format(head.data(), got);
    if (!kind)
      return fail(ErrorCode::kUnsupportedFormat,
                  "not a PDF, PNG, JPEG or TIFF file (by content): " + path.string());
    if (*kind == SourceKind::kPdf) return detail::open_pdf(path, options);
    return detail::open_image(path, *kind, options);
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kInternal, "out of memory opening " + path.string());
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("unexpected error opening input: ") + e.what());
  }
}

}  // namespace scantab::raster
