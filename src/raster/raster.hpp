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
//
// Where errors surface: PNG/JPEG files are one page, so open() already checks
// their header, size and completeness; PDF and TIFF pages are size-checked in
// render_page(), where one page can fail alone. open() also refuses a PDF or
// TIFF that was cut short (rather than silently losing its last pages).
//
// Pixels: PageImage.image is 8-bit, 1 channel (gray) or 3 channels (BGR).
// Image files keep their nature (gray/bilevel/gray-palette -> 1 channel,
// colour -> 3; alpha is flattened onto white; 16-bit is reduced to 8).
// PDF scanned pages whose images are all 1-component render gray; every
// other PDF page renders BGR (red seals and coloured text survive).
// Libraries' diagnostics never reach stderr for PDFs or truncated images.
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
  // A PDF page that is one plain JPEG scan (the usual scanner output) is
  // decoded and scaled here, giving the very pixels Poppler's Splash would
  // render, in a tenth of the time; false = always render with Poppler.
  bool decode_scans_directly = true;
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
