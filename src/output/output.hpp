// output: DocumentResult -> files (JSON, HTML, CSV).
//
// Every file is written through write_file_atomically (temp file + rename),
// so an interrupted run never leaves a half-written output.
//
// JSON schema (NAME.json), also used by ground truth and by `scantab eval`:
//   {"scantab_version", "source", "pages": [{"page" (1-based), "width", "height",
//    "dpi", "skew_degrees", "rotation_degrees", "notes": [..],
//    "tables": [{"page", "row_pages" (1-based page of each row; empty unless
//      the table was stitched over pages), "index" (0-based within the document), "title", "unit",
//      "department", "caption_lines", "notes", "gridKind", "bbox": [x,y,w,h],
//      "rows", "cols", "issues": [{code,message}],
//      "cells": [{"row","col","rowSpan","colSpan","bbox","text","ocr_text",
//                 "confidence","issues"}]}]}],
//    "issues": [..]}
// "gridKind" says how the table's grid was found: "ruled" (every cell edge a
// ruling line), "partial" (some ruling lines: no outer vertical borders, or
// horizontal rules only; missing columns from text alignment) or "whitespace"
// (no ruling: columns from aligned gaps, rows from text lines). The HTML
// carries it as the table's data-grid-kind attribute.
// Pixel boxes are in the prepared (upright, deskewed) page frame.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace scantab::output {

std::string to_json(const DocumentResult& doc);       // pretty-printed, UTF-8
std::string to_html(const DocumentResult& doc);       // a standalone UTF-8 page
std::string table_to_csv(const Table& table);         // RFC 4180; a merged cell's text sits in its top-left position

struct WrittenFiles {
  std::filesystem::path json, html;
  std::vector<std::filesystem::path> csv;  // one per table, in reading order
};

// Writes NAME.json, NAME.html and NAME_p<page>_t<k>.csv (page 1-based, k 1-based
// within the page) into out_dir, which must exist.
Result<WrittenFiles> write_document(const DocumentResult& doc, const std::filesystem::path& out_dir);

}  // namespace scantab::output
