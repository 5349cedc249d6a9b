// raster: input files -> page images.
//
// Supported inputs: PDF (rendered with Poppler), PNG, JPEG, TIFF (every page
// of a multi-page TIFF). The format is decided from the file's magic bytes,
// not its extension.
//
// Resolution: for a PDF page whose content is a scanned image, the page is
// rendered at that image's own resolution (pixels per inch of the page),
// clamped to [min_dpi, max_dpi]; for a PDF page without a scanned image, at
// default_pdf_dpi. `dpi_override` forces one resolution for every page.
// Image files report the dpi stored in the file, or default_image_dpi.
//
// Errors (Result): kMissingFile, kEmptyFile, kUnsupportedFormat,
// kCorruptInput (truncated or damaged), kEncrypted, kTooLarge (a page over
// max_pixels is refused *before* its pixels are decoded).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/core.hpp"

namespace scantab::raster {

struct Options {
  std::optional<double> dpi_override;  // --dpi
  double default_pdf_dpi = 300.0;
  double default_image_dpi = 300.0;
  double min_dpi = 100.0, max_dpi = 600.0;
  long long max_pixels = 200'000'000;  // per page (e.g. 14000 x 14000)
};

enum class SourceKind { kPdf, kPng, kJpeg, kTiff };
const char* to_string(SourceKind kind);

// An opened input document. Pages are rendered one at a time, on demand, so a
// long PDF never needs all its pages in memory. Not thread-safe.
class Document {
 public:
  virtual ~Document() = default;
  virtual SourceKind kind() const = 0;
  virtual int page_count() const = 0;
  // Renders page `index` (0-based). A page that fails alone (e.g. too large)
  // returns an error without invalidating the document.
  virtual Result<PageImage> render_page(int index) = 0;
};

Result<std::unique_ptr<Document>> open(const std::filesystem::path& path, const Options& options = {});

}  // namespace scantab::raster
