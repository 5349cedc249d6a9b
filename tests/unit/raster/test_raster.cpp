// raster stage tests: real files generated in a temp dir (OpenCV, Leptonica,
// cairo's PDF surface), opened and rendered with the real Poppler/Leptonica.
#include <gtest/gtest.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <leptonica/allheaders.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "raster/internal.hpp"
#include "raster/pdf_probe.hpp"
#include "raster/raster.hpp"

namespace fs = std::filesystem;
using namespace scantab;
using namespace scantab::raster;

namespace {

// A4 in PDF points, and a 200 dpi scan of it (1654 x 2339 pixels).
constexpr double kA4W = 595.2756, kA4H = 841.8898;
constexpr int kScanW = 1654, kScanH = 2339;

class RasterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "scantab_raster_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path file(const std::string& name) const { return dir_ / name; }

  static void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
  }
  static std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

// Pixel (x, y) of a gray or BGR image.
std::array<int, 3> px(const Image& im, int x, int y) {
  const std::uint8_t* p = im.row(y) + std::size_t(x) * im.channels;
  if (im.channels == 1) return {p[0], p[0], p[0]};
  return {p[0], p[1], p[2]};  // B, G, R
}

ErrorCode open_error(const fs::path& p, const Options& o = {}) {
  auto doc = open(p, o);
  EXPECT_FALSE(doc.has_value()) << p;
  return doc ? ErrorCode::kInternal : doc.error().code;
}

// ------------------------------------------------------------- PDF helpers
// A page-sized "scan": white with a black box at pixels x 200..599, y 300..499
// (and, if `red_stamp`, a red disc at 1200,400 like a 公章), painted so that it
// exactly fills an A4 page.
void draw_scan_page(cairo_t* cr, bool red_stamp) {
  cairo_surface_t* scan = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kScanW, kScanH);
  cairo_t* sc = cairo_create(scan);
  cairo_set_source_rgb(sc, 1, 1, 1);
  cairo_paint(sc);
  cairo_set_source_rgb(sc, 0, 0, 0);
  cairo_rectangle(sc, 200, 300, 400, 200);
  cairo_fill(sc);
  if (red_stamp) {
    cairo_set_source_rgb(sc, 0.9, 0.05, 0.05);
    cairo_arc(sc, 1200, 400, 120, 0, 6.2832);
    cairo_fill(sc);
  }
  cairo_destroy(sc);

  cairo_save(cr);
  cairo_scale(cr, kA4W / kScanW, kA4H / kScanH);
  cairo_set_source_surface(cr, scan, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(scan);
}

// Vector content only: a ruled box and a thick line.
void draw_vector_page(cairo_t* cr) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 2);
  cairo_rectangle(cr, 72, 72, 300, 200);
  cairo_stroke(cr);
}

// A small 100x100 px logo shown 1 inch wide: an image, but not a scan.
void draw_logo_page(cairo_t* cr) {
  draw_vector_page(cr);
  cairo_surface_t* logo = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100);
  cairo_t* lc = cairo_create(logo);
  cairo_set_source_rgb(lc, 0.2, 0.4, 0.8);
  cairo_paint(lc);
  cairo_destroy(lc);
  cairo_save(cr);
  cairo_translate(cr, 400, 600);
  cairo_scale(cr, 72.0 / 100, 72.0 / 100);
  cairo_set_source_surface(cr, logo, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(logo);
}

enum class PageKind { kGrayScan, kColorScan, kVector, kLogo, kLandscapeVector, kScanWithTitle };

void make_pdf(const fs::path& path, const std::vector<PageKind>& pages) {
  cairo_surface_t* pdf = cairo_pdf_surface_create(path.c_str(), kA4W, kA4H);
  cairo_t* cr = cairo_create(pdf);
  for (PageKind kind : pages) {
    const bool landscape = kind == PageKind::kLandscapeVector;
    cairo_pdf_surface_set_size(pdf, landscape ? kA4H : kA4W, landscape ? kA4W : kA4H);
    switch (kind) {
      case PageKind::kGrayScan: draw_scan_page(cr, false); break;
      case PageKind::kColorScan: draw_scan_page(cr, true); break;
      case PageKind::kVector:
      case PageKind::kLandscapeVector: draw_vector_page(cr); break;
      case PageKind::kLogo: draw_logo_page(cr); break;
      case PageKind::kScanWithTitle:
        draw_scan_page(cr, false);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, 24);
        cairo_move_to(cr, 100, 700);
        cairo_show_text(cr, "Budget 2023");
        break;
    }
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  ASSERT_EQ(cairo_surface_status(pdf), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(pdf);
}

// Frees cairo's and fontconfig's process-wide caches (filled by the toy text
// API in make_pdf) so LeakSanitizer under SCANTAB_SANITIZE reports only real leaks.
class CairoCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    cairo_debug_reset_static_data();
    FcFini();
  }
};
const auto* const kCairoCleanup = ::testing::AddGlobalTestEnvironment(new CairoCleanup);

