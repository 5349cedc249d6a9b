// ocr: the only code that includes Tesseract.
//
// An Engine wraps one tesseract::TessBaseAPI and is NOT thread-safe: use one
// Engine per thread (EnginePool hands them out). Engines are created once and
// reused across cells and pages.
#pragma once

#include <filesystem>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace scantab::ocr {

struct Options {
  std::string language = "chi_sim";
  std::filesystem::path tessdata_dir;  // empty = Tesseract's default location
};

// What the caller knows about a crop; chooses page-segmentation mode and
// character constraints.
enum class Hint {
  kTextBlock,  // a table cell: one or several lines of text, keep line order
  kTextLine,   // exactly one line (titles, captions)
  kNumber,     // an amount or code: digits and number punctuation
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> create(const Options& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // gray: a crop of the page, 0 = ink, 255 = paper, ruling lines already
  // erased. dpi: of the crop. Returns UTF-8 text with the spaces Tesseract
  // puts between CJK characters removed, lines joined with '\n'.
  CellText recognize(const Image& gray, double dpi, Hint hint);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Thread-safe pool: acquire() returns an engine for exclusive use until the
// lease is destroyed. Creates engines lazily, up to `max_engines`.
class EnginePool {
 public:
  EnginePool(Options options, int max_engines);
  ~EnginePool();

  class Lease {
   public:
    Lease(EnginePool* pool, std::unique_ptr<Engine> engine);
    Lease(Lease&&) noexcept = default;
    ~Lease();
    Engine& operator*() { return *engine_; }
    Engine* operator->() { return engine_.get(); }
   private:
    EnginePool* pool_;
    std::unique_ptr<Engine> engine_;
  };
  Result<Lease> acquire();

 private:
  friend class Lease;
  void release(std::unique_ptr<Engine> engine);
  Options options_;
  int max_engines_;
  int created_ = 0;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Engine>> idle_;
  std::condition_variable available_;
};

}  // namespace scantab::ocr
