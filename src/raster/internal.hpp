// raster internals shared by the .cpp files of this stage (not a public API;
// tests may include it). Core types only: Poppler and Leptonica stay in .cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raster/raster.hpp"

namespace scantab::raster::detail {

// Format decided from the first bytes of a file. nullopt = not a supported format.
std::optional<SourceKind> sniff_format(const unsigned char* bytes, std::size_t size);

// Pixel budget check shared by every format: w*h (no overflow) <= max_pixels.
bool exceeds_pixel_limit(long long width, long long height, long long max_pixels);

// What a hand-written header/structure scan found (image_headers.cpp).
// width/height are 0 when the header is unreadable; complete is true when the
// file's structure runs intact to its end marker (PNG IEND after IDAT, JPEG
// EOI), i.e. the file is not truncated. Pixel data is not decoded.
struct ImageHeader {
  long long width = 0, height = 0;
  bool complete = false;
};
ImageHeader scan_png(const std::filesystem::path& path);
ImageHeader scan_jpeg(const std::filesystem::path& path);
// TIFF directory-chain walk: pages found and whether every directory, value
// and strip/tile lies inside the file (i.e. not truncated).
struct TiffStructure {
  int pages = 0;
  bool complete = false;
};
TiffStructure scan_tiff(const std::filesystem::path& path);

// Open functions per format. `path` exists, is non-empty and has the magic of `kind`.
Result<std::unique_ptr<Document>> open_pdf(const std::filesystem::path& path, const Options& options);
Result<std::unique_ptr<Document>> open_image(const std::filesystem::path& path, SourceKind kind,
                                             const Options& options);

// ---------------------------------------------------------------- PDF page probe
// One image drawn on a PDF page, measured in the page's rotated frame in points
// (1/72 inch), origin at a page corner.
struct PlacedImage {
  int pixel_width = 0, pixel_height = 0;   // the image's own samples
  double shown_width_pt = 0;               // length of the image's x axis on the page
  double shown_height_pt = 0;              // length of the image's y axis on the page
  double visible_area_pt2 = 0;             // bounding box clipped to the page, in pt^2
  int components = 1;                      // colour components (1 = gray/bilevel/mask)
};

struct PageProbe {
  double width_pt = 0, height_pt = 0;  // displayed page (crop box after /Rotate)
  std::vector<PlacedImage> images;
  int visible_text_runs = 0;  // text-showing operators not in invisible/clip-only mode
};

// How a page will be rendered, decided from its probe.
struct PdfRenderPlan {
  double dpi = 300;
  bool scanned = false;  // the page is covered by raster image(s)
  bool gray = false;     // render 1-channel: every image on a scanned page is 1-component
};

// The rule (pure, unit-tested):
//  * a page is "scanned" when its images cover >= 50% of the page area
//    (sum of each image's visible box; scanners sometimes emit strips);
//  * its dpi is the largest-area image's own resolution,
//    max(pixel_width / shown_width_in, pixel_height / shown_height_in), so the
//    render maps image samples ~1:1; clamped to [min_dpi, max_dpi];
//  * but a page that also shows visible text (a cover photo under a title,
//    not an OCR layer, which is invisible: render mode 3) is rendered at no
//    less than default_pdf_dpi, so its vector text stays sharp;
//  * other pages use default_pdf_dpi; options.dpi_override wins over everything.
PdfRenderPlan plan_pdf_page(const PageProbe& probe, const Options& options);

// ---------------------------------------------------------------- scanned-page fast path
// A PDF page that is nothing but one 8-bit JPEG (DCTDecode) scan drawn
// upright from the page's top-left corner over the whole page (clipped at
// most by a rectangle from that corner): what Splash
// would do with it at the render dpi, so that the page can be decoded and
// scaled here instead (pdf_document.cpp). Found by PdfProber::scan_jpeg.
struct ScanJpeg {
  std::vector<unsigned char> bytes;          // the DCTDecode filter's input: a JPEG file
  int components = 1;                        // 1 = DeviceGray, 3 = DeviceRGB
  int pixel_width = 0, pixel_height = 0;     // the JPEG's samples
  int scaled_width = 0, scaled_height = 0;   // Splash's upscaled image, drawn at (0, 0)
  int page_width = 0, page_height = 0;       // Splash's page bitmap
  // What the page's clips leave (PdfProber's ScanGrabber::place_clip): rows
  // [0, visible_height); columns [0, edge_column) in full, column
  // edge_column blended over the paper with coverage edge_coverage (0-255),
  // the paper (white) beyond. edge_column = page_width: nothing clipped.
  int visible_height = 0;
  int edge_column = 0, edge_coverage = 255;
};

// The pixels Splash (Poppler 22) draws for an image of `src` samples upscaled
// to scaled_width x scaled_height (each >= the source size, < 2x) at the
// origin of a page_width x page_height bitmap: bilinear interpolation,
// rows first expanded along x, then rows interpolated along y, each step
// truncated to 8 bits, the sample positions advancing by src/scaled from 0.
// Byte-identical to Poppler's rendering (tests/unit/raster). Any channel count.
Image splash_upscale(const Image& src, int scaled_width, int scaled_height, int page_width, int page_height);

}  // namespace scantab::raster::detail
