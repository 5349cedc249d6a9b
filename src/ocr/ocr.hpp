// ocr: the only code that includes Tesseract.
//
// An Engine wraps one tesseract::TessBaseAPI and is NOT thread-safe: use one
// Engine per thread (EnginePool hands them out). Engines are created once and
// reused across cells and pages.
//
// Threads: Tesseract's LSTM uses OpenMP internally. Engine::create limits
// OpenMP to one thread per engine (OMP_THREAD_LIMIT=1 for child processes,
// and omp_set_max_active_levels(0) for this process, because libgomp reads
// its environment when it is loaded, before any of our code runs), so that
// parallelism comes from running several engines, one per worker thread.
//
// Usage:
//   auto engine = ocr::Engine::create();          // Result<unique_ptr<Engine>>
//   if (!engine) return std::unexpected(engine.error());
//   CellText t = (*engine)->recognize(crop, 300.0, ocr::Hint::kNumber);
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace scantab::ocr {

struct Options {
  // Tesseract language(s) for text ("+"-separated).
  std::string language = "chi_sim";
  // Model for Hint::kNumber cells. eng reads amounts clearly better than
  // chi_sim or chi_sim+eng (see tests/unit/ocr/README.md). "" = `language`;
  // when it is not installed, `language` is used.
  std::string number_language = "eng";
  std::filesystem::path tessdata_dir;  // empty = $TESSDATA_PREFIX or the system location

  // --- crop preparation (defaults tuned with tests/unit/ocr/bench_ocr)
  // Height in pixels that one line's ink is scaled to before recognition:
  // CJK character height for text, digit height for numbers.
  int text_line_height_px = 32;
  int number_line_height_px = 28;
  // White margin added on every side, as a fraction of the target height.
  double margin_fraction = 0.5;
  // Binarize (Otsu) the scaled crop; otherwise Tesseract gets it in gray.
  bool binarize = true;
};

// What the caller knows about a crop; chooses page-segmentation mode and
// character constraints.
enum class Hint {
  kTextBlock,  // a table cell: one or several lines of text, keep line order
  kTextLine,   // exactly one line (titles, captions)
  kNumber,     // an amount or code: digits and number punctuation
};

// A crop of the page (gray, 0 = ink, 255 = paper; BGR is converted; an empty
// or malformed image reads as blank) at `dpi` (<= 0 means 300), with its ink
// analysis (Otsu mask, remnant and speck removal, text lines) made on first
// use and then shared by is_blank, looks_like_digits, leading_comparison_sign
// and Engine::recognize / read_once, which otherwise each analyse the crop
// again. The Image overloads of those functions make a Crop for one call.
// Holds its own pixels (pass an rvalue to move them in). Not thread-safe: one
// thread at a time.
class Crop {
 public:
  Crop(Image gray, double dpi);
  ~Crop();
  Crop(Crop&&) noexcept;
  Crop& operator=(Crop&&) noexcept;
  const Image& image() const { return image_; }  // 1-channel gray; empty when the input was unusable
  double dpi() const;

  struct Analysis;  // defined in ocr.cpp

 private:
  Image image_;
  std::unique_ptr<Analysis> analysis_;
  friend bool is_blank(const Crop&);
  friend bool looks_like_digits(const Crop&);
  friend char32_t leading_comparison_sign(const Crop&, int*);
  friend std::optional<bool> begins_with_dash(const Crop&);
  friend class Engine;
};

// True when a gray crop (0 = ink, 255 = paper) holds no text: after ignoring a
// thin frame at the crop edge (remnants of ruling lines, about 1/75 inch) no
// dark blob is at least as large as a printed full stop at `dpi`.
bool is_blank(const Image& gray, double dpi = 300.0);
bool is_blank(const Crop& crop);

// True when a gray crop's ink looks like an amount or code and nothing else,
// judged from glyph shapes alone (no recognition): in every text line each
// glyph (8-connected ink blob) is either
//  - a mark: small (under 0.45x the line height both ways: . , and the
//    pieces of %), or flat (under 0.3x the line height tall: a minus sign);
//  - or digit-like: narrower than 0.8x its own height (a digit, or a piece
//    of one broken by the scan);
// and the tallest digit-like glyph reaches 0.6x the line height. CJK text
// nearly always has a blob about as wide as tall (口, 日, most whole
// characters) or a long flat stroke. Used to send amount cells straight to
// the number path; a wrong true only costs one extra reading, because the
// number path's confidence and format checks send doubtful cells on to the
// text model.
bool looks_like_digits(const Image& gray, double dpi = 300.0);
bool looks_like_digits(const Crop& crop);

// The comparison sign that begins the first text line of a gray crop, judged
// from the shape of the line's first glyph (the ink up to the first blank
// column): U'≥' / U'≤' for a chevron opening left / right with a bar beneath,
// U'>' / U'<' without the bar; 0 when the first glyph is not such a chevron.
// The chi_sim model reads these signs before a number as 之, 乏, 和, 乐 or
// ">>"; performance indicators (≥95%, ≤200万元) depend on them. When a sign
// is found and glyph_end is given, *glyph_end = the first column (crop
// coordinates, px) right of the sign's glyph.
char32_t leading_comparison_sign(const Image& gray, double dpi = 300.0, int* glyph_end = nullptr);
char32_t leading_comparison_sign(const Crop& crop, int* glyph_end = nullptr);

// Whether the first glyph of a crop's first text line (the ink up to the
// first blank column) is shaped like a minus sign: a bar at least a quarter
// of the line's height long and at most half as tall as it is long. A speck
// before an amount (rough scans), which OCR reads as "-", is not.
// nullopt when the crop holds no usable ink.
std::optional<bool> begins_with_dash(const Crop& crop);

// Tesseract's orientation and script detection (OSD, osd.traineddata) on a
// whole page: gray (0 = ink, 255 = paper; BGR accepted) at `dpi`.
// rotation_degrees: the clockwise quarter turn (0/90/180/270) that makes the
// page upright; confidence: Tesseract's orient_conf (about 15 = reasonably
// confident; it is not bounded by 1); script: e.g. "Han". Fails with
// kMissingDependency when osd.traineddata is not installed, kInternal when
// OSD finds too little text. Thread-safe (one shared OSD engine, locked).
// See osd.cpp.
struct OrientationGuess {
  int rotation_degrees = 0;
  double confidence = 0;
  std::string script;
};
Result<OrientationGuess> detect_orientation(const Image& gray, double dpi,
                                            const std::filesystem::path& tessdata_dir = {});

class Engine {
 public:
  // Fails with kMissingDependency when the language data is not installed
  // or Tesseract cannot load it.
  static Result<std::unique_ptr<Engine>> create(const Options& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // gray: a crop of the page, 0 = ink, 255 = paper, ruling lines already
  // erased (3-channel BGR is accepted and converted). dpi: of the crop.
  // Returns UTF-8 text with the spaces Tesseract puts between CJK characters
  // removed, lines top to bottom joined with '\n'; confidence = mean word
  // confidence / 100. Text (not kNumber) that contains CJK gets the
  // fullwidth punctuation the documents print: （）：；， for ASCII ( ) : ; ,
  // next to CJK. kNumber text has no spaces. A blank crop gives {"", 1.0} without running Tesseract;
  // an internal failure gives {"", 0.0}.
  CellText recognize(const Image& gray, double dpi, Hint hint);
  CellText recognize(const Crop& crop, Hint hint);

  // Which of the engine's two models reads: the text model (Options::language)
  // or the number model (Options::number_language; the text model when that
  // one is not installed).
  enum class Model { kText, kNumber };
  // One reading without retries, for cross-checking an amount: the crop
  // prepared as in recognize() but with the line scaled to `scale` x the
  // tuned height (binarized at 1.0, gray otherwise), read by `model`. With
  // Hint::kNumber the digit whitelist applies to either model. Same contract
  // for blank crops and failures as recognize().
  CellText read_once(const Image& gray, double dpi, Hint hint, Model model, double scale = 1.0);
  CellText read_once(const Crop& crop, Hint hint, Model model, double scale = 1.0);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Thread-safe pool: acquire() returns an engine for exclusive use until the
// lease is destroyed. Creates engines lazily, up to `max_engines`, and blocks
// when all of them are leased. Every lease must end before the pool does.
class EnginePool {
 public:
  EnginePool(Options options, int max_engines);
  ~EnginePool();
  EnginePool(const EnginePool&) = delete;
  EnginePool& operator=(const EnginePool&) = delete;

  class Lease {
   public:
    Lease(EnginePool* pool, std::unique_ptr<Engine> engine);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Engine& operator*() { return *engine_; }
    Engine* operator->() { return engine_.get(); }

   private:
    EnginePool* pool_;
    std::unique_ptr<Engine> engine_;
  };
  // Fails (with Engine::create's error) only when a new engine is needed and
  // cannot be created.
  Result<Lease> acquire();
  // Like acquire(), but never waits: nullopt when every engine the pool may
  // have is leased. For helpers that are only worth starting on an idle engine.
  Result<std::optional<Lease>> try_acquire();

 private:
  // acquire() (wait) or try_acquire() (!wait).
  Result<std::optional<Lease>> take(bool wait);
  void release(std::unique_ptr<Engine> engine);
  Options options_;
  int max_engines_;
  int created_ = 0;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Engine>> idle_;
  std::condition_variable available_;
};

}  // namespace scantab::ocr
