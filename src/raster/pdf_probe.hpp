// PDF page probe: lists the raster images a page draws and where, without
// decoding them, using Poppler's core (xpdf-derived) API. That API is only in
// libpoppler-private-dev; it is confined to pdf_probe.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "raster/internal.hpp"

namespace scantab::raster::detail {

// Routes every Poppler diagnostic (core and poppler-cpp) into a per-thread
// buffer instead of stderr. Idempotent; call before any Poppler use.
void install_poppler_error_sink();
// The diagnostics captured on this thread since the last call (last few lines,
// "; "-joined), then clears the buffer.
std::string take_poppler_errors();

class PdfProber {
 public:
  // Opens `path` with Poppler's core API. Fails with kCorruptInput/kEncrypted.
  static Result<std::unique_ptr<PdfProber>> open(const std::filesystem::path& path);
  ~PdfProber();

  int page_count() const;
  // True once Poppler has had to rebuild the cross-reference table by scanning
  // the file (damaged or truncated file).
  bool xref_reconstructed() const;
  // Interprets page `index` (0-based) and records its images. Never decodes pixels.
  Result<PageProbe> probe(int index);
  // Interprets page `index` at `dpi` and returns its JPEG when the page is
  // one scan Splash would draw with its bilinear upscale and nothing else
  // (see ScanJpeg); nullopt for every other page. Reads the JPEG's bytes but
  // does not decode them.
  Result<std::optional<ScanJpeg>> scan_jpeg(int index, double dpi);

  struct Impl;

 private:
  explicit PdfProber(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace scantab::raster::detail
