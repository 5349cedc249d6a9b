#include "ingest/ingest.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

namespace scantab::ingest {
namespace {

using Row = std::vector<std::string>;

std::string trim(std::string_view s) {
  auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  std::string out(s.substr(b, e - b));
  // U+3000 ideographic space and NBSP at the ends.
  for (const char* ws : {"\xE3\x80\x80", "\xC2\xA0"}) {
    std::string w(ws);
    while (out.starts_with(w)) out.erase(0, w.size());
    while (out.ends_with(w)) out.erase(out.size() - w.size());
  }
  return out;
}

bool is_cjk_at(const std::string& s, std::size_t i) {  // 3-byte UTF-8 sequence in E2..EF
  return i < s.size() && (unsigned char)s[i] >= 0xE2 && (unsigned char)s[i] <= 0xEF;
}
bool cjk_ends_before(const std::string& s, std::size_t i) {
  return i >= 3 && (unsigned char)s[i - 3] >= 0xE2 && (unsigned char)s[i - 3] <= 0xEF;
}

bool is_markdown_separator(std::string_view line) {
  bool dash = false;
  for (char c : line) {
    if (c == '-') dash = true;
    else if (c != '|' && c != ':' && c != ' ') return false;
  }
  return dash;
}

Row split_markdown(std::string_view line) {
  std::string s = trim(line);
  if (s.starts_with('|')) s.erase(0, 1);
  if (s.ends_with('|')) s.pop_back();
  Row row;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '|') { row.push_back(trim(s.substr(start, i - start))); start = i + 1; }
  return row;
}

Row split_tabs(std::string_view line) {
  Row row;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == '\t') { row.push_back(trim(line.substr(start, i - start))); start = i + 1; }
  return row;
}

// Strips "[bookmark: …]" and similar converter residue from text lines.
std::string clean_line(std::string_view line) {
  static const std::regex bookmark(R"(\[bookmark:[^\]]*\])");
  return trim(std::regex_replace(std::string(line), bookmark, ""));
}

// Text after the first full- or half-width colon.
std::string after_colon(const std::string& line) {
  std::size_t full = line.find("："), half = line.find(':');
  if (full != std::string::npos && (half == std::string::npos || full < half)) return trim(line.substr(full + 3));
  return half == std::string::npos ? line : trim(line.substr(half + 1));
}

bool starts_with_any(const std::string& s, std::initializer_list<const char*> prefixes) {
  for (const char* p : prefixes) if (s.starts_with(p)) return true;
  return false;
}

// Builds tables from a stream of rows and text lines.
class Assembler {
 public:
  void text_line(const std::string& raw) {
    std::string line = clean_line(raw);
    if (line.empty()) return;
    if (open_ && starts_with_any(line, {"注：", "注:"})) { tables_.back().notes.push_back(line); return; }
    close();
    if (starts_with_any(line, {"部门名称：", "部门名称:", "单位名称：", "单位名称:", "编制单位：", "编制单位:",
                               "编制部门：", "编制部门:"})) {
      department_ = after_colon(line);
      return;
    }
    if (starts_with_any(line, {"单位：", "单位:", "金额单位："})) {
      unit_ = after_colon(line);
      return;
    }
    captions_.push_back(line);
    if (captions_.size() > 6) captions_.erase(captions_.begin());
  }
  void row(Row cells) {
    bool any = false;
    for (auto& c : cells) any = any || !clean_cell(c).empty();
    if (!open_) {
      if (!any) return;
      open_ = true;
      Table t;
      t.caption_lines = captions_;
      t.title = pick_title(captions_);
      t.department = department_;
      t.unit = unit_;
      tables_.push_back(std::move(t));
      captions_.clear();
      department_.clear();
      unit_.clear();
    }
    Table& t = tables_.back();
    int r = t.rows++;
    t.cols = std::max<int>(t.cols, int(cells.size()));
    for (int c = 0; c < int(cells.size()); ++c) {
      Cell cell;
      cell.row = r;
      cell.col = c;
      cell.text = clean_cell(cells[c]);
      cell.ocr_text = cells[c];  // as the other tool wrote it (markup residue kept)
      cell.confidence = 1.0;
      t.cells.push_back(std::move(cell));
    }
  }
  void close() { open_ = false; }
  std::vector<Table> finish() {
    // Pad ragged rows so that every lattice position has one cell.
    for (Table& t : tables_) {
      std::vector<Cell> padded;
      std::size_t k = 0;
      for (int r = 0; r < t.rows; ++r)
        for (int c = 0; c < t.cols; ++c) {
          if (k < t.cells.size() && t.cells[k].row == r && t.cells[k].col == c) { padded.push_back(t.cells[k++]); continue; }
          Cell empty;
          empty.row = r;
          empty.col = c;
          empty.confidence = 1.0;
          padded.push_back(empty);
        }
      t.cells = std::move(padded);
    }
    return std::move(tables_);
  }