// ------------------------------------------------------------- PNG helpers
std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}
std::string be32(std::uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
// PNG signature + a valid IHDR chunk (8-bit RGB) and nothing else: no pixels.
std::string png_header_only(std::uint32_t w, std::uint32_t h) {
  std::string body = "IHDR" + be32(w) + be32(h) + std::string{8, 2, 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + body + be32(crc32(body));
}

PIX* solid_pix(int w, int h, int depth, l_uint32 value, int dpi) {
  PIX* p = pixCreate(w, h, depth);
  pixSetAllArbitrary(p, value);
  if (dpi > 0) pixSetResolution(p, dpi, dpi);
  return p;
}

}  // namespace

// ============================================================ format checks
TEST(RasterSniff, MagicBytesDecideTheFormat) {
  auto sniff = [](const std::string& s) {
    return detail::sniff_format(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  EXPECT_EQ(sniff("%PDF-1.7\n..."), SourceKind::kPdf);
  EXPECT_EQ(sniff(std::string(100, ' ') + "%PDF-1.4"), SourceKind::kPdf);  // junk before header
  EXPECT_EQ(sniff(std::string("\x89PNG\r\n\x1a\n", 8)), SourceKind::kPng);
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE0"), SourceKind::kJpeg);
  EXPECT_EQ(sniff(std::string("II*\0", 4)), SourceKind::kTiff);
  EXPECT_EQ(sniff(std::string("MM\0*", 4)), SourceKind::kTiff);
  EXPECT_EQ(sniff("GIF89a"), std::nullopt);
  EXPECT_EQ(sniff("%PD"), std::nullopt);
  EXPECT_EQ(sniff("hello, this is text"), std::nullopt);
}

TEST(RasterSniff, PixelLimitHasNoOverflow) {
  EXPECT_FALSE(detail::exceeds_pixel_limit(100, 100, 10000));
  EXPECT_TRUE(detail::exceeds_pixel_limit(100, 101, 10000));
  EXPECT_TRUE(detail::exceeds_pixel_limit(4'000'000'000LL, 4'000'000'000LL, 200'000'000));
}

TEST_F(RasterTest, MissingEmptyTextAndDirectoryAreDistinctErrors) {
  EXPECT_EQ(open_error(file("nope.pdf")), ErrorCode::kMissingFile);

  write_bytes(file("empty.pdf"), "");
  EXPECT_EQ(open_error(file("empty.pdf")), ErrorCode::kEmptyFile);

  write_bytes(file("notes.pdf"), "部门预算 2023\nthis is only text\n");
  auto err = open(file("notes.pdf"));
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, ErrorCode::kUnsupportedFormat);
  EXPECT_NE(err.error().message.find("notes.pdf"), std::string::npos);

  EXPECT_EQ(open_error(dir_), ErrorCode::kUnsupportedFormat);
}

TEST_F(RasterTest, InvalidOptionsAreRefused) {
  make_pdf(file("v.pdf"), {PageKind::kVector});
  Options o;
  o.dpi_override = 0.0;
  EXPECT_EQ(open_error(file("v.pdf"), o), ErrorCode::kInternal);
  o = {};
  o.min_dpi = 700;  // above max_dpi
  EXPECT_EQ(open_error(file("v.pdf"), o), ErrorCode::kInternal);
}

// ============================================================ images
TEST_F(RasterTest, GrayPngWithoutDpiUsesDefaultImageDpi) {
  cv::Mat gray(120, 200, CV_8UC1, cv::Scalar(255));
  cv::rectangle(gray, cv::Rect(10, 20, 30, 40), cv::Scalar(0), cv::FILLED);
  ASSERT_TRUE(cv::imwrite(file("g.png").string(), gray));

  Options o;
  o.default_image_dpi = 240;
  auto doc = open(file("g.png"), o);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)->kind(), SourceKind::kPng);
  EXPECT_EQ((*doc)->page_count(), 1);
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->image.width, 200);
  EXPECT_EQ(page->image.height, 120);
  EXPECT_EQ(page->image.channels, 1);
  EXPECT_EQ(page->image.pixels.size(), 200u * 120u);
  EXPECT_DOUBLE_EQ(page->dpi, 240);
  EXPECT_EQ(px(page->image, 20, 30)[0], 0);
  EXPECT_EQ(px(page->image, 100, 100)[0], 255);
  EXPECT_FALSE((*doc)->render_page(1));  // out of range is an error, not a crash
}

TEST_F(RasterTest, PngKeepsItsDpiAndExtensionDoesNotMatter) {
  PIX* p = solid_pix(64, 48, 8, 128, 150);
  ASSERT_EQ(pixWrite(file("scan.jpg").c_str(), p, IFF_PNG), 0);  // PNG named .jpg
  pixDestroy(&p);
  auto doc = open(file("scan.jpg"));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)->kind(), SourceKind::kPng);
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_NEAR(page->dpi, 150, 0.5);
  EXPECT_EQ(page->image.channels, 1);
  EXPECT_EQ(px(page->image, 5, 5)[0], 128);
}

