// PDF page probe with Poppler's core API (see pdf_probe.hpp).
// Also the scanned-page fast path's grabber (ScanGrabber, PdfProber::scan_jpeg).
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
#include <optional>
#include <vector>

#include <poppler/cpp/poppler-global.h>

#include "Error.h"
#include "ErrorCodes.h"
#include "GfxState.h"
#include "GlobalParams.h"
#include "OutputDev.h"
#include "Stream.h"
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


// ---------------------------------------------------------------- ScanGrabber
// Interprets a page at the render dpi, as Splash will see it, and keeps its
// one image when the page is a plain JPEG scan (ScanJpeg). Anything else
// that would put pixels on the page disqualifies it: a second image, any
// path, visible text, a clip that is not a rectangle from the page's corner,
// transparency, a transfer function.
class ScanGrabber final : public OutputDev {
 public:
  std::optional<ScanJpeg> scan;
  bool disqualified = false;

  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  bool interpretType3Chars() override { return false; }

  void startPage(int /*pageNum*/, GfxState* state, XRef* /*xref*/) override {
    // SplashOutputDev's bitmap size for this page.
    page_width_ = static_cast<int>(state->getPageWidth() + 0.5);
    page_height_ = static_cast<int>(state->getPageHeight() + 0.5);
    // Only pages whose box maps to whole pixels: Splash treats a clip on
    // the page box itself differently (not measured), and such a clip cuts
    // into the last pixel only when the box does not end on a pixel edge.
    constexpr double kWhole = 1e-6;
    if (std::abs(state->getPageWidth() - page_width_) > kWhole ||
        std::abs(state->getPageHeight() - page_height_) > kWhole)
      disqualified = true;
  }

