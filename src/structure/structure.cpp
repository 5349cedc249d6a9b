#include "structure/structure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>

namespace scantab::structure {
namespace {

int mm_to_px(double mm, double dpi) { return std::max(1, static_cast<int>(std::lround(mm * dpi / 25.4))); }

// Runs [begin, end) of indices where profile[i] > 0, with gaps of at most
// `bridge` zero entries closed.
std::vector<std::pair<int, int>> runs(const std::vector<int>& profile, int bridge) {
  std::vector<std::pair<int, int>> out;
  int n = static_cast<int>(profile.size());
  int i = 0;
  while (i < n) {
    while (i < n && profile[i] == 0) ++i;
    if (i >= n) break;
    int begin = i, end = i;
    while (i < n) {
      if (profile[i] > 0) {
        end = ++i;
        continue;
      }
      int j = i;
      while (j < n && profile[j] == 0) ++j;
      if (j < n && j - i <= bridge) {
        i = j;
        continue;
      }
      break;
    }
    out.emplace_back(begin, end);
    i = std::max(i, end);
  }
  return out;
}

bool is_ink(const Image& binary, const Image& line_mask, int x, int y) {
  if (binary.row(y)[x] == 0) return false;
  return line_mask.empty() || line_mask.row(y)[x] == 0;
}

// Specks: ink components at most this big (mm) both ways are scan noise
// (dust, speckle, JPEG blotches), not text; a 9 pt CJK glyph is ~3 mm and
// even a full stop or 、 joined to nothing is rarely bigger than 0.6 mm.
constexpr double kSpeckMm = 0.6;

// The ink of `r` (row-major, r.width x r.height, 1 = ink) without ruling-line
// pixels and without 8-connected components whose bounding box is at most
// `speck` pixels wide and tall. On a speckled scan the specks otherwise glue
// every row of a caption region into one over-tall band (its lines lost) or
// make a text line of their own (OCR reads it as 全全).
std::vector<std::uint8_t> ink_without_specks(const Image& binary, const Image& line_mask, const Rect& r, int speck) {
  std::vector<std::uint8_t> ink(std::size_t(r.width) * r.height, 0);
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) ink[std::size_t(y) * r.width + x] = is_ink(binary, line_mask, r.x + x, r.y + y);
  std::vector<int> stack, component;
  for (std::size_t start = 0; start < ink.size(); ++start) {
    if (ink[start] != 1) continue;
    // Flood fill, marking visited pixels 2; the component is remembered to be erased.
    int x0 = int(start % r.width), x1 = x0, y0 = int(start / r.width), y1 = y0;
    stack.assign(1, int(start));
    component.clear();
    ink[start] = 2;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      component.push_back(p);
      const int px = p % r.width, py = p / r.width;
      x0 = std::min(x0, px), x1 = std::max(x1, px), y0 = std::min(y0, py), y1 = std::max(y1, py);
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = px + dx, ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= r.width || ny >= r.height) continue;
          std::uint8_t& n = ink[std::size_t(ny) * r.width + nx];
          if (n == 1) {
            n = 2;
            stack.push_back(ny * r.width + nx);
          }
        }
    }
    if (x1 - x0 + 1 <= speck && y1 - y0 + 1 <= speck)
      for (int p : component) ink[p] = 3;  // a speck
  }
  for (std::uint8_t& v : ink) v = v == 2;
  return ink;
}

// "<label><separator><value>": OCR often reads the full-width colon as a
// semicolon or comma, so any of ：:；;，, separates. Matches lines such as
// "部门名称：…", "单位：万元", "金额单位:元".
const char* const kSeparator = "\\s*(?:：|:|；|;|，|,)\\s*";
std::optional<std::string> labelled_value(const std::string& text, const std::string& label_pattern) {
  const std::regex re("^(?:" + label_pattern + ")" + kSeparator + "(.*)$");
  std::smatch match;
  if (!std::regex_match(text, match, re)) return std::nullopt;
  return match[1].str();
}


bool is_ascii_alnum(unsigned char c) { return c < 128 && std::isalnum(c); }

}  // namespace

std::vector<CaptionRegions> caption_regions(const std::vector<Grid>& grids, int page_width, int page_height,
                                            double dpi, double max_above_mm, double max_below_mm) {
  std::vector<CaptionRegions> out;
  const int max_above = mm_to_px(max_above_mm, dpi), max_below = mm_to_px(max_below_mm, dpi);
  for (std::size_t i = 0; i < grids.size(); ++i) {
    const Rect& g = grids[i].bounds;
    // Nearest grid above / below that overlaps horizontally.
    int ceiling = 0, floor = page_height;
    for (std::size_t j = 0; j < grids.size(); ++j) {
      if (j == i) continue;
      const Rect& o = grids[j].bounds;
      bool overlaps = o.x < g.right() && g.x < o.right();
      if (!overlaps) continue;
      if (o.bottom() <= g.y) ceiling = std::max(ceiling, o.bottom());
      if (o.y >= g.bottom()) floor = std::min(floor, o.y);
    }
    int top = std::max(ceiling, g.y - max_above);
    int bottom = std::min(floor, g.bottom() + max_below);
    int margin = mm_to_px(15.0, dpi);
    int x0 = std::max(0, g.x - margin), x1 = std::min(page_width, g.right() + margin);
    CaptionRegions regions;
    regions.above = Rect{x0, top, x1 - x0, std::max(0, g.y - top)};
    // The region below must not take the lines above the next grid: keep to
    // its upper half when the gap is short.
    int below_end = floor < page_height ? std::min(bottom, g.bottom() + (floor - g.bottom()) / 2) : bottom;
    regions.below = Rect{x0, g.bottom(), x1 - x0, std::max(0, below_end - g.bottom())};
    out.push_back(regions);
  }
  return out;
}