 private:
  // The title is the last caption line that names a table ("…表"), else the last line.
  static std::string pick_title(const std::vector<std::string>& captions) {
    for (auto it = captions.rbegin(); it != captions.rend(); ++it) {
      std::string s = *it;
      if (s.find("表") != std::string::npos && s.size() < 200 && !s.starts_with("（") && !s.starts_with("("))
        return s;
    }
    return captions.empty() ? "" : captions.back();
  }
  std::vector<Table> tables_;
  std::vector<std::string> captions_;
  std::string department_, unit_;
  bool open_ = false;
};

// Minimal HTML table reader: <tr> rows, <td>/<th> cells, colspan expanded with empty cells.
void parse_html_table(const std::string& html, Assembler& out) {
  static const std::regex tr(R"(<tr[^>]*>([\s\S]*?)</tr>)", std::regex::icase);
  static const std::regex td(R"(<t([dh])([^>]*)>([\s\S]*?)</t[dh]>)", std::regex::icase);
  static const std::regex colspan(R"(colspan\s*=\s*"?(\d+))", std::regex::icase);
  static const std::regex tags(R"(<[^>]*>)");
  for (std::sregex_iterator r(html.begin(), html.end(), tr), end; r != end; ++r) {
    Row row;
    std::string inner = (*r)[1];
    for (std::sregex_iterator c(inner.begin(), inner.end(), td); c != end; ++c) {
      row.push_back(trim((*c)[3].str()));
      std::smatch m;
      std::string attrs = (*c)[2];
      if (std::regex_search(attrs, m, colspan))
        for (int k = 1; k < std::min(50, std::stoi(m[1])); ++k) row.emplace_back();
    }
    out.row(std::move(row));
  }
  out.close();
}

}  // namespace

std::string clean_cell(std::string_view text) {
  static const std::regex markup(R"(</?(p|th|td|b|strong|br|span|div)\b[^>]*>|\*\*)", std::regex::icase);
  std::string s = std::regex_replace(std::string(text), markup, " ");
  s = trim(s);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') {
      std::size_t j = i;
      while (j < s.size() && s[j] == ' ') ++j;
      if (cjk_ends_before(s, i) && is_cjk_at(s, j)) { i = j - 1; continue; }  // CJK<spaces>CJK
      out += ' ';
      i = j - 1;
      continue;
    }
    out += s[i];
  }
  return out;
}

