// Classification, header trees and typed records.
#include <algorithm>
#include <regex>
#include <set>

#include "forms/forms.hpp"
#include "forms/text.hpp"

namespace scantab::forms {
namespace {

bool is_amount(const std::string& s) {
  static const std::regex re(R"(^-?[0-9][0-9,]*(\.[0-9]+)?$)");
  return !s.empty() && std::regex_match(s, re);
}
bool is_decimal_amount(const std::string& s) { return is_amount(s) && s.find('.') != std::string::npos; }

// A 栏次 row: "栏次", then 1, 2, 3 … (or only the integers).
bool is_column_number_row(const std::vector<std::string>& row) {
  int expect = 1, seen = 0;
  for (const auto& s : row) {
    if (s.empty() || s == "栏次") continue;
    if (s != std::to_string(expect)) return false;
    ++expect, ++seen;
  }
  return seen >= 3;
}

int count_header_rows(const std::vector<std::vector<std::string>>& g) {
  for (int r = 0; r < int(g.size()); ++r) {
    if (is_column_number_row(g[r])) return r + 1;
    for (const auto& s : g[r])
      if (is_decimal_amount(s) || is_subject_code(s)) return r;
  }
  // No data row: header is every row up to the last non-empty one.
  int last = 0;
  for (int r = 0; r < int(g.size()); ++r)
    for (const auto& s : g[r]) if (!s.empty()) last = r + 1;
  return last;
}

// Header tree: in each header row a text covers the columns up to the next text in that row,
// but never beyond the span of its parent in the row above.
std::vector<HeaderNode> build_header(const std::vector<std::vector<std::string>>& g, int header_rows, int cols,
                                     std::vector<std::vector<std::string>>& cover) {
  cover.assign(header_rows, std::vector<std::string>(cols));
  std::vector<std::pair<int, int>> parent(cols, {0, cols});  // span limit per column
  std::vector<HeaderNode> roots;
  roots.reserve(std::size_t(cols) * std::max(1, header_rows) + 1);  // owner pointers must stay valid
  std::vector<HeaderNode*> owner(cols, nullptr);  // node covering column in the previous row
  for (int r = 0; r < header_rows; ++r) {
    if (is_column_number_row(g[r])) continue;  // 栏次 numbers are not header labels
    std::vector<std::pair<int, int>> span(cols, {-1, -1});
    std::vector<HeaderNode*> next_owner(cols, nullptr);
    for (int c = 0; c < cols; ++c) {
      const std::string& t = c < int(g[r].size()) ? g[r][c] : std::string();
      if (t.empty()) continue;
      int end = c + 1;
      while (end < cols && end < parent[c].second && (end >= int(g[r].size()) || g[r][end].empty())) ++end;
      // Columns that the previous row covers with its own deeper text are not stolen.
      HeaderNode node{t, r, c, end, {}};
      if (owner[c]) owner[c]->children.push_back(node);
      else roots.push_back(node);
      for (int k = c; k < end; ++k) cover[r][k] = t, span[k] = {c, end};
    }
    // Pointers into vectors are unstable; rebuild owners by walking the tree for row r.
    std::vector<HeaderNode*> all;
    std::vector<HeaderNode*> stack;
    for (auto& n : roots) stack.push_back(&n);
    while (!stack.empty()) {
      HeaderNode* n = stack.back();
      stack.pop_back();
      for (int k = n->col_begin; k < n->col_end; ++k)
        if (!next_owner[k] || next_owner[k]->row < n->row) next_owner[k] = n;
      for (auto& ch : n->children) stack.push_back(&ch);
    }
    owner = next_owner;
    for (int c = 0; c < cols; ++c)
      if (span[c].first >= 0) parent[c] = span[c];
  }
  return roots;
}

// Converters that write one cell per line lose colspans: a header text that spans
// n labels of the row below is written as one cell, and the texts right of it slide
// n-1 columns left (seed 001: 序号 | 功能分类科目 | 合计 … over 序号 | 科目编码 | 科目名称 | …).
// Undo that: if the row below has n consecutive labels starting under a text and
// the next text of this row sits inside that run, shift the rest right by n-1.
void restore_lost_colspans(std::vector<std::vector<std::string>>& g, int header_rows, int cols) {
  for (int r = 0; r + 1 < header_rows; ++r) {
    int below = r + 1;
    while (below < header_rows && is_column_number_row(g[below])) ++below;
    if (below >= header_rows) break;
    auto& row = g[r];
    row.resize(cols);
    for (int c = 0; c < cols; ++c) {
      if (row[c].empty()) continue;
      int run = 0;
      while (c + run < cols && c + run < int(g[below].size()) && !g[below][c + run].empty()) ++run;
      if (run < 2 || c + 1 >= cols || row[c + 1].empty()) continue;
      int last = cols - 1;
      while (last > c && row[last].empty()) --last;
      int shift = run - 1;
      if (last + shift >= cols) continue;  // would fall off the table: leave as is
      for (int k = last; k > c; --k) row[k + shift] = row[k], row[k].clear();
    }
  }
}

std::string column_leaf(const std::vector<std::vector<std::string>>& cover, int c) {
  for (int r = int(cover.size()) - 1; r >= 0; --r)
    if (!cover[r][c].empty()) return cover[r][c];
  return "";
}

std::string amount_text(const std::string& s) {
  std::string out;
  for (char ch : s) if (ch != ',') out += ch;
  return out;
}

double title_score(const FormTemplate& f, const std::string& title) {
  std::string t = text::normalize_title(title);
  double best = 0;
  for (const auto& alias : f.titles) {
    std::string a = text::normalize_title(alias);
    if (!a.empty() && text::contains(t, a)) best = std::max(best, double(a.size()));
  }
  return best;
}

}  // namespace

bool is_subject_code(const std::string& s) {
  static const std::regex re(R"(^[0-9]{3}([0-9]{2}){0,2}$)");
  return std::regex_match(s, re);
}

std::vector<std::vector<std::string>> text_grid(const Table& table) {
  std::vector<std::vector<std::string>> g(std::max(0, table.rows), std::vector<std::string>(std::max(0, table.cols)));
  for (const Cell& c : table.cells)
    if (c.row >= 0 && c.row < table.rows && c.col >= 0 && c.col < table.cols) g[c.row][c.col] = c.text;
  return g;
}

Classified classify(const Table& table, const TemplateSet& templates, int table_index) {
  Classified out;
  out.table_index = table_index;
  auto g = text_grid(table);
  int cols = table.cols;

  // 1. Form by title: the longest alias found in the title (then caption lines) wins.
  double best = 0;
  std::string title = table.title;
  for (const auto& f : templates.forms) {
    double s = title_score(f, title);
    for (const auto& line : table.caption_lines) s = std::max(s, 0.9 * title_score(f, line));
    if (s > best) best = s, out.form = &f;
  }

  // 2. Header rows, header tree, column roles.
  out.header_rows = count_header_rows(g);
  std::vector<std::vector<std::string>> cover, head(g.begin(), g.begin() + out.header_rows);
  restore_lost_colspans(head, out.header_rows, cols);
  out.header = build_header(head, out.header_rows, cols, cover);
  int data_rows = 0, code_col = -1, best_codes = 0;
  std::vector<int> amounts(cols, 0), texts(cols, 0), codes(cols, 0);
  for (int r = out.header_rows; r < int(g.size()); ++r) {
    bool any = false;
    for (int c = 0; c < cols; ++c) {
      const auto& s = g[r][c];
      if (s.empty()) continue;
      any = true;
      if (is_subject_code(s)) ++codes[c];
      else if (is_amount(s)) ++amounts[c];
      else ++texts[c];
    }
    data_rows += any;
  }
  for (int c = 0; c < cols; ++c) {
    std::string leaf = column_leaf(cover, c);
    bool code_header = text::contains(leaf, "编码") || text::contains(leaf, "代码");
    if ((code_header || codes[c] > amounts[c]) && codes[c] > best_codes) best_codes = codes[c], code_col = c;
  }
  bool name_found = false;
  for (int c = 0; c < cols; ++c) {
    Column col;
    col.index = c;
    std::string path;
    for (int r = 0; r < out.header_rows; ++r)
      if (!cover[r][c].empty() && (path.empty() || !path.ends_with(cover[r][c]))) path += (path.empty() ? "" : "/") + cover[r][c];
    col.header = path;
    std::string leaf = column_leaf(cover, c);
    if (c == code_col) col.role = ColumnRole::kCode;
    else if (text::contains(leaf, "序号")) col.role = ColumnRole::kSerial;
    else if (amounts[c] > 0 && texts[c] == 0) col.role = ColumnRole::kAmount;
    else if (!name_found && texts[c] > 0) col.role = ColumnRole::kName, name_found = true;
    else if (amounts[c] == 0 && texts[c] == 0 && !leaf.empty() && !text::contains(leaf, "名称") &&
             !text::contains(leaf, "编码")) col.role = ColumnRole::kAmount;  // empty amount column
    col.field = leaf.empty() ? "列" + std::to_string(c + 1) : text::normalize_title(leaf);
    if (out.form && col.role == ColumnRole::kAmount)
      for (const auto& spec : out.form->columns)
        for (const auto& alias : spec.aliases)
          if (text::normalize_title(alias) == col.field) col.field = spec.field;
    out.columns.push_back(std::move(col));
  }
  // Duplicate field names (e.g. 支出 side and 收入 side) get the column number appended.
  std::map<std::string, int> seen;
  for (auto& col : out.columns) if (++seen[col.field] > 1) col.field += "#" + std::to_string(col.index + 1);

  // 3. Confidence: title evidence plus the share of template columns found.
  if (out.form) {
    int matched = 0;
    for (const auto& spec : out.form->columns)
      for (const auto& col : out.columns) if (col.field == spec.field) { ++matched; break; }
    double col_share = out.form->columns.empty() ? 1.0 : double(matched) / double(out.form->columns.size());
    out.confidence = 0.6 + 0.4 * col_share;
    out.form_id = out.form->id;
  }

  // 4. Typed records: one per non-empty data row.
  for (int r = out.header_rows; r < int(g.size()); ++r) {
    Record rec;
    rec.row = r;
    bool any = false;
    for (const auto& col : out.columns) {
      const std::string& s = g[r][col.index];
      if (s.empty()) continue;
      any = true;
      if (col.role == ColumnRole::kCode) rec.code = s;
      else if (col.role == ColumnRole::kName) rec.name = s;
      else if (col.role == ColumnRole::kSerial) continue;
      else rec.values.emplace_back(col.field, is_amount(s) ? amount_text(s) : s);
    }
    // A 合计 row often carries its label in the code column.
    if (!rec.code.empty() && !is_subject_code(rec.code) && rec.name.empty()) rec.name = rec.code, rec.code.clear();
    if (any) out.records.push_back(std::move(rec));
  }
  (void)data_rows;
  return out;
}

}  // namespace scantab::forms