TEST_F(RasterTest, ColorJpegIsBgrWithItsDpi) {
  cv::Mat bgr(100, 160, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(bgr, cv::Rect(0, 0, 80, 100), cv::Scalar(0, 0, 255), cv::FILLED);  // red left half
  // Write with Leptonica so the JFIF density carries 200 dpi.
  PIX* p = pixCreate(160, 100, 32);
  for (int y = 0; y < 100; ++y)
    for (int x = 0; x < 160; ++x) {
      auto v = bgr.at<cv::Vec3b>(y, x);
      pixSetRGBPixel(p, x, y, v[2], v[1], v[0]);
    }
  pixSetResolution(p, 200, 200);
  ASSERT_EQ(pixWriteJpeg(file("c.jpg").c_str(), p, 95, 0), 0);
  pixDestroy(&p);

  auto doc = open(file("c.jpg"));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)->kind(), SourceKind::kJpeg);
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->image.channels, 3);
  EXPECT_EQ(page->image.width, 160);
  EXPECT_DOUBLE_EQ(page->dpi, 200);
  auto red = px(page->image, 30, 50);  // B, G, R
  EXPECT_GT(red[2], 200);
  EXPECT_LT(red[0], 60);
  EXPECT_LT(red[1], 60);
  auto white = px(page->image, 140, 50);
  EXPECT_GT(white[0], 230);
}

TEST_F(RasterTest, OpenCvJpegWithoutDensityGetsDefaultDpi) {
  cv::Mat gray(50, 70, CV_8UC1, cv::Scalar(200));
  ASSERT_TRUE(cv::imwrite(file("g.jpg").string(), gray));
  auto doc = open(file("g.jpg"));
  ASSERT_TRUE(doc) << doc.error().message;
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->image.channels, 1);
  EXPECT_DOUBLE_EQ(page->dpi, 300);  // OpenCV writes a 1:1 aspect density, not a dpi
}

TEST_F(RasterTest, PaletteSixteenBitAndAlphaPngsBecomeEightBit) {
  // Colour palette -> BGR; gray palette -> gray.
  PIX* pal = pixCreate(40, 30, 8);
  PIXCMAP* cmap = pixcmapCreate(8);
  pixcmapAddColor(cmap, 255, 255, 255);
  pixcmapAddColor(cmap, 0, 0, 255);  // blue
  pixSetColormap(pal, cmap);
  pixSetAllArbitrary(pal, 1);
  ASSERT_EQ(pixWrite(file("pal.png").c_str(), pal, IFF_PNG), 0);
  pixDestroy(&pal);
  auto pdoc = open(file("pal.png"));
  ASSERT_TRUE(pdoc) << pdoc.error().message;
  auto ppage = (*pdoc)->render_page(0);
  ASSERT_TRUE(ppage) << ppage.error().message;
  EXPECT_EQ(ppage->image.channels, 3);
  EXPECT_EQ(px(ppage->image, 3, 3)[0], 255);  // B
  EXPECT_EQ(px(ppage->image, 3, 3)[2], 0);    // R

  // 16-bit gray.
  cv::Mat g16(20, 30, CV_16UC1, cv::Scalar(65535));
  g16(cv::Rect(0, 0, 10, 20)).setTo(0);
  ASSERT_TRUE(cv::imwrite(file("g16.png").string(), g16));
  auto gdoc = open(file("g16.png"));
  ASSERT_TRUE(gdoc) << gdoc.error().message;
  auto gpage = (*gdoc)->render_page(0);
  ASSERT_TRUE(gpage) << gpage.error().message;
  EXPECT_EQ(gpage->image.channels, 1);
  EXPECT_EQ(px(gpage->image, 2, 2)[0], 0);
  EXPECT_EQ(px(gpage->image, 25, 2)[0], 255);

  // RGBA: fully transparent black is flattened onto white paper.
  cv::Mat rgba(20, 30, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  rgba(cv::Rect(15, 0, 15, 20)).setTo(cv::Scalar(0, 0, 0, 0));
  ASSERT_TRUE(cv::imwrite(file("rgba.png").string(), rgba));
  auto adoc = open(file("rgba.png"));
  ASSERT_TRUE(adoc) << adoc.error().message;
  auto apage = (*adoc)->render_page(0);
  ASSERT_TRUE(apage) << apage.error().message;
  ASSERT_EQ(apage->image.channels, 3);
  EXPECT_EQ(px(apage->image, 5, 5)[1], 0);
  EXPECT_EQ(px(apage->image, 25, 5)[1], 255);
}

TEST_F(RasterTest, MultiPageTiffWithMixedDepthsAndDpis) {
  const std::string path = file("scan.tif").string();
  // Page 1: 1-bit G4 at 300 dpi with one black pixel block; page 2: 8-bit gray
  // at 400 dpi; page 3: RGB at 150 dpi.
  PIX* bw = solid_pix(100, 80, 1, 0, 300);
  pixRasterop(bw, 10, 10, 20, 20, PIX_SET, nullptr, 0, 0);
  ASSERT_EQ(pixWriteTiff(path.c_str(), bw, IFF_TIFF_G4, "w"), 0);
  PIX* gray = solid_pix(50, 60, 8, 77, 400);
  ASSERT_EQ(pixWriteTiff(path.c_str(), gray, IFF_TIFF_ZIP, "a"), 0);
  PIX* rgb = solid_pix(30, 20, 32, 0x00FF0000, 150);  // pure green (R<<24|G<<16|B<<8)
  ASSERT_EQ(pixWriteTiff(path.c_str(), rgb, IFF_TIFF_ZIP, "a"), 0);
  pixDestroy(&bw);
  pixDestroy(&gray);
  pixDestroy(&rgb);

  auto doc = open(path);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)->kind(), SourceKind::kTiff);
  ASSERT_EQ((*doc)->page_count(), 3);

  auto p0 = (*doc)->render_page(0);
  ASSERT_TRUE(p0) << p0.error().message;
  EXPECT_EQ(p0->image.width, 100);
  EXPECT_EQ(p0->image.height, 80);
  EXPECT_EQ(p0->image.channels, 1);
  EXPECT_DOUBLE_EQ(p0->dpi, 300);
  EXPECT_EQ(px(p0->image, 15, 15)[0], 0);    // ink
  EXPECT_EQ(px(p0->image, 50, 50)[0], 255);  // paper
  EXPECT_EQ(p0->page_index, 0);

  auto p2 = (*doc)->render_page(2);  // pages in any order
  ASSERT_TRUE(p2) << p2.error().message;
  EXPECT_EQ(p2->image.width, 30);
  EXPECT_EQ(p2->image.channels, 3);
  EXPECT_DOUBLE_EQ(p2->dpi, 150);
  EXPECT_EQ(px(p2->image, 1, 1)[1], 255);
  EXPECT_EQ(px(p2->image, 1, 1)[2], 0);
  EXPECT_EQ(p2->page_index, 2);

  auto p1 = (*doc)->render_page(1);
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_EQ(p1->image.width, 50);
  EXPECT_EQ(p1->image.height, 60);
  EXPECT_EQ(px(p1->image, 0, 0)[0], 77);
  EXPECT_DOUBLE_EQ(p1->dpi, 400);
}

