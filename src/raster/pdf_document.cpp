// PDF documents: pages rendered on demand with poppler-cpp (Splash backend,
// antialiased), at the resolution chosen by plan_pdf_page from a probe of the
// page's images (pdf_probe.cpp); a page that is one plain JPEG scan is
// decoded and upscaled here instead, to the same pixels (decode_scan).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <new>

#include <opencv2/imgcodecs.hpp>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include "core/cv_image.hpp"
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

// The page's clips applied to the drawn scan (see ScanJpeg): paper (white)
// below `visible_height` and right of `edge_column`; the edge column blended
// over the paper as Splash's pipe blends a partly covered pixel:
// ((255 - coverage) * paper + coverage * ink) / 255, rounded.
void apply_clip(Image& image, const ScanJpeg& clip) {
  const std::size_t channels = static_cast<std::size_t>(image.channels);
  const int width = image.width;
  for (int y = 0; y < image.height; ++y) {
    std::uint8_t* row = image.row(y);
    const int from = y < clip.visible_height ? std::clamp(clip.edge_column, 0, width) : 0;
    if (y < clip.visible_height && from < width)
      for (std::size_t c = 0; c < channels; ++c) {
        std::uint8_t& v = row[std::size_t(from) * channels + c];
        const int mix = (255 - clip.edge_coverage) * 255 + clip.edge_coverage * v;
        v = static_cast<std::uint8_t>((mix + (mix >> 8) + 0x80) >> 8);  // mix / 255, rounded as Splash rounds
      }
    const int paper_from = y < clip.visible_height ? std::min(from + 1, width) : 0;
    std::memset(row + std::size_t(paper_from) * channels, 255, std::size_t(width - paper_from) * channels);
  }
}

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

    if (options_.decode_scans_directly && plan.scanned) {
      auto direct = decode_scan(index, plan);
      if (!direct) return std::unexpected(direct.error());
      if (*direct) return std::move(**direct);
    }

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

  // The scanned-page fast path: the page's JPEG decoded (libjpeg, as Poppler
  // decodes it) and upscaled as Splash would (splash_upscale). nullopt when
  // the page does not qualify (PdfProber::scan_jpeg) or its JPEG does not
  // decode to what the PDF declares; Poppler renders it then.
  Result<std::optional<PageImage>> decode_scan(int index, const PdfRenderPlan& plan) {
    auto scan = prober_->scan_jpeg(index, plan.dpi);
    if (!scan) return std::unexpected(scan.error());
    if (!*scan) return std::nullopt;
    const ScanJpeg& jpeg = **scan;
    if (jpeg.components != (plan.gray ? 1 : 3)) return std::nullopt;
    const int flags = (jpeg.components == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR) | cv::IMREAD_IGNORE_ORIENTATION;
    cv::Mat decoded;
    try {
      decoded = cv::imdecode(cv::Mat(1, static_cast<int>(jpeg.bytes.size()), CV_8U,
                                     const_cast<unsigned char*>(jpeg.bytes.data())),
                             flags);
    } catch (const cv::Exception&) {
      return std::nullopt;
    }
    if (decoded.empty() || decoded.cols != jpeg.pixel_width || decoded.rows != jpeg.pixel_height ||
        decoded.channels() != jpeg.components)
      return std::nullopt;
    const Image source = to_image(decoded);
    decoded.release();
    PageImage out;
    out.image = splash_upscale(source, jpeg.scaled_width, jpeg.scaled_height, jpeg.page_width, jpeg.page_height);
    apply_clip(out.image, jpeg);
    out.dpi = plan.dpi;
    out.page_index = index;
    take_poppler_errors();
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
