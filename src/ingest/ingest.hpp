// ingest: tables produced by other tools -> scantab::Table.
//
// Reads (1) text dumps of disclosures in which tables appear as tab-separated
// lines (one row per line, or one cell per line with a blank line between
// rows, as in seed 001), Markdown pipe tables, or HTML <table> markup; and
// (2) scantab's own NAME.json. Rows are grouped into tables by the text lines
// between them: a table's title is the last caption-like line above it,
// `部门名称：`/`单位名称：` give the department, `单位：万元` the unit, and
// `注：…` lines right below it become its notes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace scantab::ingest {

struct Document {
  std::string source;               // path as given
  std::vector<Table> tables;        // in reading order; cells are 1x1 unless the input had spans
  std::vector<std::string> notes;   // what the reader noticed (e.g. "3 HTML tables")
};

// Text dump (TSV / Markdown / HTML mixed). Never fails: text without tables gives none.
Document parse_text(std::string_view text, std::string source = {});
// scantab's own NAME.json (pages -> tables -> cells).
Result<Document> parse_scantab_json(std::string_view json, std::string source = {});
// Reads a file and picks the parser by content (a JSON object with "pages" -> scantab JSON).
Result<Document> read_file(const std::filesystem::path& path);

// Cell text clean-up shared with forms: drops markup residue (<p>, <th>, <b>, **),
// trims, and removes spaces between two CJK characters ("财政资 金" -> "财政资金").
std::string clean_cell(std::string_view text);

}  // namespace scantab::ingest
