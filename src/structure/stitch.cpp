#include <algorithm>
#include <cmath>
#include <string>

#include "structure/structure.hpp"

namespace scantab::structure {
namespace {

// Left edge of each lattice column relative to the table's width (0..1),
// taken from the cells that start in that column.
std::vector<double> column_starts(const Table& table) {
  std::vector<double> starts(table.cols, -1.0);
  if (table.bbox.width <= 0) return starts;
  for (const Cell& cell : table.cells) {
    if (cell.col >= table.cols) continue;
    double x = double(cell.box.x - table.bbox.x) / table.bbox.width;
    if (starts[cell.col] < 0 || x < starts[cell.col]) starts[cell.col] = x;
  }
  return starts;
}

// Same column layout: equal count, and every known column start within 3 %
// of the table width of its counterpart.
bool same_columns(const Table& a, const Table& b) {
  if (a.cols != b.cols || a.cols == 0) return false;
  auto sa = column_starts(a), sb = column_starts(b);
  for (int c = 0; c < a.cols; ++c)
    if (sa[c] >= 0 && sb[c] >= 0 && std::abs(sa[c] - sb[c]) > 0.03) return false;
  return true;
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
    const Table& next = pages[i].tables.front();
    if (!next.title.empty() || !same_columns(first, next)) continue;
    const int first_page = first.page_index + 1;
    append(first, next, repeated_header_rows(first, next));
    pages[i].tables.erase(pages[i].tables.begin());
    pages[i].notes.push_back("table continued from page " + std::to_string(first_page));
    ++joined;
  }
  return joined;
}

}  // namespace scantab::structure
