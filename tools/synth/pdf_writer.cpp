#include "pdf_writer.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <cstdlib>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace scantab::synth {

std::expected<void, std::string> write_scanned_pdf(const std::filesystem::path& path,
                                                   const std::vector<ScannedPage>& pages) {
  if (pages.empty()) return std::unexpected("no pages to write");
  auto points = [](int px, double dpi) { return px * 72.0 / dpi; };
  const auto& first = pages.front();
  cairo_surface_t* pdf = cairo_pdf_surface_create(path.c_str(), points(first.pixels.cols, first.dpi),
                                                  points(first.pixels.rows, first.dpi));
  if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(pdf);
    return std::unexpected("cannot create " + path.string());
  }
  // Fixed metadata keeps the output byte-for-byte reproducible.
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "scantab-synth");
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, "2023-01-01T00:00:00Z");
  cairo_t* cr = cairo_create(pdf);
  std::string error;
  for (const auto& page : pages) {
    cairo_pdf_surface_set_size(pdf, points(page.pixels.cols, page.dpi), points(page.pixels.rows, page.dpi));
    cv::Mat bgra;
    cv::cvtColor(page.pixels, bgra, page.pixels.channels() == 1 ? cv::COLOR_GRAY2BGRA : cv::COLOR_BGR2BGRA);
    cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, bgra.cols, bgra.rows);
    cairo_surface_flush(image);
    unsigned char* dst = cairo_image_surface_get_data(image);
    const int stride = cairo_image_surface_get_stride(image);
    for (int y = 0; y < bgra.rows; ++y)
      std::memcpy(dst + std::size_t(y) * stride, bgra.ptr(y), bgra.cols * 4);
    cairo_surface_mark_dirty(image);
    // cairo owns a copy of the JPEG bytes until the image surface is released.
    auto* bytes = static_cast<unsigned char*>(std::malloc(page.jpeg.size()));
    std::memcpy(bytes, page.jpeg.data(), page.jpeg.size());
    cairo_surface_set_mime_data(image, CAIRO_MIME_TYPE_JPEG, bytes, page.jpeg.size(), std::free, bytes);

    cairo_save(cr);
    cairo_scale(cr, 72.0 / page.dpi, 72.0 / page.dpi);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
    cairo_surface_destroy(image);
  }
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS)
    error =
        std::string("writing ") + path.string() + ": " + cairo_status_to_string(cairo_surface_status(pdf));
  cairo_surface_destroy(pdf);
  if (!error.empty()) return std::unexpected(error);
  return {};
}

}  // namespace scantab::synth