TEST_F(RasterTest, OpenCvMultiPageTiffCountsPages) {
  std::vector<cv::Mat> pages = {cv::Mat(40, 30, CV_8UC1, cv::Scalar(0)), cv::Mat(40, 30, CV_8UC1, cv::Scalar(128)),
                                cv::Mat(10, 20, CV_8UC3, cv::Scalar(255, 0, 0))};
  ASSERT_TRUE(cv::imwritemulti(file("cv.tiff").string(), pages));
  Options o;
  o.default_image_dpi = 250;
  auto doc = open(file("cv.tiff"), o);
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ((*doc)->page_count(), 3);
  auto last = (*doc)->render_page(2);
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(last->image.width, 20);
  EXPECT_EQ(last->image.channels, 3);
  EXPECT_EQ(px(last->image, 0, 0)[0], 255);  // blue stays in the B slot
  EXPECT_DOUBLE_EQ(last->dpi, 250);           // OpenCV stores no resolution
}

TEST_F(RasterTest, ProgressiveAndRestartJpegsAreComplete) {
  cv::Mat noise(200, 300, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(cv::imwrite(file("prog.jpg").string(), noise, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  ASSERT_TRUE(cv::imwrite(file("rst.jpg").string(), noise, {cv::IMWRITE_JPEG_RST_INTERVAL, 4}));
  for (const char* name : {"prog.jpg", "rst.jpg"}) {
    const auto header = detail::scan_jpeg(file(name));
    EXPECT_EQ(header.width, 300) << name;
    EXPECT_EQ(header.height, 200) << name;
    EXPECT_TRUE(header.complete) << name;
    auto doc = open(file(name));
    ASSERT_TRUE(doc) << doc.error().message;
    auto page = (*doc)->render_page(0);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->image.channels, 3);
  }
}

TEST_F(RasterTest, OversizedTiffPageFailsAloneWithoutBreakingTheDocument) {
  const std::string path = file("mixed.tif").string();
  PIX* small = solid_pix(20, 20, 8, 10, 300);
  PIX* big = solid_pix(100, 100, 8, 20, 300);
  ASSERT_EQ(pixWriteTiff(path.c_str(), small, IFF_TIFF_ZIP, "w"), 0);
  ASSERT_EQ(pixWriteTiff(path.c_str(), big, IFF_TIFF_ZIP, "a"), 0);
  pixDestroy(&small);
  pixDestroy(&big);

  Options o;
  o.max_pixels = 1000;
  auto doc = open(path, o);
  ASSERT_TRUE(doc) << doc.error().message;
  auto p1 = (*doc)->render_page(1);
  ASSERT_FALSE(p1);
  EXPECT_EQ(p1.error().code, ErrorCode::kTooLarge);
  auto p0 = (*doc)->render_page(0);
  ASSERT_TRUE(p0) << p0.error().message;
  EXPECT_EQ(p0->image.width, 20);
}

TEST_F(RasterTest, HugePngHeaderIsRefusedBeforeDecoding) {
  // 60000 x 60000 RGB would need ~10 GB; the file is 33 bytes with no pixels.
  write_bytes(file("huge.png"), png_header_only(60000, 60000));
  auto doc = open(file("huge.png"));
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(doc.error().message.find("60000x60000"), std::string::npos);
}

TEST_F(RasterTest, HeaderOnlyPngOfSaneSizeIsCorrupt) {
  write_bytes(file("nopix.png"), png_header_only(100, 100));
  testing::internal::CaptureStderr();
  auto doc = open(file("nopix.png"));
  ErrorCode code = doc ? ErrorCode::kInternal : doc.error().code;
  if (doc) {
    auto page = (*doc)->render_page(0);
    ASSERT_FALSE(page);
    code = page.error().code;
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(code, ErrorCode::kCorruptInput);
}

TEST_F(RasterTest, TruncatedImagesAreCorruptAndQuiet) {
  cv::Mat noise(300, 400, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(cv::imwrite(file("full.png").string(), noise));
  ASSERT_TRUE(cv::imwrite(file("full.jpg").string(), noise));
  // Two-page TIFF: a cut file must not silently lose its second page.
  ASSERT_TRUE(cv::imwritemulti(file("full.tif").string(), std::vector<cv::Mat>{noise, noise}));
  for (const char* ext : {"png", "jpg", "tif"}) {
    const std::string bytes = read_bytes(file(std::string("full.") + ext));
    for (double fraction : {0.3, 0.6, 0.97}) {
      const fs::path cut = file(std::string("cut.") + ext);
      write_bytes(cut, bytes.substr(0, std::size_t(bytes.size() * fraction)));
      testing::internal::CaptureStderr();
      auto doc = open(cut);
      ErrorCode code = ErrorCode::kInternal;
      if (!doc) {
        code = doc.error().code;
      } else {
        for (int i = 0; i < (*doc)->page_count() && code == ErrorCode::kInternal; ++i)
          if (auto page = (*doc)->render_page(i); !page) code = page.error().code;
      }
      EXPECT_EQ(testing::internal::GetCapturedStderr(), "") << ext << " " << fraction;
      EXPECT_EQ(code, ErrorCode::kCorruptInput) << ext << " " << fraction;
    }
  }
}

// ============================================================ PDF
TEST(RasterPlan, ScanDpiCoverageClampAndOverride) {
  detail::PageProbe probe{kA4W, kA4H, {}};
  Options o;
  o.default_pdf_dpi = 150;
  EXPECT_DOUBLE_EQ(detail::plan_pdf_page(probe, o).dpi, 150);  // no images
  EXPECT_FALSE(detail::plan_pdf_page(probe, o).scanned);

  probe.images.push_back({kScanW, kScanH, kA4W, kA4H, kA4W * kA4H, 1});
  auto plan = detail::plan_pdf_page(probe, o);
  EXPECT_TRUE(plan.scanned);
  EXPECT_TRUE(plan.gray);
  EXPECT_NEAR(plan.dpi, 200, 0.1);

  o.max_dpi = 180;
  EXPECT_DOUBLE_EQ(detail::plan_pdf_page(probe, o).dpi, 180);
  o = {};
  o.min_dpi = 250;
  EXPECT_DOUBLE_EQ(detail::plan_pdf_page(probe, o).dpi, 250);
  o.dpi_override = 72;
  EXPECT_DOUBLE_EQ(detail::plan_pdf_page(probe, o).dpi, 72);  // override is not clamped

  // Four horizontal strips of a 300 dpi scan: together they cover the page.
  detail::PageProbe strips{612, 792, {}};
  for (int i = 0; i < 4; ++i) strips.images.push_back({2550, 825, 612, 198, 612 * 198.0, 3});
  auto sp = detail::plan_pdf_page(strips, Options{});
  EXPECT_TRUE(sp.scanned);
  EXPECT_FALSE(sp.gray);
  EXPECT_NEAR(sp.dpi, 300, 0.1);

  // A logo covering a few percent of the page is not a scan.
  detail::PageProbe logo{612, 792, {{100, 100, 72, 72, 72 * 72.0, 3}}};
  EXPECT_FALSE(detail::plan_pdf_page(logo, Options{}).scanned);

  // A scan with visible text on top (a cover photo under a title) keeps its
  // text sharp: no less than default_pdf_dpi. An invisible OCR layer does not count.
  detail::PageProbe cover = probe;
  cover.images[0].pixel_width = 945;  // a 945x709 photo stretched over A4
  cover.images[0].pixel_height = 709;
  EXPECT_NEAR(detail::plan_pdf_page(cover, Options{}).dpi, 114.3, 0.1);
  cover.visible_text_runs = 3;
  EXPECT_DOUBLE_EQ(detail::plan_pdf_page(cover, Options{}).dpi, 300);

  // Fax-like anisotropic scan: the finer axis wins (no detail is lost).
  detail::PageProbe fax{612, 792, {{1734, 1079, 612, 792, 612 * 792.0, 1}}};
  EXPECT_NEAR(detail::plan_pdf_page(fax, Options{}).dpi, 204, 0.1);
}

TEST_F(RasterTest, ScannedPdfRendersAtTheImageResolution) {
  make_pdf(file("scan.pdf"), {PageKind::kGrayScan});
  auto doc = open(file("scan.pdf"));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)->kind(), SourceKind::kPdf);
  ASSERT_EQ((*doc)->page_count(), 1);
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_NEAR(page->dpi, 200, 0.5);
  EXPECT_NEAR(page->image.width, kScanW, 1);
  EXPECT_NEAR(page->image.height, kScanH, 1);
  EXPECT_EQ(page->image.channels, 1);  // a gray scan renders gray
  EXPECT_EQ(page->page_index, 0);
  // Samples land ~1:1: the box drawn at scan pixels x 200..599, y 300..499.
  EXPECT_LT(px(page->image, 400, 400)[0], 40);
  EXPECT_LT(px(page->image, 205, 305)[0], 40);
  EXPECT_GT(px(page->image, 400, 600)[0], 215);
  EXPECT_GT(px(page->image, 100, 100)[0], 215);
}

TEST_F(RasterTest, ColorScanRendersBgr) {
  make_pdf(file("stamp.pdf"), {PageKind::kColorScan});
  auto doc = open(file("stamp.pdf"));
  ASSERT_TRUE(doc) << doc.error().message;
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->image.channels, 3);
  auto stamp = px(page->image, 1200, 400);  // B, G, R
  EXPECT_GT(stamp[2], 180);
  EXPECT_LT(stamp[0], 60);
}

TEST_F(RasterTest, VectorPdfUsesDefaultDpiAndOverrideWins) {
  make_pdf(file("vec.pdf"), {PageKind::kVector});
  Options o;
  o.default_pdf_dpi = 150;
  auto doc = open(file("vec.pdf"), o);
  ASSERT_TRUE(doc) << doc.error().message;
  auto page = (*doc)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_DOUBLE_EQ(page->dpi, 150);
  EXPECT_NEAR(page->image.width, kA4W * 150 / 72, 1);
  EXPECT_NEAR(page->image.height, kA4H * 150 / 72, 1);
  EXPECT_EQ(page->image.channels, 3);
  // The stroked box's left edge at x = 72 pt = 150 px, from y 150..567 px.
  EXPECT_LT(px(page->image, 150, 300)[1], 100);
  EXPECT_GT(px(page->image, 300, 300)[1], 240);

  make_pdf(file("scan.pdf"), {PageKind::kGrayScan});
  Options forced;
  forced.dpi_override = 100;
  auto sdoc = open(file("scan.pdf"), forced);
  ASSERT_TRUE(sdoc) << sdoc.error().message;
  auto spage = (*sdoc)->render_page(0);
  ASSERT_TRUE(spage) << spage.error().message;
  EXPECT_DOUBLE_EQ(spage->dpi, 100);
  EXPECT_NEAR(spage->image.width, kA4W * 100 / 72, 1);
}

TEST_F(RasterTest, MultiPagePdfPlansEachPage) {
  make_pdf(file("multi.pdf"),
           {PageKind::kGrayScan, PageKind::kLandscapeVector, PageKind::kLogo, PageKind::kColorScan,
            PageKind::kScanWithTitle});
  Options o;
  o.default_pdf_dpi = 120;
  auto doc = open(file("multi.pdf"), o);
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ((*doc)->page_count(), 5);

  auto p1 = (*doc)->render_page(1);  // landscape vector page
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_DOUBLE_EQ(p1->dpi, 120);
  EXPECT_GT(p1->image.width, p1->image.height);
  EXPECT_EQ(p1->page_index, 1);

  auto p2 = (*doc)->render_page(2);  // a small logo is not a scan
  ASSERT_TRUE(p2) << p2.error().message;
  EXPECT_DOUBLE_EQ(p2->dpi, 120);

  auto p0 = (*doc)->render_page(0);
  ASSERT_TRUE(p0) << p0.error().message;
  EXPECT_NEAR(p0->dpi, 200, 0.5);

  auto p3 = (*doc)->render_page(3);
  ASSERT_TRUE(p3) << p3.error().message;
  EXPECT_NEAR(p3->dpi, 200, 0.5);
  EXPECT_EQ(p3->image.channels, 3);

  Options high;
  high.default_pdf_dpi = 250;  // visible text on a 200 dpi scan: rendered at 250
  auto hdoc = open(file("multi.pdf"), high);
  ASSERT_TRUE(hdoc) << hdoc.error().message;
  auto p4 = (*hdoc)->render_page(4);
  ASSERT_TRUE(p4) << p4.error().message;
  EXPECT_DOUBLE_EQ(p4->dpi, 250);
  auto h0 = (*hdoc)->render_page(0);  // the same scan without text stays at 200
  ASSERT_TRUE(h0) << h0.error().message;
  EXPECT_NEAR(h0->dpi, 200, 0.5);

  EXPECT_FALSE((*doc)->render_page(5));
  EXPECT_FALSE((*doc)->render_page(-1));
}

TEST_F(RasterTest, OversizedPdfPageFailsAlone) {
  make_pdf(file("two.pdf"), {PageKind::kGrayScan, PageKind::kVector});
  Options o;
  o.max_pixels = 1'000'000;  // 200 dpi A4 is 3.9 Mpx; 100 dpi is 0.97 Mpx
  o.default_pdf_dpi = 100;
  auto doc = open(file("two.pdf"), o);
  ASSERT_TRUE(doc) << doc.error().message;
  auto p0 = (*doc)->render_page(0);
  ASSERT_FALSE(p0);
  EXPECT_EQ(p0.error().code, ErrorCode::kTooLarge);
  auto p1 = (*doc)->render_page(1);
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_DOUBLE_EQ(p1->dpi, 100);
}

TEST_F(RasterTest, TruncatedPdfIsCorruptAndQuiet) {
  make_pdf(file("full.pdf"), {PageKind::kGrayScan, PageKind::kVector});
  const std::string bytes = read_bytes(file("full.pdf"));
  for (double fraction : {0.5, 0.9, 0.02}) {
    const fs::path cut = file("cut.pdf");
    write_bytes(cut, bytes.substr(0, std::size_t(bytes.size() * fraction)));
    testing::internal::CaptureStderr();
    auto doc = open(cut);
    const std::string err = testing::internal::GetCapturedStderr();
    ASSERT_FALSE(doc) << "fraction " << fraction;
    EXPECT_EQ(doc.error().code, ErrorCode::kCorruptInput) << doc.error().message;
    EXPECT_EQ(err, "") << "Poppler must not write to stderr";
  }
}

TEST_F(RasterTest, EncryptedPdfIsRefusedButOwnerOnlyEncryptionOpens) {
  const fs::path data = RASTER_TEST_DATA;
  auto locked = open(data / "encrypted_user_password.pdf");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kEncrypted);

  auto owner_only = open(data / "encrypted_owner_only.pdf");
  ASSERT_TRUE(owner_only) << owner_only.error().message;
  auto page = (*owner_only)->render_page(0);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_NEAR(page->image.width, 200 * 300 / 72.0, 1);  // 200 pt wide at the default 300 dpi
}