Document parse_text(std::string_view text, std::string source) {
  Document doc;
  doc.source = std::move(source);
  Assembler as;
  std::string all(text);
  std::istringstream in(all);
  std::string line;
  std::optional<Row> cell_row;  // one-cell-per-line rows ("\tcell" lines, blank line ends the row)
  std::string html;
  int html_tables = 0;
  auto flush_cell_row = [&] {
    if (!cell_row) return;
    bool caption = false;
    for (const auto& c : *cell_row)
      caption = caption || c.starts_with("单位：") || c.starts_with("预算年度") || c.starts_with("截止时间");
    if (caption) for (const auto& c : *cell_row) as.text_line(c);
    else as.row(std::move(*cell_row));
    cell_row.reset();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!html.empty() || line.find("<table") != std::string::npos) {
      html += line + "\n";
      if (line.find("</table>") != std::string::npos) {
        flush_cell_row();
        parse_html_table(html, as);
        html.clear();
        ++html_tables;
      }
      continue;
    }
    std::string t = trim(line);
    if (t.empty() && line.find('\t') != std::string::npos) {  // "\t" alone: an empty cell (seed 001)
      if (!cell_row) cell_row.emplace();
      cell_row->emplace_back();
      continue;
    }
    if (t.empty()) { flush_cell_row(); continue; }  // blank lines do not end a table (page breaks)
    if (t.starts_with('|')) {
      flush_cell_row();
      if (!is_markdown_separator(t)) as.row(split_markdown(t));
      continue;
    }
    std::size_t tab = line.find('\t');
    if (tab != std::string::npos) {
      // "\tcell" with no further tab: seed-001 style, one cell per line.
      if (line.find_first_not_of(" \t") == std::string::npos) {  // "\t" alone: an empty cell
        if (!cell_row) cell_row.emplace();
        cell_row->emplace_back();
        continue;
      }
      bool single = line.find('\t', tab + 1) == std::string::npos &&
                    (tab == 0 || trim(line.substr(tab + 1)).empty());
      if (single) {
        if (!cell_row) cell_row.emplace();
        cell_row->push_back(trim(tab == 0 ? line.substr(1) : line.substr(0, tab)));
        continue;
      }
      flush_cell_row();
      as.row(split_tabs(line));
      continue;
    }
    flush_cell_row();
    as.text_line(t);
  }
  flush_cell_row();
  doc.tables = as.finish();
  if (html_tables) doc.notes.push_back(std::to_string(html_tables) + " HTML table(s)");
  return doc;
}

Result<Document> parse_scantab_json(std::string_view json, std::string source) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pages"))
    return fail(ErrorCode::kCorruptInput, "not a scantab JSON document");
  Document doc;
  doc.source = std::move(source);
  try {
    for (const auto& page : j["pages"]) {
      for (const auto& jt : page.value("tables", nlohmann::json::array())) {
        Table t;
        t.page_index = page.value("page", page.value("page_index", 0));
        t.title = jt.value("title", "");
        t.unit = jt.value("unit", "");
        t.department = jt.value("department", "");
        t.rows = jt.value("rows", 0);
        t.cols = jt.value("cols", 0);
        for (const auto& n : jt.value("notes", nlohmann::json::array())) t.notes.push_back(n.get<std::string>());
        for (const auto& n : jt.value("caption_lines", nlohmann::json::array()))
          t.caption_lines.push_back(n.get<std::string>());
        for (const auto& jc : jt.value("cells", nlohmann::json::array())) {
          Cell c;
          c.row = jc.value("row", 0);
          c.col = jc.value("col", 0);
          c.row_span = jc.value("rowSpan", 1);
          c.col_span = jc.value("colSpan", 1);
          c.text = clean_cell(jc.value("text", ""));
          c.ocr_text = jc.value("ocr_text", c.text);
          c.confidence = jc.value("confidence", 1.0);
          t.cells.push_back(std::move(c));
        }
        doc.tables.push_back(std::move(t));
      }
    }
  } catch (const std::exception& e) {
    return fail(ErrorCode::kCorruptInput, std::string("malformed scantab JSON: ") + e.what());
  }
  return doc;
}

Result<Document> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail(ErrorCode::kMissingFile, path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kCorruptInput, path.string() + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  if (data.empty()) return fail(ErrorCode::kEmptyFile, path.string() + ": empty file");
  std::size_t first = data.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && data[first] == '{') return parse_scantab_json(data, path.string());
  return parse_text(data, path.string());
}

}  // namespace scantab::ingest
