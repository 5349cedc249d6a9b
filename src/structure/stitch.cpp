#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "structure/structure.hpp"

namespace scantab::structure {
namespace {

// Tolerances, all as fractions (0..1) of a table's width or a page's height.
constexpr double kSameColumnTolerance = 0.03;  // same_columns: column starts this close are the same column
constexpr double kOuterEdgeTolerance = 0.03;   // outer left/right edges of two parts of one table
constexpr double kEdgeMergeTolerance = 0.02;   // column edges this close become one edge of the union lattice
constexpr double kTopBand = 0.25;     // a continuation starts in the top quarter of its page
constexpr double kBottomBand = 0.75;  // a table running on ends in the bottom quarter of its page

// Column edges of a table relative to its width (0 = bbox left, 1 = bbox
// right): cols+1 ascending values, empty where no cell shows the edge. Edge c
// is the leftmost start of the cells starting in column c, or failing that
// the rightmost end of the cells ending before column c.
std::vector<std::optional<double>> known_column_edges(const Table& table) {
  std::vector<std::optional<double>> starts(table.cols + 1), ends(table.cols + 1);
  if (table.bbox.width <= 0) return starts;
  auto relative = [&](int x) { return double(x - table.bbox.x) / table.bbox.width; };
  for (const Cell& cell : table.cells) {
    if (cell.col >= 0 && cell.col < table.cols)
      starts[cell.col] = std::min(starts[cell.col].value_or(2.0), relative(cell.box.x));
    const int end = cell.col + cell.col_span;
    if (end >= 1 && end <= table.cols) ends[end] = std::max(ends[end].value_or(-1.0), relative(cell.box.right()));
  }
  for (int c = 0; c <= table.cols; ++c)
    if (!starts[c]) starts[c] = ends[c];
  return starts;
}

// known_column_edges with the gaps filled: the outer edges default to 0 and
// 1, an unknown inner edge is interpolated linearly between its known
// neighbours.
std::vector<double> column_edges(const Table& table) {
  const auto known = known_column_edges(table);
  std::vector<double> edges(known.size());
  edges.front() = known.front().value_or(0.0);
  edges.back() = known.back().value_or(1.0);
  for (std::size_t c = 1; c + 1 < edges.size(); ++c) {
    if (known[c]) {
      edges[c] = *known[c];
      continue;
    }
    std::size_t next = c + 1;  // the next known edge (the last edge always is)
    while (next + 1 < known.size() && !known[next]) ++next;
    const double right = next + 1 < known.size() ? *known[next] : edges.back();
    edges[c] = edges[c - 1] + (right - edges[c - 1]) / double(next - c + 1);
  }
  return edges;
}

// Same column layout: equal count, and every known column start within 3 %
// of the table width of its counterpart.
bool same_columns(const Table& a, const Table& b) {
  if (a.cols != b.cols || a.cols == 0) return false;
  auto ea = known_column_edges(a), eb = known_column_edges(b);
  for (int c = 0; c < a.cols; ++c)
    if (ea[c] && eb[c] && std::abs(*ea[c] - *eb[c]) > kSameColumnTolerance) return false;
  return true;
}

// A caption that only says the table goes on: 续表, 续表一, 续上表, （续）…
// (after brackets and spaces, starts with 续 and is at most 4 characters).
bool is_continuation_marker(std::string_view text) {
  std::string core;
  for (std::size_t i = 0; i < text.size();) {
    static constexpr std::string_view kSkipped[] = {"（", "）", "(", ")", " ", "　", "：", ":"};
    auto skip = std::find_if(std::begin(kSkipped), std::end(kSkipped),
                             [&](std::string_view s) { return text.substr(i).starts_with(s); });
    if (skip != std::end(kSkipped)) {
      i += skip->size();
      continue;
    }
    core += text[i++];
  }
  const auto characters = std::count_if(core.begin(), core.end(), [](char c) { return (c & 0xC0) != 0x80; });
  return core.starts_with("续") && characters <= 4;
}

// A note under a table saying that it goes on: 本页…, 续表…, 转下页, 下页续.
bool says_table_runs_on(const std::string& note) {
  static constexpr std::string_view kWords[] = {"本页", "续表", "下页"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view w) { return note.find(w) != std::string::npos; });
}

// Whether UTF-8 `text` holds a Chinese character: a lead byte E4..E9, i.e. a
// code point in U+4000..U+9FFF (the CJK ideograph blocks).
bool has_ideograph(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return (unsigned char)c >= 0xE4 && (unsigned char)c <= 0xE9; });
}

// A table has a title of its own unless its title is empty, only a
// continuation marker, or scan noise without a single Chinese character
// (a Chinese budget table's title always has some).
bool has_own_title(const Table& table) {
  return has_ideograph(table.title) && !is_continuation_marker(table.title);
}

