// Image files (PNG, JPEG, single- or multi-page TIFF), decoded with Leptonica.
//
// Every page's size is read from its header first (pixReadHeader /
// readHeaderTiff parse headers only), so an oversized page is refused before
// any pixel buffer is allocated. Pages decode on demand. Output is 8-bit:
// 1 channel for gray/bilevel sources, 3 channels BGR for colour sources.
#include <cmath>
#include <cstdio>
#include <new>

#include <leptonica/allheaders.h>

#include "raster/internal.hpp"

namespace scantab::raster::detail {
namespace {

// Leptonica reports failures on stderr; silence it for the duration of one of
// our calls (its severity is process-global, so restore it afterwards).
class QuietLeptonica {
 public:
  QuietLeptonica() : previous_(setMsgSeverity(L_SEVERITY_NONE)) {}
  ~QuietLeptonica() { setMsgSeverity(previous_); }
  QuietLeptonica(const QuietLeptonica&) = delete;
  QuietLeptonica& operator=(const QuietLeptonica&) = delete;

 private:
  l_int32 previous_;
};

// Owning PIX handle.
struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// Converts any Leptonica depth to 8 bpp gray or 32 bpp RGB (alpha flattened
// onto white). Returns null on failure.
PixPtr normalize(PixPtr pix) {
  if (!pix) return nullptr;
  if (pixGetColormap(pix.get())) pix.reset(pixRemoveColormap(pix.get(), REMOVE_CMAP_BASED_ON_SRC));
  if (!pix) return nullptr;
  switch (pixGetDepth(pix.get())) {
    case 1: return PixPtr(pixConvert1To8(nullptr, pix.get(), 255, 0));  // 0 = white, 1 = black ink
    case 2:
    case 4: return PixPtr(pixConvertTo8(pix.get(), 0));
    case 8: return pix;
    case 16: return PixPtr(pixConvert16To8(pix.get(), L_MS_BYTE));
    case 24: return normalize(PixPtr(pixConvert24To32(pix.get())));
    case 32:
      if (pixGetSpp(pix.get()) == 4) return PixPtr(pixAlphaBlendUniform(pix.get(), 0xffffff00));
      return pix;
    default: return nullptr;
  }
}

// Copies an 8 or 32 bpp PIX into a tightly packed Image (gray or BGR).
Image to_image(PIX* pix) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), d = pixGetDepth(pix);
  const int wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  Image image(w, h, d == 8 ? 1 : 3);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + std::size_t(y) * wpl;
    std::uint8_t* out = image.row(y);
    if (d == 8) {
      for (int x = 0; x < w; ++x) out[x] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, x));
    } else {
      for (int x = 0; x < w; ++x) {
        const l_uint32 v = line[x];
        out[3 * x + 0] = static_cast<std::uint8_t>((v >> L_BLUE_SHIFT) & 0xff);
        out[3 * x + 1] = static_cast<std::uint8_t>((v >> L_GREEN_SHIFT) & 0xff);
        out[3 * x + 2] = static_cast<std::uint8_t>((v >> L_RED_SHIFT) & 0xff);
      }
    }
  }
  return image;
}

class ImageDocument final : public Document {
 public:
  ImageDocument(std::filesystem::path path, SourceKind kind, int pages, Options options)
      : path_(std::move(path)), kind_(kind), pages_(pages), options_(options) {}

  SourceKind kind() const override { return kind_; }
  int page_count() const override { return pages_; }

  Result<PageImage> render_page(int index) override {
    try {
      return decode(index);
    } catch (const std::bad_alloc&) {
      return fail(ErrorCode::kTooLarge, label(index) + ": out of memory while decoding");
    } catch (const std::exception& e) {
      return fail(ErrorCode::kInternal, label(index) + ": " + e.what());
    }
  }