TEST_F(RasterTest, PdfWithoutXrefButCompleteStillOpens) {
  // Hand-written PDF with no xref table: Poppler rebuilds it; the file ends
  // with %%EOF, so it is damaged-but-complete, not truncated.
  testing::internal::CaptureStderr();
  auto doc = open(fs::path(RASTER_TEST_DATA) / "source_plain.pdf");
  ASSERT_TRUE(doc) << doc.error().message;
  auto page = (*doc)->render_page(0);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_TRUE(page) << page.error().message;
  // The black rectangle 20..180 x 20..80 pt (PDF y up) at 300 dpi.
  EXPECT_LT(px(page->image, 400, 200)[1], 40);
  EXPECT_GT(px(page->image, 20, 20)[1], 240);
}

// Deterministically damaged copies of every format (bytes overwritten, cut,
// header fields garbled) must yield a page or a typed error, never a crash,
// an exception or kInternal. (Run under SCANTAB_SANITIZE for memory errors.)
TEST_F(RasterTest, DamagedFilesNeverCrash) {
  cv::Mat noise(64, 80, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(cv::imwrite(file("s.png").string(), noise));
  ASSERT_TRUE(cv::imwrite(file("s.jpg").string(), noise));
  ASSERT_TRUE(cv::imwritemulti(file("s.tif").string(), std::vector<cv::Mat>{noise, noise}));
  make_pdf(file("s.pdf"), {PageKind::kVector, PageKind::kLogo});

  cv::RNG rng(12345);
  for (const char* name : {"s.png", "s.jpg", "s.tif", "s.pdf"}) {
    const std::string original = read_bytes(file(name));
    for (int trial = 0; trial < 25; ++trial) {
      std::string bytes = original;
      const int edits = 1 + rng.uniform(0, 8);
      for (int e = 0; e < edits; ++e) {
        // Bias edits towards headers/directories: first 64 bytes or anywhere.
        const int limit = rng.uniform(0, 2) ? std::min<int>(64, int(bytes.size())) : int(bytes.size());
        bytes[std::size_t(rng.uniform(0, limit))] = char(rng.uniform(0, 256));
      }
      if (trial % 5 == 4) bytes.resize(std::size_t(rng.uniform(1, int(bytes.size()))));
      const fs::path damaged = file(std::string("d_") + name);
      write_bytes(damaged, bytes);
      Options o;
      o.max_pixels = 50'000'000;
      auto doc = open(damaged, o);
      if (!doc) {
        EXPECT_NE(doc.error().code, ErrorCode::kInternal) << name << " trial " << trial << ": " << doc.error().message;
        continue;
      }
      for (int i = 0; i < std::min(3, (*doc)->page_count()); ++i) {
        auto page = (*doc)->render_page(i);
        if (!page) {
          EXPECT_NE(page.error().code, ErrorCode::kInternal) << name << " trial " << trial;
        } else {
          EXPECT_EQ(page->image.pixels.size(),
                    std::size_t(page->image.width) * page->image.height * page->image.channels);
        }
      }
    }
  }
}

// ------------------------------------------------- scanned-page fast path
namespace {

// A scanner-like PDF page as tools/synth writes it: a JPEG (DCTDecode) of
// `width` x `height` samples at `dpi` filling the page, whose size cairo is
// told per page (it then clips to the page rounded down to whole points);
// `overlay` also strokes a vector line over the scan.
void write_jpeg_scan_pdf(const fs::path& path, int width, int height, double dpi, bool color, bool overlay) {
  cv::Mat pixels(height, width, CV_8UC3);
  cv::RNG rng(width * 7 + height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      pixels.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(200 + (x * 37 + y) % 50), uchar(230 + rng.uniform(0, 25)),
                                             uchar(180 + (y * 13) % 70));
  for (int i = 0; i < 40; ++i)  // dark "glyphs", some touching the right and bottom edges
    cv::rectangle(pixels, cv::Rect(rng.uniform(0, width - 8), rng.uniform(0, height - 8), 9, 17),
                  cv::Scalar::all(rng.uniform(0, 60)), cv::FILLED);
  cv::rectangle(pixels, cv::Rect(width - 5, height / 3, 5, 200), cv::Scalar::all(20), cv::FILLED);
  cv::rectangle(pixels, cv::Rect(width / 3, height - 4, 300, 4), cv::Scalar::all(20), cv::FILLED);
  if (!color) cv::cvtColor(pixels, pixels, cv::COLOR_BGR2GRAY);
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", pixels, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});

  const double w_pt = width * 72.0 / dpi, h_pt = height * 72.0 / dpi;
  cairo_surface_t* pdf = cairo_pdf_surface_create(path.c_str(), w_pt, h_pt);
  cairo_pdf_surface_set_size(pdf, w_pt, h_pt);
  cairo_t* cr = cairo_create(pdf);
  cv::Mat bgra;
  cv::cvtColor(pixels, bgra, color ? cv::COLOR_BGR2BGRA : cv::COLOR_GRAY2BGRA);
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush(image);
  for (int y = 0; y < height; ++y)
    std::memcpy(cairo_image_surface_get_data(image) + std::size_t(y) * cairo_image_surface_get_stride(image),
                bgra.ptr(y), std::size_t(width) * 4);
  cairo_surface_mark_dirty(image);
  auto* bytes = static_cast<unsigned char*>(std::malloc(jpeg.size()));
  std::memcpy(bytes, jpeg.data(), jpeg.size());
  cairo_surface_set_mime_data(image, CAIRO_MIME_TYPE_JPEG, bytes, jpeg.size(), std::free, bytes);
  cairo_save(cr);
  cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
  cairo_set_source_surface(cr, image, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  if (overlay) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, 50, 50);
    cairo_line_to(cr, 300, 50);
    cairo_stroke(cr);
  }
  cairo_show_page(cr);
  cairo_surface_destroy(image);
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  cairo_surface_destroy(pdf);
}

// Page 0 of `path` rendered with or without the fast path.
Image render_first_page(const fs::path& path, bool directly, double* dpi = nullptr) {
  Options options;
  options.decode_scans_directly = directly;
  auto doc = open(path, options);
  EXPECT_TRUE(doc) << doc.error().message;
  if (!doc) return {};
  auto page = (*doc)->render_page(0);
  EXPECT_TRUE(page) << page.error().message;
  if (!page) return {};
  if (dpi) *dpi = page->dpi;
  return std::move(page->image);
}

}  // namespace