// Bottom edge (pixels, in its page's frame) of the part of `table` on its last page.
int bottom_on_last_page(const Table& table) {
  if (table.row_pages.empty()) return table.bbox.bottom();
  int bottom = 0;
  for (const Cell& cell : table.cells)
    if (cell.row < int(table.row_pages.size()) && table.row_pages[cell.row] == table.row_pages.back())
      bottom = std::max(bottom, cell.box.bottom());
  return bottom;
}

// Whether every inner edge of `coarse` lies within kEdgeMergeTolerance of
// some inner edge of `fine` (the finer lattice refines the coarser), with at
// least two inner edges to compare.
bool refines(const std::vector<double>& coarse, const std::vector<double>& fine) {
  if (coarse.size() < 4) return false;
  for (std::size_t c = 1; c + 1 < coarse.size(); ++c)
    if (std::none_of(fine.begin() + 1, fine.end() - 1,
                     [&](double f) { return std::abs(f - coarse[c]) <= kEdgeMergeTolerance; }))
      return false;
  return true;
}

// Whether two parts' lattices are mostly one: at least three inner edges of
// the part with fewer of them, and at least 3/4 of them, lie within
// kEdgeMergeTolerance of an inner edge of the other. A performance sheet's
// header block and indicator block share most column rules but not all
// (seed-5 office: 5 of 6; the 6th at 0.36 vs 0.33 of the width).
bool shares_most_edges(const std::vector<double>& a, const std::vector<double>& b) {
  const std::vector<double>& coarse = a.size() <= b.size() ? a : b;
  const std::vector<double>& fine = a.size() <= b.size() ? b : a;
  if (coarse.size() < 5) return false;
  int shared = 0;
  for (std::size_t c = 1; c + 1 < coarse.size(); ++c)
    shared += std::any_of(fine.begin() + 1, fine.end() - 1,
                          [&](double f) { return std::abs(f - coarse[c]) <= kEdgeMergeTolerance; });
  return shared >= 3 && 4 * shared >= 3 * int(coarse.size() - 2);
}

// Whether `next`, the first table of `next_page` and of other columns than
// `first` (the last table of the previous page, whose last part is on
// `last_page`), continues it. Conservative; all of:
//  - nothing above `next` but continuation markers (no title, 部门名称 or 单位 line),
//  - `next` starts in the top quarter of its page,
//  - the outer left and right edges agree within 3 % of the wider table's width,
// and at least one sign that the table runs on:
//  - `first` ends in the bottom quarter of its page,
//  - a note under `first` (says_table_runs_on) or a 续表 marker above `next`,
//  - one part's column edges are all edges of the other's (a shared lattice),
//    or most of them are (shares_most_edges).
bool continues_with_other_columns(const Table& first, const PageResult& first_page, const PageResult& last_page,
                                  const Table& next, const PageResult& next_page) {
  if (has_own_title(next) || first.cols <= 0 || next.cols <= 0) return false;
  if (first.bbox.width <= 0 || next.bbox.width <= 0) return false;
  if (last_page.height <= 0 || next_page.height <= 0) return false;
  if (!std::all_of(next.caption_lines.begin(), next.caption_lines.end(), is_continuation_marker)) return false;
  if (next.bbox.y > kTopBand * next_page.height) return false;

  // Outer edges in first_page's pixels (pages of one document may differ in dpi).
  const double scale = first_page.dpi > 0 && next_page.dpi > 0 ? first_page.dpi / next_page.dpi : 1.0;
  const double next_left = next.bbox.x * scale, next_right = next.bbox.right() * scale;
  const double tolerance = kOuterEdgeTolerance * std::max<double>(first.bbox.width, next.bbox.width * scale);
  if (std::abs(first.bbox.x - next_left) > tolerance || std::abs(first.bbox.right() - next_right) > tolerance)
    return false;

  const bool ends_low = bottom_on_last_page(first) >= kBottomBand * last_page.height;
  const bool noted = std::any_of(first.notes.begin(), first.notes.end(), says_table_runs_on) ||
                     !next.caption_lines.empty();  // only continuation markers are left there
  const auto ea = column_edges(first), eb = column_edges(next);
  const bool shared_lattice = (ea.size() <= eb.size() ? refines(ea, eb) : refines(eb, ea)) || shares_most_edges(ea, eb);
  return ends_low || noted || shared_lattice;
}

