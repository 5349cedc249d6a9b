#include "spec.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace scantab::synth {
namespace {

using nlohmann::json;

std::expected<Align, std::string> parse_align(const std::string& s) {
  if (s == "left") return Align::kLeft;
  if (s == "center" || s == "centre") return Align::kCenter;
  if (s == "right") return Align::kRight;
  return std::unexpected("unknown align '" + s + "' (left|center|right)");
}

// A cell is either a bare string or {"text", "rowSpan", "colSpan", "align"}.
std::expected<CellSpec, std::string> parse_cell(const json& j) {
  CellSpec c;
  if (j.is_string()) {
    c.text = j.get<std::string>();
    return c;
  }
  if (!j.is_object()) return std::unexpected("a cell must be a string or an object");
  c.text = j.value("text", "");
  c.row_span = j.value("rowSpan", 1);
  c.col_span = j.value("colSpan", 1);
  if (c.row_span < 1 || c.col_span < 1) return std::unexpected("spans must be >= 1");
  if (j.contains("align")) {
    auto a = parse_align(j["align"].get<std::string>());
    if (!a) return std::unexpected(a.error());
    c.align = *a;
  }
  return c;
}

std::expected<std::vector<std::vector<CellSpec>>, std::string> parse_rows(const json& j,
                                                                          const std::string& what) {
  std::vector<std::vector<CellSpec>> rows;
  if (j.is_null()) return rows;
  if (!j.is_array()) return std::unexpected(what + " must be an array of rows");
  for (std::size_t r = 0; r < j.size(); ++r) {
    std::vector<CellSpec> row;
    for (const auto& cj : j[r]) {
      auto c = parse_cell(cj);
      if (!c) return std::unexpected(what + " row " + std::to_string(r) + ": " + c.error());
      row.push_back(std::move(*c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::expected<TableSpec, std::string> parse_table(const json& j) {
  TableSpec t;
  t.title = j.value("title", "");
  if (j.contains("caption")) {
    t.caption_left = j["caption"].value("left", "");
    t.caption_center = j["caption"].value("center", "");
    t.caption_right = j["caption"].value("right", "");
  }
  t.font_size = j.value("fontSize", 10.5);
  t.width = j.value("width", 1.0);
  t.min_row_height = j.value("minRowHeight", 0.0);
  if (j.contains("ruling")) {
    const std::string r = j["ruling"].get<std::string>();
    if (r == "all")
      t.ruling = Ruling::kAll;
    else if (r == "noOuterVertical")
      t.ruling = Ruling::kNoOuterVertical;
    else if (r == "horizontalOnly")
      t.ruling = Ruling::kHorizontalOnly;
    else if (r == "none")
      t.ruling = Ruling::kNone;
    else
      return std::unexpected("table '" + t.title + "': unknown ruling '" + r +
                             "' (all|noOuterVertical|horizontalOnly|none)");
  }
  if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty())
    return std::unexpected("table '" + t.title + "': 'columns' must be a non-empty array");
  for (const auto& cj : j["columns"]) {
    ColumnSpec c;
    if (cj.is_number()) {
      c.width = cj.get<double>();
    } else {
      c.width = cj.value("width", 1.0);
      auto a = parse_align(cj.value("align", "left"));
      if (!a) return std::unexpected("table '" + t.title + "': " + a.error());
      c.align = *a;
    }
    if (c.width <= 0) return std::unexpected("table '" + t.title + "': column width must be > 0");
    t.columns.push_back(c);
  }
  auto header = parse_rows(j.value("header", json()), "header");
  if (!header) return std::unexpected("table '" + t.title + "': " + header.error());
  auto body = parse_rows(j.value("body", json()), "body");
  if (!body) return std::unexpected("table '" + t.title + "': " + body.error());
  t.header = std::move(*header);
  t.body = std::move(*body);
  if (j.contains("notes")) t.notes = j["notes"].get<std::vector<std::string>>();
  if (auto placed = place_cells(t); !placed)
    return std::unexpected("table '" + t.title + "': " + placed.error());
  return t;
}

}  // namespace

std::expected<DocSpec, std::string> parse_spec(const json& j) {
  try {
    DocSpec doc;
    doc.name = j.value("name", "");
    if (j.contains("defaults")) {
      const auto& d = j["defaults"];
      if (d.contains("font")) doc.defaults.font = d["font"].get<std::string>();
      if (d.contains("profile")) doc.defaults.profile = d["profile"].get<std::string>();
      if (d.contains("dpi")) doc.defaults.dpi = d["dpi"].get<double>();
    }
    if (!j.contains("pages") || !j["pages"].is_array() || j["pages"].empty())
      return std::unexpected("spec: 'pages' must be a non-empty array");
    for (std::size_t p = 0; p < j["pages"].size(); ++p) {
      const auto& pj = j["pages"][p];
      PageSpec page;
      const std::string orientation = pj.value("orientation", "portrait");
      if (orientation != "portrait" && orientation != "landscape")
        return std::unexpected("page " + std::to_string(p + 1) + ": orientation must be portrait|landscape");
      if (pj.value("size", "A4") != "A4")
        return std::unexpected("page " + std::to_string(p + 1) + ": only size A4 is supported");
      page.landscape = orientation == "landscape";
      if (pj.contains("paragraphs")) page.paragraphs = pj["paragraphs"].get<std::vector<std::string>>();
      for (const auto& tj : pj.value("tables", json::array())) {
        auto t = parse_table(tj);
        if (!t) return std::unexpected("page " + std::to_string(p + 1) + ": " + t.error());
        page.tables.push_back(std::move(*t));
      }
      doc.pages.push_back(std::move(page));
    }
    return doc;
  } catch (const json::exception& e) {
    return std::unexpected(std::string("spec: ") + e.what());
  }
}

std::expected<DocSpec, std::string> load_spec(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot open spec " + path.string());
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {
    return std::unexpected(path.string() + ": " + e.what());
  }
  auto doc = parse_spec(j);
  if (!doc) return std::unexpected(path.string() + ": " + doc.error());
  if (doc->name.empty()) doc->name = path.stem().string();
  return doc;
}

std::expected<std::vector<PlacedCell>, std::string> place_cells(const TableSpec& table) {
  const int rows = table.rows(), cols = table.cols();
  std::vector<std::vector<char>> taken(rows, std::vector<char>(cols, 0));
  std::vector<PlacedCell> placed;
  for (int r = 0; r < rows; ++r) {
    const auto& row = r < int(table.header.size()) ? table.header[r] : table.body[r - table.header.size()];
    int c = 0;
    for (const auto& cell : row) {
      while (c < cols && taken[r][c]) ++c;
      if (c + cell.col_span > cols || r + cell.row_span > rows)
        return std::unexpected("row " + std::to_string(r) + ": cell '" + cell.text +
                               "' runs off the lattice");
      for (int rr = r; rr < r + cell.row_span; ++rr)
        for (int cc = c; cc < c + cell.col_span; ++cc) {
          if (taken[rr][cc])
            return std::unexpected("row " + std::to_string(r) + ": cell '" + cell.text +
                                   "' overlaps another");
          taken[rr][cc] = 1;
        }
      placed.push_back({r, c, cell.row_span, cell.col_span, cell});
      c += cell.col_span;
    }
    for (int cc = 0; cc < cols; ++cc)
      if (!taken[r][cc])
        return std::unexpected("row " + std::to_string(r) + ": column " + std::to_string(cc) +
                               " is not covered (expected " + std::to_string(cols) + " columns)");
  }
  return placed;  // already row-major by top-left position
}

std::string truth_text(const std::string& spec_text) {
  std::string out;
  for (char ch : spec_text)
    if (ch != '\n') out += ch;
  return out;
}

}  // namespace scantab::synth
