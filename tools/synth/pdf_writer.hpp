// Writes a "scanned" PDF: one JPEG image per page, embedded as-is (DCTDecode)
// through cairo's JPEG mime data. Page size in points = pixels * 72 / dpi, so
// the image's resolution in the PDF IS the dpi. Internal.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <opencv2/core.hpp>
#include <vector>

namespace scantab::synth {

struct ScannedPage {
  cv::Mat pixels;                  // decoded page (8UC1 or 8UC3 BGR); cairo's fallback source
  std::vector<std::uint8_t> jpeg;  // the same page JPEG-encoded; this is what the PDF holds
  double dpi = 200;
};

std::expected<void, std::string> write_scanned_pdf(const std::filesystem::path& path,
                                                   const std::vector<ScannedPage>& pages);

}  // namespace scantab::synth