std::vector<Rect> find_text_segments(const Image& binary, const Image& line_mask, const Rect& region, double dpi,
                                     double gap_mm) {
  std::vector<Rect> out;
  Rect r = intersect(region, Rect{0, 0, binary.width, binary.height});
  if (r.empty()) return out;
  // Ink of the region (1 = ink) without ruling-line pixels and without specks.
  const std::vector<std::uint8_t> ink = ink_without_specks(binary, line_mask, r, mm_to_px(kSpeckMm, dpi));
  auto at = [&](int x, int y) { return ink[std::size_t(y) * r.width + x] != 0; };
  // Row profile: ink pixels per row.
  std::vector<int> row_ink(r.height, 0);
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) row_ink[y] += at(x, y) ? 1 : 0;
  // Rows with only a pixel or two of ink are noise, not text.
  const int min_row_ink = std::max(2, mm_to_px(0.3, dpi));
  for (int& v : row_ink) v = v >= min_row_ink ? v : 0;
  const int min_line_height = mm_to_px(1.2, dpi);
  const int max_line_height = mm_to_px(14.0, dpi);
  for (auto [y0, y1] : runs(row_ink, mm_to_px(0.6, dpi))) {
    if (y1 - y0 < min_line_height || y1 - y0 > max_line_height) continue;
    // A band cut by the region's top or bottom edge (not the page's) is part
    // of a line that belongs to a neighbouring region: reading half a line
    // only yields garbage.
    if ((y0 == 0 && r.y > 0) || (y1 == r.height && r.bottom() < binary.height)) continue;
    std::vector<int> col_ink(r.width, 0);
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < r.width; ++x) col_ink[x] += at(x, y) ? 1 : 0;
    for (auto [x0, x1] : runs(col_ink, mm_to_px(gap_mm, dpi))) {
      // Tighten vertically to this segment's ink.
      int top = y1, bottom = y0;
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
          if (at(x, y)) {
            top = std::min(top, y);
            bottom = std::max(bottom, y + 1);
            break;
          }
      if (bottom - top < min_line_height || x1 - x0 < min_line_height) continue;
      out.push_back(Rect{r.x + x0, r.y + top, x1 - x0, bottom - top});
    }
  }
  return out;
}

void apply_captions(Table& table, const std::vector<TextLine>& above, const std::vector<TextLine>& below) {
  int title_index = -1, fallback_index = -1, fallback_width = 0;
  for (std::size_t i = 0; i < above.size(); ++i) {
    const std::string& text = above[i].text;
    if (text.empty()) continue;
    table.caption_lines.push_back(text);
    if (auto department = labelled_value(text, "(?:部门|单位|预算单位)名称|(?:编制|预算)?部门")) {
      table.department = *department;
    } else if (auto unit = labelled_value(text, "(?:金额)?单位")) {
      table.unit = *unit;
    } else if (text.find("表") != std::string::npos && !std::regex_search(text, std::regex("公开表\\s*\\d+$"))) {
      title_index = static_cast<int>(i);  // keep the last (nearest the grid)
    } else if (above[i].box.width > fallback_width) {
      fallback_width = above[i].box.width;
      fallback_index = static_cast<int>(i);
    }
  }
  if (title_index < 0) title_index = fallback_index;
  if (title_index >= 0) table.title = above[title_index].text;
  for (const TextLine& line : below)
    if (!line.text.empty()) table.notes.push_back(line.text);
}

std::string join_cell_lines(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(line.begin());
    if (!line.empty()) {
      if (!out.empty() && is_ascii_alnum(out.back()) && is_ascii_alnum(line.front())) out += ' ';
      out += line;
    }
    start = end + 1;
  }
  return out;
}

Table assemble(const Grid& grid, const std::vector<CellText>& texts, int page_index) {
  Table table;
  table.page_index = page_index;
  table.bbox = grid.bounds;
  table.grid_kind = grid.kind;
  table.rows = grid.rows();
  table.cols = grid.cols();
  for (std::size_t i = 0; i < grid.cells.size(); ++i) {
    const GridCell& g = grid.cells[i];
    Cell cell;
    cell.row = g.row;
    cell.col = g.col;
    cell.row_span = g.row_span;
    cell.col_span = g.col_span;
    cell.box = g.box;
    if (i < texts.size()) {
      cell.ocr_text = texts[i].text;
      cell.text = join_cell_lines(texts[i].text);
      cell.confidence = texts[i].confidence;
    }
    table.cells.push_back(std::move(cell));
  }
  return table;
}

}  // namespace scantab::structure