// A lattice whose column edges are the union of two lattices' edges, and
// where each lattice's edges went: to_union_a[k] is the union index of edge k
// of `a` (same for b). Both are relative edges (column_edges); an edge of a
// and one of b closer than kEdgeMergeTolerance are one union edge, and the
// outer edges of both always coincide.
struct UnionColumns {
  int cols = 0;
  std::vector<int> to_union_a, to_union_b;
};
UnionColumns union_columns(const std::vector<double>& a, const std::vector<double>& b) {
  UnionColumns u;
  u.to_union_a.assign(a.size(), 0);
  u.to_union_b.assign(b.size(), 0);
  std::size_t i = 1, j = 1;  // inner edges only
  int k = 0;                 // union index of the last edge placed
  while (i + 1 < a.size() || j + 1 < b.size()) {
    const bool has_a = i + 1 < a.size(), has_b = j + 1 < b.size();
    ++k;
    if (has_a && has_b && std::abs(a[i] - b[j]) <= kEdgeMergeTolerance) {
      u.to_union_a[i++] = k;
      u.to_union_b[j++] = k;
    } else if (has_a && (!has_b || a[i] < b[j])) {
      u.to_union_a[i++] = k;
    } else {
      u.to_union_b[j++] = k;
    }
  }
  u.cols = k + 1;
  u.to_union_a.back() = u.to_union_b.back() = u.cols;
  return u;
}

// Re-expresses `table` on a finer lattice: column c becomes to_union[c] and
// each cell spans the union columns between its own edges, so every cell
// keeps its extent and the lattice stays covered exactly once.
void widen_columns(Table& table, const std::vector<int>& to_union, int cols) {
  for (Cell& cell : table.cells) {
    if (cell.col < 0 || cell.col >= table.cols) continue;  // not on the lattice: left as it is
    const int end = std::min(cell.col + cell.col_span, table.cols);
    cell.col = to_union[cell.col];
    cell.col_span = std::max(1, to_union[end] - cell.col);
  }
  table.cols = cols;
}

std::vector<std::string> row_texts(const Table& table, int row) {
  std::vector<std::string> texts;
  for (const Cell& cell : table.cells)
    if (cell.row == row) texts.push_back(cell.text + "|" + std::to_string(cell.col_span));
  return texts;
}

// Number of leading rows of `next` that repeat the leading rows of `first`
// (the header printed again on the continuation page), at most 3.
int repeated_header_rows(const Table& first, const Table& next) {
  int k = 0;
  while (k < 3 && k < first.rows && k < next.rows) {
    auto a = row_texts(first, k), b = row_texts(next, k);
    bool has_text = std::any_of(a.begin(), a.end(), [](const std::string& t) { return t.front() != '|'; });
    if (!has_text || a != b) break;
    ++k;
  }
  return k;
}

// Appends the rows of `next` from skip_rows on to `into` (same columns).
void append(Table& into, const Table& next, int skip_rows) {
  if (into.row_pages.empty()) into.row_pages.assign(into.rows, into.page_index);
  const int offset = into.rows - skip_rows;
  for (const Cell& cell : next.cells) {
    if (cell.row < skip_rows) continue;
    Cell moved = cell;
    moved.row += offset;
    into.cells.push_back(std::move(moved));
  }
  for (int r = skip_rows; r < next.rows; ++r) into.row_pages.push_back(next.page_index);
  into.rows += next.rows - skip_rows;
  into.notes.insert(into.notes.end(), next.notes.begin(), next.notes.end());
  into.issues.insert(into.issues.end(), next.issues.begin(), next.issues.end());
}

}  // namespace

int stitch_continued_tables(std::vector<PageResult>& pages) {
  int joined = 0;
  // Forwards, one join at a time: a table running over three pages first
  // absorbs page 2, leaving page 2 without tables, then page 3 (found by
  // stepping back over pages whose only content was a continuation).
  for (std::size_t i = 1; i < pages.size(); ++i) {
    // The table that may continue: the last table of the nearest earlier page
    // that still has tables, provided no page in between had content.
    std::size_t prev = i - 1;
    while (prev > 0 && pages[prev].tables.empty() && !pages[prev].notes.empty() &&
           pages[prev].notes.back().rfind("table continued from page", 0) == 0)
      --prev;
    if (pages[prev].tables.empty() || pages[i].tables.empty()) continue;
    Table& first = pages[prev].tables.back();
    Table next = pages[i].tables.front();
    if (has_own_title(next)) continue;
    if (!same_columns(first, next)) {
      // pages[i - 1] holds the last part of `first` (pages in between are continuation-only).
      if (!continues_with_other_columns(first, pages[prev], pages[i - 1], next, pages[i])) continue;
      const UnionColumns u = union_columns(column_edges(first), column_edges(next));
      widen_columns(first, u.to_union_a, u.cols);
      widen_columns(next, u.to_union_b, u.cols);
    }
    const int first_page = first.page_index + 1;
    append(first, next, repeated_header_rows(first, next));
    pages[i].tables.erase(pages[i].tables.begin());
    pages[i].notes.push_back("table continued from page " + std::to_string(first_page));
    ++joined;
  }
  return joined;
}

}  // namespace scantab::structure