  void beginStringOp(GfxState* state) override {
    if (state->getRender() != 3) disqualified = true;  // only invisible text (an OCR layer) draws nothing
  }
  void stroke(GfxState* /*state*/) override { disqualified = true; }
  void fill(GfxState* /*state*/) override { disqualified = true; }
  void eoFill(GfxState* /*state*/) override { disqualified = true; }
  void clip(GfxState* state) override { check_clip(state); }
  void eoClip(GfxState* state) override { check_clip(state); }
  void clipToStrokePath(GfxState* /*state*/) override { disqualified = true; }
  void beginTransparencyGroup(GfxState* /*state*/, const double* /*bbox*/, GfxColorSpace* /*cs*/, bool /*isolated*/,
                              bool /*knockout*/, bool /*forSoftMask*/) override {
    disqualified = true;
  }
  void setSoftMask(GfxState* /*state*/, const double* /*bbox*/, bool /*alpha*/, Function* /*transfer*/,
                   GfxColor* /*backdrop*/) override {
    disqualified = true;
  }

  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool interpolate, bool inlineImg) override {
    disqualified = true;
    OutputDev::drawImageMask(state, ref, str, width, height, invert, interpolate, inlineImg);  // skips inline data
  }
  void drawMaskedImage(GfxState* /*state*/, Object* /*ref*/, Stream* /*str*/, int /*width*/, int /*height*/,
                       GfxImageColorMap* /*colorMap*/, bool /*interpolate*/, Stream* /*maskStr*/,
                       int /*maskWidth*/, int /*maskHeight*/, bool /*maskInvert*/,
                       bool /*maskInterpolate*/) override {
    disqualified = true;
  }
  void drawSoftMaskedImage(GfxState* /*state*/, Object* /*ref*/, Stream* /*str*/, int /*width*/, int /*height*/,
                           GfxImageColorMap* /*colorMap*/, bool /*interpolate*/, Stream* /*maskStr*/,
                           int /*maskWidth*/, int /*maskHeight*/, GfxImageColorMap* /*maskColorMap*/,
                           bool /*maskInterpolate*/) override {
    disqualified = true;
  }
  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height, GfxImageColorMap* colorMap,
                 bool interpolate, const int* maskColors, bool inlineImg) override {
    if (scan || disqualified || inlineImg || !take(state, str, width, height, colorMap, maskColors)) {
      scan.reset();
      disqualified = true;
      OutputDev::drawImage(state, ref, str, width, height, colorMap, interpolate, maskColors, inlineImg);
    }
  }

 private:
  // A clip must be one axis-aligned rectangle from the page's top-left
  // corner (any other disqualifies the page, even one restored before the
  // image); where the clips in force end is read when the image is drawn.
  void check_clip(GfxState* state) {
    const GfxPath* path = state->getPath();
    if (!path || path->getNumSubpaths() != 1 || path->getSubpath(0)->getNumPoints() < 4 ||
        path->getSubpath(0)->getNumPoints() > 5) {
      disqualified = true;
      return;
    }
    const GfxSubpath* sub = path->getSubpath(0);
    std::vector<double> xs, ys;
    for (int i = 0; i < sub->getNumPoints(); ++i) {
      double x, y;
      state->transform(sub->getX(i), sub->getY(i), &x, &y);
      xs.push_back(x);
      ys.push_back(y);
    }
    const auto [x_lo, x_hi] = std::minmax_element(xs.begin(), xs.end());
    const auto [y_lo, y_hi] = std::minmax_element(ys.begin(), ys.end());
    const auto on_edges = [](const std::vector<double>& v, double lo, double hi) {
      return std::all_of(v.begin(), v.end(), [&](double c) { return c == lo || c == hi; });
    };
    if (!on_edges(xs, *x_lo, *x_hi) || !on_edges(ys, *y_lo, *y_hi) || *x_lo > 0 || *y_lo > 0) disqualified = true;
  }

  // What a clip ending inside the page leaves visible, as Splash draws an
  // image under it with vector antialiasing (measured on Poppler 22 over 48
  // page geometries and every corpus page, tests/unit/raster):
  //  * rows [0, ceil(bottom)) in full;
  //  * columns [0, floor(right)) in full, and column floor(right) covered by
  //    the n = floor(4 right) - 4 floor(right) + 1 of its 4 subpixel columns
  //    left of the edge: blended over the paper with Splash's coverage
  //    255 (n / 4)^1.5, rounded;
  //  * the paper beyond.
  // False when an edge lies so near a rounding point that the result could
  // go either way.
  // right, bottom: where the clips in force end (GfxState's clip box, device pixels).
  static bool place_clip(double right, double bottom, ScanJpeg& jpeg) {
    constexpr double kMargin = 1e-6;
    jpeg.visible_height = jpeg.page_height;
    if (bottom < jpeg.page_height) {
      if (std::abs(bottom - std::round(bottom)) < kMargin) return false;
      jpeg.visible_height = static_cast<int>(std::max(0.0, std::ceil(bottom)));
    }
    jpeg.edge_column = jpeg.page_width;
    jpeg.edge_coverage = 255;
    if (right < jpeg.page_width) {
      const double sub = 4.0 * right;
      if (right < 0 || std::abs(sub - std::round(sub)) < kMargin) return false;
      const int column = static_cast<int>(std::floor(right));
      const int n = static_cast<int>(std::floor(sub)) - 4 * column + 1;
      jpeg.edge_column = column;
      jpeg.edge_coverage = static_cast<int>(std::lround(255.0 * std::pow(n / 4.0, 1.5)));
    }
    return true;
  }

  // The image qualifies: an opaque 8-bit DeviceGray/DeviceRGB JPEG without
  // decode parameters, drawn upright from (0, 0) over the whole page at
  // 1 to 1 + 1 pixel of its own size (Splash's bilinear upscale path).
  bool take(GfxState* state, Stream* str, int width, int height, GfxImageColorMap* colorMap,
            const int* maskColors) {
    if (maskColors || !colorMap || !str || str->getKind() != strDCT || colorMap->getBits() != 8) return false;
    const GfxColorSpaceMode mode = colorMap->getColorSpace()->getMode();
    const int components = colorMap->getNumPixelComps();
    if (!((mode == csDeviceGray && components == 1) || (mode == csDeviceRGB && components == 3))) return false;
    for (int i = 0; i < components; ++i)
      if (colorMap->getDecodeLow(i) != 0.0 || colorMap->getDecodeHigh(i) != 1.0) return false;
    if (Dict* dict = str->getDict()) {
      if (!dict->lookup("DecodeParms").isNull() || !dict->lookup("DP").isNull()) return false;
    }
    if (state->getFillOpacity() != 1.0 || state->getBlendMode() != gfxBlendNormal) return false;
    Function** transfer = state->getTransfer();
    for (int i = 0; i < 4; ++i)
      if (transfer[i]) return false;

    // Splash's placement of an image (SplashOutputDev::drawImage's matrix,
    // then Splash::drawImage's "scaling only" case: the target spans
    // floor(origin) .. floor(origin + extent) + 1 pixels).
    const double* ctm = state->getCTM();
    if (ctm[1] != 0.0 || ctm[2] != 0.0 || !(ctm[0] > 0.0) || !(ctm[3] < 0.0)) return false;
    const double m0 = ctm[0], m3 = -ctm[3], m4 = ctm[2] + ctm[4], m5 = ctm[3] + ctm[5];
    const int x0 = static_cast<int>(std::floor(m4)), y0 = static_cast<int>(std::floor(m5));
    const int x1 = static_cast<int>(std::floor(m0 + m4)) + 1, y1 = static_cast<int>(std::floor(m3 + m5)) + 1;
    const int scaled_width = x1 - x0, scaled_height = y1 - y0;
    if (x0 != 0 || y0 != 0 || scaled_width < page_width_ || scaled_height < page_height_) return false;
    if (scaled_width - width < 0 || scaled_width - width > 1 || scaled_height - height < 0 ||
        scaled_height - height > 1)
      return false;

    Stream* encoded = str->getNextStream();
    if (!encoded) return false;
    ScanJpeg jpeg;
    jpeg.bytes = encoded->toUnsignedChars(1 << 20, 1 << 20);
    encoded->close();
    if (jpeg.bytes.empty()) return false;
    jpeg.components = components;
    jpeg.pixel_width = width;
    jpeg.pixel_height = height;
    jpeg.scaled_width = scaled_width;
    jpeg.scaled_height = scaled_height;
    jpeg.page_width = page_width_;
    jpeg.page_height = page_height_;
    double clip_left, clip_top, clip_right, clip_bottom;
    state->getClipBBox(&clip_left, &clip_top, &clip_right, &clip_bottom);
    if (clip_left > 0 || clip_top > 0 || !place_clip(clip_right, clip_bottom, jpeg)) return false;
    scan = std::move(jpeg);
    return true;
  }

  int page_width_ = 0, page_height_ = 0;
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

Result<std::optional<ScanJpeg>> PdfProber::scan_jpeg(int index, double dpi) {
  if (index < 0 || index >= page_count())
    return fail(ErrorCode::kInternal, "page index out of range: " + std::to_string(index));
  ScanGrabber grabber;
  // The same page setup as the probe and poppler-cpp's page_renderer, at the render dpi.
  impl_->doc->displayPage(&grabber, index + 1, dpi, dpi, 0, false, true, false);
  if (grabber.disqualified) return std::nullopt;
  return std::move(grabber.scan);
}

}  // namespace scantab::raster::detail
