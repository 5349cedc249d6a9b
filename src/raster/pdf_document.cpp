// PDF documents: pages rendered on demand with poppler-cpp (Splash backend,
// antialiased), at the resolution chosen by plan_pdf_page from a probe of the
// page's images (pdf_probe.cpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <new>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include "raster/internal.hpp"
#include "raster/pdf_probe.hpp"

namespace scantab::raster::detail {
namespace {

// True when "%%EOF" occurs in the last 1024 bytes, as PDF 1.7 §7.5.5 requires
// of a complete file. Used only together with xref reconstruction to tell a
// truncated file from one Poppler merely repaired.
bool has_eof_marker(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  const std::streamoff tail = std::min<std::streamoff>(size, 1024);
  std::string buf(static_cast<std::size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(buf.data(), tail);
  return buf.find("%%EOF") != std::string::npos;
}

std::string page_label(int index) { return "PDF page " + std::to_string(index + 1); }

class PdfDocument final : public Document {
 public:
  PdfDocument(std::filesystem::path path, Options options, std::unique_ptr<poppler::document> doc,
              std::unique_ptr<PdfProber> prober)
      : path_(std::move(path)), options_(options), doc_(std::move(doc)), prober_(std::move(prober)) {}

  SourceKind kind() const override { return SourceKind::kPdf; }
  int page_count() const override { return doc_->pages(); }

  Result<PageImage> render_page(int index) override {
    try {
      return render(index);
    } catch (const std::bad_alloc&) {
      return fail(ErrorCode::kTooLarge, page_label(index) + ": out of memory while rendering");
    } catch (const std::exception& e) {
      return fail(ErrorCode::kInternal, page_label(index) + ": " + e.what());
    }
  }

 private:
  Result<PageImage> render(int index) {
    if (index < 0 || index >= page_count())
      return fail(ErrorCode::kInternal, "page index out of range: " + std::to_string(index));
    take_poppler_errors();

    auto probe = prober_->probe(index);
    if (!probe) return std::unexpected(probe.error());
    const PdfRenderPlan plan = plan_pdf_page(*probe, options_);

    // Refuse before rendering: Splash allocates the whole bitmap up front.
    const double scale = plan.dpi / 72.0;
    const double w = std::ceil(probe->width_pt * scale), h = std::ceil(probe->height_pt * scale);
    if (!(w >= 1 && h >= 1 && w < 1e9 && h < 1e9) ||
        exceeds_pixel_limit(static_cast<long long>(w), static_cast<long long>(h), options_.max_pixels))
      return fail(ErrorCode::kTooLarge,
                  page_label(index) + " at " + std::to_string(static_cast<int>(std::lround(plan.dpi))) +
                      " dpi would be " + std::to_string(static_cast<long long>(w)) + "x" +
                      std::to_string(static_cast<long long>(h)) + " pixels, over the limit of " +
                      std::to_string(options_.max_pixels));

    std::unique_ptr<poppler::page> page(doc_->create_page(index));
    if (!page) return fail(ErrorCode::kCorruptInput, page_label(index) + " cannot be read: " + take_poppler_errors());

    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
    renderer.set_image_format(plan.gray ? poppler::image::format_gray8 : poppler::image::format_bgr24);
    const poppler::image img = renderer.render_page(page.get(), plan.dpi, plan.dpi);
    if (!img.is_valid() || img.width() <= 0 || img.height() <= 0)
      return fail(ErrorCode::kCorruptInput, page_label(index) + " cannot be rendered: " + take_poppler_errors());

    // Copy row by row: Poppler pads rows to 4 bytes, core::Image is tightly packed.
    const int channels = plan.gray ? 1 : 3;
    PageImage out;
    out.image = Image(img.width(), img.height(), channels);
    const std::size_t row_bytes = std::size_t(img.width()) * channels;
    for (int y = 0; y < img.height(); ++y)
      std::memcpy(out.image.row(y), img.const_data() + std::size_t(y) * img.bytes_per_row(), row_bytes);
    out.dpi = plan.dpi;
    out.page_index = index;
    take_poppler_errors();  // recoverable diagnostics are dropped, never printed
    return out;
  }

  std::filesystem::path path_;
  Options options_;
  std::unique_ptr<poppler::document> doc_;
  std::unique_ptr<PdfProber> prober_;
};

}  // namespace

Result<std::unique_ptr<Document>> open_pdf(const std::filesystem::path& path, const Options& options) {
  install_poppler_error_sink();
  take_poppler_errors();

  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path.string()));
  if (!doc) return fail(ErrorCode::kCorruptInput, "cannot parse PDF " + path.string() + ": " + take_poppler_errors());
  if (doc->is_locked()) return fail(ErrorCode::kEncrypted, "PDF is password-protected: " + path.string());

  auto prober = PdfProber::open(path);
  if (!prober) return std::unexpected(prober.error());

  const int pages = doc->pages();
  if (pages <= 0 || (*prober)->page_count() != pages)
    return fail(ErrorCode::kCorruptInput, "PDF has no readable pages: " + path.string());
  // Poppler rebuilds a lost cross-reference table by scanning the file; when
  // the end-of-file marker is missing too, the file was cut short and pages or
  // page content are silently missing, so refuse it.
  if ((*prober)->xref_reconstructed() && !has_eof_marker(path))
    return fail(ErrorCode::kCorruptInput, "PDF is truncated (no %%EOF, cross-reference table lost): " + path.string());
  take_poppler_errors();
  return std::unique_ptr<Document>(new PdfDocument(path, options, std::move(doc), std::move(*prober)));
}

}  // namespace scantab::raster::detail
