// pipeline: composes the stages into `convert`: file -> DocumentResult.
//
//   raster::open -> per page: preprocess::prepare -> grid::detect ->
//   (cells and caption lines) ocr::Engine via EnginePool -> structure::assemble ->
//   repair::repair_table; per document repair::vote_document
//
// Up to `threads` pages are processed at once (convert_all), and the cells of
// a page are recognized in parallel on the engines that are idle; each
// Tesseract engine serves one thread at a time. The Converter keeps its
// engines across documents, so a batch pays Tesseract's start-up once per
// engine.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "grid/grid.hpp"
#include "ocr/ocr.hpp"
#include "preprocess/preprocess.hpp"
#include "raster/raster.hpp"
#include "repair/repair.hpp"

namespace scantab::pipeline {

struct Options {
  raster::Options raster;
  preprocess::Options preprocess;
  grid::Options grid;
  ocr::Options ocr;
  repair::Options repair;
  int threads = 0;                       // 0 = all hardware threads
  std::filesystem::path debug_dir;       // empty = no debug images
};

class Converter {
 public:
  explicit Converter(Options options);
  ~Converter();

  // Converts one input file. A page that fails on its own (e.g. too large)
  // becomes a page note and a document issue; the other pages carry on.
  // Errors that make the whole file unreadable are returned.
  Result<DocumentResult> convert(const std::filesystem::path& input);

  // Converts several inputs with up to `threads` pages in flight at once:
  // each worker takes the next page (of the current document, then of the
  // next one), converts it whole, and the cells of a page also spread over
  // engines that are idle. A document is finished (stitched, voted) when its
  // last page is done, and on_done(index into inputs, result) is called then:
  // from a worker thread, one call at a time, in completion order. Inputs are
  // opened one at a time, only when their first page is due. After language
  // data turns out to be missing, no further input is started (on_done is not
  // called for those).
  using DocumentDone = std::function<void(std::size_t index, Result<DocumentResult> result)>;
  void convert_all(const std::vector<std::filesystem::path>& inputs, const DocumentDone& on_done);

 private:
  // orientation_unsure (optional): set to PreparedPage::orientation_unsure.
  // debug_dir: where this attempt's stage pictures go (empty: none).
  Result<PageResult> convert_page(const PageImage& page, const std::string& stem,
                                  const preprocess::Options& preprocess_options, const std::filesystem::path& debug_dir,
                                  bool* orientation_unsure = nullptr);
  // convert_page, then the upside-down check (see pipeline.cpp).
  Result<PageResult> convert_page_upright(const PageImage& page, const std::string& stem);
  // Renders page `index` (holding render_mutex) and converts it upright;
  // exceptions become kInternal errors.
  Result<PageResult> convert_one_page(raster::Document& source, std::mutex& render_mutex, int index,
                                      const std::string& stem);
  Options options_;
  std::unique_ptr<ocr::EnginePool> engines_;
};

}  // namespace scantab::pipeline
