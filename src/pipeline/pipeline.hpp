// pipeline: composes the stages into `convert`: file -> DocumentResult.
//
//   raster::open -> per page: preprocess::prepare -> grid::detect ->
//   (cells and caption lines) ocr::Engine via EnginePool -> structure::assemble ->
//   repair::repair_table; per document repair::vote_document
//
// Pages are processed one after another; the cells of a page are recognized in
// parallel by `threads` workers, each holding its own Tesseract engine. The
// Converter keeps its engines across documents, so a batch pays Tesseract's
// start-up once per thread.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

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

 private:
  Result<PageResult> convert_page(const PageImage& page, const std::string& stem,
                                  const preprocess::Options& preprocess_options);
  // convert_page, then the upside-down check (see pipeline.cpp).
  Result<PageResult> convert_page_upright(const PageImage& page, const std::string& stem);
  Options options_;
  std::unique_ptr<ocr::EnginePool> engines_;
};

}  // namespace scantab::pipeline
