// PDF page probe with Poppler's core API (see pdf_probe.hpp).
//
// Method: interpret the page's content stream with a no-op OutputDev at 72 dpi
// (device units = points) and record each image-drawing call. PDF draws an
// image into the unit square mapped by the current transformation matrix
// [a b c d e f], so the image's x axis spans |(a,b)| points and its y axis
// |(c,d)| points (PDF 1.7 §8.3.3, §8.9.5). This is what `pdfimages -list` uses
// for its x-ppi/y-ppi columns. Image data streams are never read (except that
// inline images are skipped the same way OutputDev's defaults skip them).
#include "raster/pdf_probe.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <mutex>

#include <poppler/cpp/poppler-global.h>

#include "Error.h"
#include "ErrorCodes.h"
#include "GfxState.h"
#include "GlobalParams.h"
#include "OutputDev.h"
#include "PDFDoc.h"
#include "goo/GooString.h"

namespace scantab::raster::detail {

// ---------------------------------------------------------------- diagnostics
namespace {

thread_local std::deque<std::string> t_poppler_errors;

void remember(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  t_poppler_errors.push_back(std::move(message));
  if (t_poppler_errors.size() > 5) t_poppler_errors.pop_front();
}

void core_error_callback(ErrorCategory /*category*/, Goffset pos, const char* msg) {
  std::string text = msg ? msg : "";
  if (pos >= 0) text += " (at byte " + std::to_string(static_cast<long long>(pos)) + ")";
  remember(std::move(text));
}

void cpp_error_callback(const std::string& msg, void* /*closure*/) { remember(msg); }

}  // namespace

void install_poppler_error_sink() {
  static std::once_flag once;
  std::call_once(once, [] {
    // poppler-cpp forwards its documents' errors here ...
    poppler::set_debug_error_function(&cpp_error_callback, nullptr);
    // ... and whichever of poppler-cpp / us first creates globalParams installs
    // the core callback; this keeps globalParams alive for the process.
    static GlobalParamsIniter initer(&core_error_callback);
    setErrorCallback(&core_error_callback);
  });
}

std::string take_poppler_errors() {
  std::string joined;
  for (const auto& m : t_poppler_errors) joined += (joined.empty() ? "" : "; ") + m;
  t_poppler_errors.clear();
  return joined;
}

// ---------------------------------------------------------------- OutputDev
namespace {

class ImageRecorder final : public OutputDev {
 public:
  PageProbe probe;

  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  bool interpretType3Chars() override { return false; }

  void startPage(int /*pageNum*/, GfxState* state, XRef* /*xref*/) override {
    probe = PageProbe{};
    probe.width_pt = state->getPageWidth();
    probe.height_pt = state->getPageHeight();
  }

  // Called once per text-showing operator (Tj, TJ, ', ").
  void beginStringOp(GfxState* state) override {
    const int mode = state->getRender();  // PDF 1.7 Table 106: 3 invisible, 7 clip only
    if (mode != 3 && mode != 7) ++probe.visible_text_runs;
  }

  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool interpolate, bool inlineImg) override {
    record(state, width, height, 1);
    OutputDev::drawImageMask(state, ref, str, width, height, invert, interpolate, inlineImg);
  }
  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* colorMap, bool interpolate, const int* maskColors,
                 bool inlineImg) override {
    record(state, width, height, colorMap ? colorMap->getNumPixelComps() : 1);
    OutputDev::drawImage(state, ref, str, width, height, colorMap, interpolate, maskColors, inlineImg);
  }
  void drawMaskedImage(GfxState* state, Object* /*ref*/, Stream* /*str*/, int width, int height,
                       GfxImageColorMap* colorMap, bool /*interpolate*/, Stream* /*maskStr*/,
                       int /*maskWidth*/, int /*maskHeight*/, bool /*maskInvert*/,
                       bool /*maskInterpolate*/) override {
    record(state, width, height, colorMap ? colorMap->getNumPixelComps() : 1);
  }
  void drawSoftMaskedImage(GfxState* state, Object* /*ref*/, Stream* /*str*/, int width, int height,
                           GfxImageColorMap* colorMap, bool /*interpolate*/, Stream* /*maskStr*/,
                           int /*maskWidth*/, int /*maskHeight*/, GfxImageColorMap* /*maskColorMap*/,
                           bool /*maskInterpolate*/) override {
    record(state, width, height, colorMap ? colorMap->getNumPixelComps() : 1);
  }

 private:
  void record(GfxState* state, int width, int height, int components) {
    if (width <= 0 || height <= 0) return;
    const double* m = state->getCTM();
    PlacedImage im;
    im.pixel_width = width;
    im.pixel_height = height;
    im.shown_width_pt = std::hypot(m[0], m[1]);
    im.shown_height_pt = std::hypot(m[2], m[3]);
    im.components = components;
    // Bounding box of the unit square's image, clipped to the page.
    double xs[4], ys[4];
    const double corners[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (int i = 0; i < 4; ++i) {
      xs[i] = m[0] * corners[i][0] + m[2] * corners[i][1] + m[4];
      ys[i] = m[1] * corners[i][0] + m[3] * corners[i][1] + m[5];
    }
    const double x0 = std::max(0.0, *std::min_element(xs, xs + 4));
    const double x1 = std::min(probe.width_pt, *std::max_element(xs, xs + 4));
    const double y0 = std::max(0.0, *std::min_element(ys, ys + 4));
    const double y1 = std::min(probe.height_pt, *std::max_element(ys, ys + 4));
    im.visible_area_pt2 = (x1 > x0 && y1 > y0) ? (x1 - x0) * (y1 - y0) : 0.0;
    probe.images.push_back(im);
  }
};

}  // namespace

// ---------------------------------------------------------------- PdfProber
struct PdfProber::Impl {
  std::unique_ptr<PDFDoc> doc;
  bool reconstructed = false;
};

PdfProber::PdfProber(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfProber::~PdfProber() = default;

Result<std::unique_ptr<PdfProber>> PdfProber::open(const std::filesystem::path& path) {
  install_poppler_error_sink();
  auto impl = std::make_unique<Impl>();
  Impl* raw = impl.get();
  impl->doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(path.string()), std::nullopt,
                                       std::nullopt, nullptr, [raw] { raw->reconstructed = true; });
  if (!impl->doc->isOk()) {
    if (impl->doc->getErrorCode() == errEncrypted)
      return fail(ErrorCode::kEncrypted, "PDF is password-protected: " + path.string());
    return fail(ErrorCode::kCorruptInput, "cannot parse PDF " + path.string() + ": " + take_poppler_errors());
  }
  return std::unique_ptr<PdfProber>(new PdfProber(std::move(impl)));
}

int PdfProber::page_count() const { return impl_->doc->getNumPages(); }

bool PdfProber::xref_reconstructed() const { return impl_->reconstructed; }

Result<PageProbe> PdfProber::probe(int index) {
  if (index < 0 || index >= page_count())
    return fail(ErrorCode::kInternal, "page index out of range: " + std::to_string(index));
  ImageRecorder recorder;
  // 72 dpi so device units are points; rotate 0 = honour the page's /Rotate;
  // crop box, not printing (same choices as poppler-cpp's page_renderer).
  impl_->doc->displayPage(&recorder, index + 1, 72.0, 72.0, 0, false, true, false);
  if (recorder.probe.width_pt <= 0 || recorder.probe.height_pt <= 0)
    return fail(ErrorCode::kCorruptInput, "PDF page " + std::to_string(index + 1) + " has no usable size");
  return recorder.probe;
}

}  // namespace scantab::raster::detail