// The fast path must give Poppler's pixels exactly, edges and clips included,
// over page geometries whose clip edges cut the last pixel column by every
// quarter, in gray and in colour; and it must actually be taken.
TEST_F(RasterTest, JpegScanDecodedDirectlyMatchesPopplerByteForByte) {
  struct Geometry {
    int width, height;
    double dpi;
    bool color;
  };
  const Geometry geometries[] = {
      {2480, 3508, 300, false}, {1654, 2339, 200, true}, {1240, 1754, 150, false}, {3508, 2480, 300, false},
      {2339, 1654, 200, true},  {1237, 1754, 150, true}, {1333, 1887, 200, false}, {1777, 2518, 300, false},
      {1240, 1754, 240, false}, {1654, 2340, 300, true}, {2001, 2835, 400, false}, {1000, 1420, 200, false},
  };
  int direct = 0;
  for (const Geometry& g : geometries) {
    SCOPED_TRACE(::testing::Message() << g.width << "x" << g.height << " at " << g.dpi << " dpi"
                                      << (g.color ? " colour" : " gray"));
    const fs::path pdf = file("scan.pdf");
    write_jpeg_scan_pdf(pdf, g.width, g.height, g.dpi, g.color, false);
    double dpi = 0;
    const Image fast = render_first_page(pdf, true, &dpi);
    const Image poppler = render_first_page(pdf, false);
    ASSERT_EQ(fast.width, poppler.width);
    ASSERT_EQ(fast.height, poppler.height);
    ASSERT_EQ(fast.channels, poppler.channels);
    EXPECT_TRUE(fast.pixels == poppler.pixels);

    auto prober = detail::PdfProber::open(pdf);
    ASSERT_TRUE(prober);
    auto scan = (*prober)->scan_jpeg(0, dpi);
    ASSERT_TRUE(scan);
    if (scan->has_value()) ++direct;
  }
  // All are decoded directly but three whose clip (the page rounded down to
  // whole points) ends exactly on a pixel edge, 1775, 1650 and 2000 px, where
  // the fast path declines (ScanGrabber::place_clip) rather than bet on a
  // rounding: 1777x2518 at 300 dpi, 1654x2340 at 300, 2001x2835 at 400.
  EXPECT_EQ(direct, 9);
}

// A scan with anything drawn over it is left to Poppler.
TEST_F(RasterTest, ScanWithVectorMarksIsRenderedByPoppler) {
  const fs::path pdf = file("marked.pdf");
  write_jpeg_scan_pdf(pdf, 1654, 2339, 200, false, true);
  auto prober = detail::PdfProber::open(pdf);
  ASSERT_TRUE(prober);
  auto scan = (*prober)->scan_jpeg(0, 200);
  ASSERT_TRUE(scan);
  EXPECT_FALSE(scan->has_value());
  EXPECT_TRUE(render_first_page(pdf, true).pixels == render_first_page(pdf, false).pixels);
}