  // Header-only size check of page `index`: kCorruptInput when the header is
  // unreadable (or, for PNG/JPEG, the file is cut short), kTooLarge when the
  // page is over options.max_pixels. Never decodes pixels.
  Result<void> check_header(int index) const {
    long long w = 0, h = 0;
    bool complete = true;
    if (kind_ == SourceKind::kTiff) {
      QuietLeptonica quiet;
      l_int32 tw = 0, th = 0, bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
      if (readHeaderTiff(path_.string().c_str(), index, &tw, &th, &bps, &spp, &res, &cmap, &format) == 0) {
        w = tw;
        h = th;
      }
    } else {
      const ImageHeader header = kind_ == SourceKind::kPng ? scan_png(path_) : scan_jpeg(path_);
      w = header.width;
      h = header.height;
      complete = header.complete;
    }
    if (w <= 0 || h <= 0) return fail(ErrorCode::kCorruptInput, label(index) + ": unreadable image header");
    if (exceeds_pixel_limit(w, h, options_.max_pixels))
      return fail(ErrorCode::kTooLarge, label(index) + " is " + std::to_string(w) + "x" + std::to_string(h) +
                                            " pixels, over the limit of " + std::to_string(options_.max_pixels));
    if (!complete)
      return fail(ErrorCode::kCorruptInput, label(index) + ": image file is truncated or damaged");
    return {};
  }

 private:
  std::string label(int index) const {
    std::string s = path_.filename().string();
    if (pages_ > 1) s += " page " + std::to_string(index + 1);
    return s;
  }

  Result<PageImage> decode(int index) {
    if (index < 0 || index >= pages_)
      return fail(ErrorCode::kInternal, "page index out of range: " + std::to_string(index));
    if (auto ok = check_header(index); !ok) return std::unexpected(ok.error());

    QuietLeptonica quiet;
    const std::string file = path_.string();
    // pixRead fails on JPEG data warnings (premature end = truncated file).
    PixPtr raw(kind_ == SourceKind::kTiff ? pixReadTiff(file.c_str(), index) : pixRead(file.c_str()));
    if (!raw) return fail(ErrorCode::kCorruptInput, label(index) + ": image data cannot be decoded (damaged or truncated)");
    const l_int32 xres = pixGetXRes(raw.get());
    PixPtr pix = normalize(std::move(raw));
    if (!pix) return fail(ErrorCode::kCorruptInput, label(index) + ": unsupported pixel layout");

    PageImage out;
    out.image = to_image(pix.get());
    // A resolution under 50 ppi is missing or a placeholder (e.g. a JFIF
    // aspect-ratio-only density of 1:1); anything else is taken as stated.
    out.dpi = xres >= 50 ? double(xres) : options_.default_image_dpi;
    if (options_.dpi_override) out.dpi = *options_.dpi_override;
    out.page_index = index;
    return out;
  }

  std::filesystem::path path_;
  SourceKind kind_;
  int pages_;
  Options options_;
};

}  // namespace

Result<std::unique_ptr<Document>> open_image(const std::filesystem::path& path, SourceKind kind,
                                             const Options& options) {
  int pages = 1;
  if (kind == SourceKind::kTiff) {
    QuietLeptonica quiet;
    FILE* fp = fopenReadStream(path.string().c_str());
    if (!fp) return fail(ErrorCode::kMissingFile, "cannot open input file: " + path.string());
    l_int32 n = 0;
    const bool ok = tiffGetCount(fp, &n) == 0;
    std::fclose(fp);
    if (!ok || n <= 0) return fail(ErrorCode::kCorruptInput, "cannot read TIFF directory: " + path.string());
    // libtiff stops silently at a broken directory chain; refuse a cut file
    // rather than lose its last pages without a word.
    if (!scan_tiff(path).complete)
      return fail(ErrorCode::kCorruptInput, "TIFF file is truncated or damaged: " + path.string());
    pages = n;
  }
  auto doc = std::make_unique<ImageDocument>(path, kind, pages, options);
  // PNG/JPEG files are a single page: refuse a bad, cut-short or oversized one
  // now. TIFF pages are size-checked one by one in render_page (a page that is
  // too large fails alone), but an unreadable first header fails the file.
  if (auto ok = doc->check_header(0); !ok) {
    if (kind != SourceKind::kTiff || ok.error().code == ErrorCode::kCorruptInput)
      return std::unexpected(ok.error());
  }
  return std::unique_ptr<Document>(std::move(doc));
}

}  // namespace scantab::raster::detail
