// eval model: table JSON -> EvalDocument, validating the lattice.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "eval/eval.hpp"

namespace scantab::eval {
namespace {

using nlohmann::json;

// Reads an optional integer key; fails when present with a non-integer type.
Result<int> get_int(const json& obj, const char* key, int fallback, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return fail(ErrorCode::kCorruptInput, where + ": \"" + key + "\" is not an integer");
  return it->get<int>();
}

Result<std::string> get_string(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(ErrorCode::kCorruptInput, where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

bool is_flagged(const json& cell) {
  if (auto it = cell.find("issues"); it != cell.end() && (it->is_array() || it->is_object()) && !it->empty())
    return true;
  if (auto it = cell.find("confidence"); it != cell.end() && it->is_number() && it->get<double>() < 0.5)
    return true;
  return false;
}

Result<EvalTable> parse_table(const json& jt, const std::string& where) {
  if (!jt.is_object()) return fail(ErrorCode::kCorruptInput, where + ": not an object");
  EvalTable table;
  auto title = get_string(jt, "title", where);
  if (!title) return std::unexpected(title.error());
  table.title = *title;

  auto jcells = jt.find("cells");
  if (jcells != jt.end() && !jcells->is_null() && !jcells->is_array())
    return fail(ErrorCode::kCorruptInput, where + ": \"cells\" is not an array");
  int max_row = 0, max_col = 0;
  if (jcells != jt.end() && jcells->is_array()) {
    for (std::size_t i = 0; i < jcells->size(); ++i) {
      const json& jc = (*jcells)[i];
      std::string cw = where + " cell " + std::to_string(i);
      if (!jc.is_object()) return fail(ErrorCode::kCorruptInput, cw + ": not an object");
      EvalCell cell;
      auto row = get_int(jc, "row", -1, cw), col = get_int(jc, "col", -1, cw);
      auto rs = get_int(jc, "rowSpan", 1, cw), cs = get_int(jc, "colSpan", 1, cw);
      auto text = get_string(jc, "text", cw);
      for (auto* r : {&row, &col, &rs, &cs})
        if (!*r) return std::unexpected(r->error());
      if (!text) return std::unexpected(text.error());
      cell.row = *row, cell.col = *col, cell.row_span = *rs, cell.col_span = *cs;
      cell.text = *text;
      cell.flagged = is_flagged(jc);
      if (cell.row < 0 || cell.col < 0 || cell.row_span < 1 || cell.col_span < 1)
        return fail(ErrorCode::kCorruptInput, cw + ": missing position or span < 1");
      max_row = std::max(max_row, cell.row + cell.row_span);
      max_col = std::max(max_col, cell.col + cell.col_span);
      table.cells.push_back(std::move(cell));
    }
  }
  auto rows = get_int(jt, "rows", max_row, where), cols = get_int(jt, "cols", max_col, where);
  if (!rows) return std::unexpected(rows.error());
  if (!cols) return std::unexpected(cols.error());
  table.rows = *rows, table.cols = *cols;
  if (table.rows < 0 || table.cols < 0 || 1LL * table.rows * table.cols > 4'000'000)
    return fail(ErrorCode::kCorruptInput, where + ": implausible rows x cols");
  if (max_row > table.rows || max_col > table.cols)
    return fail(ErrorCode::kCorruptInput, where + ": a cell lies outside the rows x cols lattice");

  // Each lattice position may be owned by at most one cell.
  std::vector<char> owned(std::size_t(table.rows) * table.cols, 0);
  for (const EvalCell& c : table.cells)
    for (int r = c.row; r < c.row + c.row_span; ++r)
      for (int k = c.col; k < c.col + c.col_span; ++k) {
        char& o = owned[std::size_t(r) * table.cols + k];
        if (o) {
          return fail(ErrorCode::kCorruptInput, where + ": cells overlap at row " + std::to_string(r) +
                                                    ", col " + std::to_string(k));
        }
        o = 1;
      }
  std::sort(table.cells.begin(), table.cells.end(), [](const EvalCell& a, const EvalCell& b) {
    return std::pair(a.row, a.col) < std::pair(b.row, b.col);
  });
  return table;
}

}  // namespace

Result<EvalDocument> parse_document(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(ErrorCode::kCorruptInput, "not valid JSON");
  if (!j.is_object()) return fail(ErrorCode::kCorruptInput, "top level is not an object");
  EvalDocument doc;
  auto source = get_string(j, "source", "document");
  auto profile = get_string(j, "profile", "document");
  if (!source) return std::unexpected(source.error());
  if (!profile) return std::unexpected(profile.error());
  doc.source = *source;
  if (!profile->empty()) doc.profile = *profile;

  auto jpages = j.find("pages");
  if (jpages == j.end() || !jpages->is_array())
    return fail(ErrorCode::kCorruptInput, "\"pages\" is missing or not an array");
  for (std::size_t p = 0; p < jpages->size(); ++p) {
    const json& jp = (*jpages)[p];
    std::string where = "page entry " + std::to_string(p);
    if (!jp.is_object()) return fail(ErrorCode::kCorruptInput, where + ": not an object");
    EvalPage page;
    auto number = get_int(jp, "page", int(p) + 1, where);
    auto page_profile = get_string(jp, "profile", where);
    if (!number) return std::unexpected(number.error());
    if (!page_profile) return std::unexpected(page_profile.error());
    page.page = *number;
    page.profile = page_profile->empty() ? doc.profile : *page_profile;
    auto jtables = jp.find("tables");
    if (jtables != jp.end() && !jtables->is_null()) {
      if (!jtables->is_array()) return fail(ErrorCode::kCorruptInput, where + ": \"tables\" is not an array");
      for (std::size_t t = 0; t < jtables->size(); ++t) {
        auto table = parse_table((*jtables)[t], where + " table " + std::to_string(t));
        if (!table) return std::unexpected(table.error());
        page.tables.push_back(std::move(*table));
      }
    }
    doc.pages.push_back(std::move(page));
  }
  return doc;
}

Result<EvalDocument> load_document(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return fail(ErrorCode::kMissingFile, path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kMissingFile, path.string() + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.empty()) return fail(ErrorCode::kEmptyFile, path.string() + ": empty file");
  auto doc = parse_document(text);
  if (!doc) return fail(doc.error().code, path.string() + ": " + doc.error().message);
  return doc;
}

}  // namespace scantab::eval
