#include "output/output.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"

namespace scantab::output {
namespace {

using nlohmann::json;

json rect_json(const Rect& r) { return json::array({r.x, r.y, r.width, r.height}); }

json issues_json(const std::vector<Issue>& issues) {
  json out = json::array();
  for (const Issue& issue : issues) out.push_back({{"code", issue.code}, {"message", issue.message}});
  return out;
}

// Confidence rounded to 3 decimals keeps the JSON readable and diff-stable.
double round3(double v) { return static_cast<double>(static_cast<long long>(v * 1000.0 + 0.5)) / 1000.0; }

json cell_json(const Cell& cell) {
  return {{"row", cell.row},           {"col", cell.col},           {"rowSpan", cell.row_span},
          {"colSpan", cell.col_span},  {"bbox", rect_json(cell.box)}, {"text", cell.text},
          {"ocr_text", cell.ocr_text}, {"confidence", round3(cell.confidence)},
          {"issues", issues_json(cell.issues)}};
}

json table_json(const Table& table, int index) {
  json cells = json::array();
  for (const Cell& cell : table.cells) cells.push_back(cell_json(cell));
  json row_pages = json::array();
  for (int page : table.row_pages) row_pages.push_back(page + 1);
  return {{"page", table.page_index + 1},
          {"row_pages", std::move(row_pages)},
          {"index", index},
          {"title", table.title},
          {"unit", table.unit},
          {"department", table.department},
          {"caption_lines", table.caption_lines},
          {"notes", table.notes},
          {"gridKind", table.grid_kind},
          {"bbox", rect_json(table.bbox)},
          {"rows", table.rows},
          {"cols", table.cols},
          {"issues", issues_json(table.issues)},
          {"cells", std::move(cells)}};
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  bool quote = text.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string to_json(const DocumentResult& doc) {
  json pages = json::array();
  int table_index = 0;
  for (const PageResult& page : doc.pages) {
    json tables = json::array();
    for (const Table& table : page.tables) tables.push_back(table_json(table, table_index++));
    pages.push_back({{"page", page.page_index + 1},
                     {"width", page.width},
                     {"height", page.height},
                     {"dpi", page.dpi},
                     {"skew_degrees", round3(page.skew_degrees)},
                     {"rotation_degrees", page.rotation_degrees},
                     {"notes", page.notes},
                     {"tables", std::move(tables)}});
  }
  json root = {{"scantab_version", SCANTAB_VERSION},
               {"source", doc.source},
               {"pages", std::move(pages)},
               {"issues", issues_json(doc.issues)}};
  return root.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string to_html(const DocumentResult& doc) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #888;padding:2px 6px}}"
      "caption{{font-weight:bold}}.meta{{color:#555}}.low{{background:#fde2e2}}</style>\n</head>\n<body>\n",
      escape_html(doc.name));
  int table_index = 0;
  for (const PageResult& page : doc.pages) {
    for (const Table& table : page.tables) {
      std::string last_page;
      if (!table.row_pages.empty() && table.row_pages.back() != table.page_index)
        last_page = fmt::format(" data-last-page=\"{}\"", table.row_pages.back() + 1);
      out += fmt::format("<table data-page=\"{}\"{} data-index=\"{}\" data-grid-kind=\"{}\">\n<caption>{}</caption>\n",
                         table.page_index + 1, last_page, table_index++, escape_html(table.grid_kind),
                         escape_html(table.title));
      if (!table.department.empty() || !table.unit.empty())
        out += fmt::format("<!-- 部门名称：{} 单位：{} -->\n", escape_html(table.department),
                           escape_html(table.unit));
      int current_row = -1;
      for (const Cell& cell : table.cells) {
        if (cell.row != current_row) {
          if (current_row >= 0) out += "</tr>\n";
          out += "<tr>";
          current_row = cell.row;
        }
        out += "<td";
        if (cell.row_span > 1) out += fmt::format(" rowspan=\"{}\"", cell.row_span);
        if (cell.col_span > 1) out += fmt::format(" colspan=\"{}\"", cell.col_span);
        if (!cell.issues.empty()) out += " class=\"low\"";
        out += ">" + escape_html(cell.text) + "</td>";
      }
      if (current_row >= 0) out += "</tr>\n";
      out += "</table>\n";
      for (const std::string& note : table.notes) out += "<p class=\"meta\">" + escape_html(note) + "</p>\n";
    }
    for (const std::string& note : page.notes)
      out += fmt::format("<p class=\"meta\">page {}: {}</p>\n", page.page_index + 1, escape_html(note));
  }
  out += "</body>\n</html>\n";
  return out;
}

std::string table_to_csv(const Table& table) {
  std::vector<std::vector<std::string>> grid(table.rows, std::vector<std::string>(table.cols));
  for (const Cell& cell : table.cells)
    if (cell.row < table.rows && cell.col < table.cols) grid[cell.row][cell.col] = cell.text;
  std::string out;
  for (const auto& row : grid) {
    for (int c = 0; c < table.cols; ++c) {
      if (c) out += ',';
      out += csv_field(row[c]);
    }
    out += "\r\n";
  }
  return out;
}

Result<WrittenFiles> write_document(const DocumentResult& doc, const std::filesystem::path& out_dir) {
  WrittenFiles files;
  files.json = out_dir / (doc.name + ".json");
  files.html = out_dir / (doc.name + ".html");
  if (auto ok = write_file_atomically(files.json, to_json(doc)); !ok) return std::unexpected(ok.error());
  if (auto ok = write_file_atomically(files.html, to_html(doc)); !ok) return std::unexpected(ok.error());
  for (const PageResult& page : doc.pages) {
    int k = 0;
    for (const Table& table : page.tables) {
      auto path = out_dir / fmt::format("{}_p{}_t{}.csv", doc.name, page.page_index + 1, ++k);
      if (auto ok = write_file_atomically(path, table_to_csv(table)); !ok) return std::unexpected(ok.error());
      files.csv.push_back(path);
    }
  }
  return files;
}

}  // namespace scantab::output
