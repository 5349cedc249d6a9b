#include "validate/validate.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "forms/text.hpp"
#include "validate/decimal.hpp"

namespace scantab::validate {
namespace {

using Grid = std::vector<std::vector<std::string>>;

// Empty cell = 0 (a blank amount in these tables means nothing budgeted).
std::optional<Decimal> amount_or_zero(const std::string& s) {
  if (s.empty() || s == "-" || s == "—") return Decimal{};
  return Decimal::parse(s);
}

int decimals_of(const std::string& s) {
  auto dot = s.find('.');
  return dot == std::string::npos ? 0 : int(s.size() - dot - 1);
}

std::string digits_only(const std::string& s) {
  std::string d;
  for (char c : s) if (c >= '0' && c <= '9') d += c;
  return d;
}

// Typical OCR confusions between what was read (`found`) and what the identity needs (`needed`).
std::string confusion(const std::string& found_text, Decimal found, Decimal needed) {
  if (needed.units() < 0 || found == needed) return "";
  std::string f = found_text;
  f.erase(std::remove(f.begin(), f.end(), ','), f.end());
  std::string n = needed.str(decimals_of(f));
  if (f.size() == n.size() && decimals_of(f) == decimals_of(n)) {
    std::vector<std::size_t> diff;
    for (std::size_t i = 0; i < f.size(); ++i) if (f[i] != n[i]) diff.push_back(i);
    if (diff.size() == 1) return "one digit misread";
    if (diff.size() == 2 && diff[1] == diff[0] + 1 && f[diff[0]] == n[diff[1]] && f[diff[1]] == n[diff[0]])
      return "digits transposed";
  }
  // Lost or moved decimal point: same digits once leading zeros are dropped.
  auto strip = [](std::string s) { s.erase(0, std::min(s.find_first_not_of('0'), s.size())); return s; };
  std::string fd = strip(digits_only(f)), nd = strip(digits_only(needed.str(0)));
  std::string nd2 = strip(digits_only(n));
  if (!fd.empty() && (fd == nd2 || fd == nd) && f.find('.') == std::string::npos) return "decimal point lost";
  if (!fd.empty() && fd == nd2) return "decimal point misplaced";
  return "";
}

struct Ctx {
  const std::vector<Table>& tables;
  const std::vector<forms::Classified>& cls;
  std::vector<Grid> grids;
  std::vector<Finding> out;
};

CellRef ref(const Ctx& ctx, int t, int r, int c, std::string field) {
  return {t, r, c, std::move(field), ctx.grids[t][r][c]};
}

// Checks total = Σ parts over cells (cells[0] = total). Adds a finding when it fails.
void check_sum(Ctx& ctx, std::string rule, const std::vector<CellRef>& cells, std::string row_label,
               std::string column, std::string what) {
  if (cells.size() < 2) return;
  Decimal sum;
  std::optional<Decimal> total = amount_or_zero(cells[0].text);
  if (!total) return;
  bool any = !cells[0].text.empty();
  for (std::size_t i = 1; i < cells.size(); ++i) {
    auto v = amount_or_zero(cells[i].text);
    if (!v) return;  // text where an amount belongs: not checkable
    any = any || !cells[i].text.empty();
    sum += *v;
  }
  if (!any || sum == *total) return;
  Finding f;
  f.rule = std::move(rule);
  // Each amount printed to 2 decimals carries up to 0.005 of rounding: a difference within
  // 0.005 × (number of amounts) is a rounding difference, not an error (and no OCR proposal).
  Decimal diff = *total - sum;
  Decimal bound = Decimal::from_units(5000 * std::int64_t(cells.size()));
  bool rounding = diff <= bound && Decimal{} - diff <= bound;
  f.severity = rounding ? "rounding" : "error";
  f.table = cells[0].table;
  if (f.table >= 0) {
    f.table_title = ctx.tables[f.table].title;
    f.form_id = ctx.cls[f.table].form_id;
  }
  f.row = cells[0].row;
  f.row_label = std::move(row_label);
  f.column = std::move(column);
  f.expected = sum.str(std::max(2, decimals_of(cells[0].text)));
  f.found = cells[0].text.empty() ? "(empty)" : cells[0].text;
  f.cells = cells;
  f.message = what + ": stated " + f.found + ", parts sum to " + f.expected + " (difference " +
              (*total - sum).str(2) + ")";
  if (!rounding) f.proposal = propose_single_cell_fix(cells);
  ctx.out.push_back(std::move(f));
}

int column_of(const forms::Classified& c, const std::string& field) {
  for (const auto& col : c.columns) if (col.field == field) return col.index;
  return -1;
}

std::string row_label(const forms::Record& r) { return r.code.empty() ? r.name : r.code + " " + r.name; }

void check_row_sums(Ctx& ctx, int t, const forms::Identity& id) {
  const auto& c = ctx.cls[t];
  int total = column_of(c, id.total);
  std::vector<std::pair<int, std::string>> parts;
  for (const auto& p : id.parts) if (int k = column_of(c, p); k >= 0) parts.emplace_back(k, p);
  if (total < 0 || parts.size() < 2) return;
  for (const auto& rec : c.records) {
    std::vector<CellRef> cells{ref(ctx, t, rec.row, total, id.total)};
    for (auto& [k, name] : parts) cells.push_back(ref(ctx, t, rec.row, k, name));
    std::string parts_text;
    for (auto& [k, name] : parts) parts_text += (parts_text.empty() ? "" : " + ") + name;
    check_sum(ctx, "row_sum", cells, row_label(rec), id.total, id.total + " = " + parts_text + " in row " + row_label(rec));
  }
}

std::vector<int> amount_columns(const forms::Classified& c) {
  std::vector<int> cols;
  for (const auto& col : c.columns) if (col.role == forms::ColumnRole::kAmount) cols.push_back(col.index);
  return cols;
}

void check_hierarchy(Ctx& ctx, int t) {
  const auto& c = ctx.cls[t];
  for (int col : amount_columns(c)) {
    const std::string& field = c.columns[col].field;
    for (const auto& parent : c.records) {
      std::size_t len = parent.code.size();
      if (len != 3 && len != 5) continue;
      std::vector<CellRef> cells{ref(ctx, t, parent.row, col, field)};
      for (const auto& child : c.records)
        if (child.code.size() == len + 2 && child.code.starts_with(parent.code))
          cells.push_back(ref(ctx, t, child.row, col, field));
      if (cells.size() < 2) continue;
      check_sum(ctx, "code_hierarchy", cells, row_label(parent), field,
                std::string(len == 3 ? "类 = Σ款" : "款 = Σ项") + " for " + row_label(parent) + ", column " + field);
    }
  }
}

void check_total_row(Ctx& ctx, int t, const forms::Identity& id) {
  const auto& c = ctx.cls[t];
  const forms::Record* total = nullptr;
  for (const auto& r : c.records)
    if (forms::text::normalize_title(r.name) == id.label || r.code == id.label) { total = &r; break; }
  if (!total) return;
  for (int col : amount_columns(c)) {
    const std::string& field = c.columns[col].field;
    std::vector<CellRef> cells{ref(ctx, t, total->row, col, field)};
    for (const auto& r : c.records) {
      if (&r == total) continue;
      bool top = id.sum_of == "other_rows" ? true : r.code.size() == 3;
      if (top) cells.push_back(ref(ctx, t, r.row, col, field));
    }
    if (cells.size() < 2) continue;
    check_sum(ctx, "total_row", cells, id.label, field,
              id.label + " row = Σ " + (id.sum_of == "other_rows" ? "other rows" : "类 rows") + ", column " + field);
  }
}

// The amount right of a label cell in the same row: (row, col) or (-1,-1).
std::pair<int, int> find_label_value(const Grid& g, const std::string& label, int min_col = 0, int max_col = 1 << 20) {
  for (int r = 0; r < int(g.size()); ++r)
    for (int c = min_col; c < int(g[r].size()) && c < max_col; ++c)
      if (forms::text::normalize_title(g[r][c]) == label) {
        for (int k = c + 1; k < int(g[r].size()); ++k) {
          if (g[r][k].empty()) continue;
          if (Decimal::parse(g[r][k])) return {r, k};
          break;
        }
        return {r, c + 1 < int(g[r].size()) ? c + 1 : -1};
      }
  return {-1, -1};
}

void check_label_equal(Ctx& ctx, int t, const forms::Identity& id) {
  const Grid& g = ctx.grids[t];
  auto [lr, lc] = find_label_value(g, id.left);
  auto [rr, rc] = find_label_value(g, id.right);
  if (lr < 0 || rr < 0 || lc < 0 || rc < 0) return;
  check_sum(ctx, "label_equal", {ref(ctx, t, lr, lc, id.left), ref(ctx, t, rr, rc, id.right)}, id.left, id.left,
            id.left + " = " + id.right);
}

// Rows named by the template: row `total` = Σ rows `parts`, for every amount column.
void check_row_items(Ctx& ctx, int t, const forms::Identity& id) {
  const auto& c = ctx.cls[t];
  auto find_row = [&](const std::string& label) -> const forms::Record* {
    std::string want = forms::text::normalize_title(label);
    for (const auto& r : c.records) if (forms::text::normalize_title(r.name) == want) return &r;
    return nullptr;
  };
  const forms::Record* total = find_row(id.total);
  if (!total) return;
  std::vector<const forms::Record*> parts;
  for (const auto& p : id.parts) if (const auto* r = find_row(p)) parts.push_back(r);
  if (parts.size() < 2) return;
  for (int col : amount_columns(c)) {
    const std::string& field = c.columns[col].field;
    std::vector<CellRef> cells{ref(ctx, t, total->row, col, id.total)};
    for (const auto* r : parts) cells.push_back(ref(ctx, t, r->row, col, r->name));
    check_sum(ctx, "row_items", cells, id.total, field, id.total + " = Σ its item rows, column " + field);
  }
}

void check_items_sum(Ctx& ctx, int t, const forms::Identity& id) {
  const Grid& g = ctx.grids[t];
  auto [tr, tc] = find_label_value(g, id.total);
  if (tr < 0 || tc < 0) return;
  int label_col = -1;
  for (int c = 0; c < tc; ++c) if (forms::text::normalize_title(g[tr][c]) == id.total) label_col = c;
  std::regex pattern(id.items_pattern);
  std::vector<CellRef> cells{ref(ctx, t, tr, tc, id.total)};
  for (int r = 0; r < int(g.size()); ++r) {
    if (label_col < 0 || label_col >= int(g[r].size())) continue;
    if (!std::regex_search(g[r][label_col], pattern)) continue;
    if (tc < int(g[r].size())) cells.push_back(ref(ctx, t, r, tc, g[r][label_col]));
  }
  check_sum(ctx, "items_sum", cells, id.total, id.total, id.total + " = Σ items (" + id.side + ")");
}

std::optional<CellRef> resolve(Ctx& ctx, const forms::DocRef& d, std::vector<CellRef>* parts) {
  for (int t = 0; t < int(ctx.cls.size()); ++t) {
    const auto& c = ctx.cls[t];
    if (c.form_id != d.form) continue;
    if (!d.label.empty()) {
      auto [r, k] = find_label_value(ctx.grids[t], d.label);
      if (r >= 0 && k >= 0) return ref(ctx, t, r, k, d.label);
      continue;
    }
    int col = column_of(c, d.field.empty() ? d.sum_field : d.field);
    if (col < 0) continue;
    if (!d.sum_field.empty()) {
      Decimal sum;
      for (const auto& rec : c.records) {
        if (rec.name == "合计") continue;
        auto v = amount_or_zero(ctx.grids[t][rec.row][col]);
        if (!v) return std::nullopt;
        sum += *v;
        if (parts) parts->push_back(ref(ctx, t, rec.row, col, rec.name));
      }
      return CellRef{t, -1, col, "Σ " + d.sum_field, sum.str(2)};
    }
    for (const auto& rec : c.records)
      if (forms::text::normalize_title(rec.name) == d.row || rec.code == d.row) return ref(ctx, t, rec.row, col, d.field);
  }
  return std::nullopt;
}

void check_doc_identity(Ctx& ctx, const forms::DocIdentity& d) {
  if (!d.same_left.empty()) {
    int lt = -1, rt = -1;
    for (int t = 0; t < int(ctx.cls.size()); ++t) {
      if (ctx.cls[t].form_id == d.same_left && lt < 0) lt = t;
      if (ctx.cls[t].form_id == d.same_right && rt < 0) rt = t;
    }
    if (lt < 0 || rt < 0) return;
    int lc = column_of(ctx.cls[lt], d.same_field), rc = column_of(ctx.cls[rt], d.same_field);
    if (lc < 0 || rc < 0) return;
    for (const auto& a : ctx.cls[lt].records) {
      if (a.code.empty()) continue;
      for (const auto& b : ctx.cls[rt].records)
        if (b.code == a.code) {
          std::vector<CellRef> cells{ref(ctx, lt, a.row, lc, d.same_field), ref(ctx, rt, b.row, rc, d.same_field)};
          check_sum(ctx, "same_code", cells, row_label(a), d.same_field, d.name + ": " + row_label(a));
          break;
        }
    }
    return;
  }
  std::vector<CellRef> parts;
  auto left = resolve(ctx, d.left, nullptr);
  auto right = resolve(ctx, d.right, d.right.sum_field.empty() ? nullptr : &parts);
  if (!left || !right) return;
  std::vector<CellRef> cells{*left};
  if (!d.right.sum_field.empty()) cells.insert(cells.end(), parts.begin(), parts.end());
  else cells.push_back(*right);
  if (!d.left.sum_field.empty()) {  // Σ rows on the left: compare the other way round
    std::vector<CellRef> lparts;
    resolve(ctx, d.left, &lparts);
    cells = {*right};
    cells.insert(cells.end(), lparts.begin(), lparts.end());
  }
  check_sum(ctx, "cross_table", cells, d.name, cells[0].field, d.name);
}

void check_sheets(Ctx& ctx, const std::vector<forms::PerfSheet>& sheets, const forms::TemplateSet& templates) {
  for (const auto& s : sheets) {
    const auto* tmpl = templates.perf_for(ctx.cls[s.table_index].form_id);
    if (!tmpl) continue;
    for (int half = 0; half < 2; ++half) {
      const auto& vals = half == 0 ? s.fund_implementation : s.fund_year;
      const auto& pos = half == 0 ? s.fund_cells_implementation : s.fund_cells_year;
      std::string name = half == 0 ? "实施期" : "年度";
      auto cell = [&](const std::string& f) {
        auto p = pos.find(f);
        auto v = vals.find(f);
        return CellRef{s.table_index, p == pos.end() ? -1 : p->second.first, p == pos.end() ? -1 : p->second.second,
                       name + "." + f, v == vals.end() ? "" : v->second};
      };
      CellRef total = cell(tmpl->fund_total);
      if (total.text.empty()) continue;
      std::vector<CellRef> cells{total};
      for (const auto& p : tmpl->fund_parts) cells.push_back(cell(p));
      check_sum(ctx, "fund_sum", cells, s.field("项目名称"), name + "资金总额",
                "项目 " + s.field("项目名称") + ": " + name + "资金总额 = 中央 + 省级 + 市县 + 自筹 + 其他");
    }
    // Sheet (元) against the project's row in 项目支出预算表 (万元).
    auto year = s.fund_year.find(tmpl->fund_total);
    if (year == s.fund_year.end() || year->second.empty()) continue;
    auto yv = Decimal::parse(year->second);
    if (!yv) continue;
    int pt = -1;
    for (int t = 0; t < int(ctx.cls.size()); ++t) if (ctx.cls[t].form_id == tmpl->project_table) { pt = t; break; }
    if (pt < 0) continue;
    int col = column_of(ctx.cls[pt], "合计");
    if (col < 0) continue;
    std::string pname = forms::text::normalize_title(s.field("项目名称"));
    const forms::Record* best = nullptr;
    double best_sim = 0;
    for (const auto& rec : ctx.cls[pt].records) {
      double sim = forms::text::similarity(forms::text::normalize_title(rec.name), pname);
      if (sim > best_sim) best_sim = sim, best = &rec;
    }
    auto pos = s.fund_cells_year.find(tmpl->fund_total);
    CellRef sheet_cell{s.table_index, pos == s.fund_cells_year.end() ? -1 : pos->second.first,
                       pos == s.fund_cells_year.end() ? -1 : pos->second.second, "年度资金总额", year->second};
    if (!best || best_sim < 0.5) {
      Finding f;
      f.rule = "sheet_project_missing";
      f.severity = "warning";
      f.table = s.table_index;
      f.table_title = ctx.tables[s.table_index].title;
      f.form_id = ctx.cls[s.table_index].form_id;
      f.row_label = s.field("项目名称");
      f.cells = {sheet_cell};
      f.message = "项目 " + s.field("项目名称") + " has no matching row in the project table";
      ctx.out.push_back(std::move(f));
      continue;
    }
    auto pv = amount_or_zero(ctx.grids[pt][best->row][col]);
    if (!pv) continue;
    Decimal expected = pv->times(tmpl->unit_factor);
    if (expected == *yv) continue;
    Finding f;
    f.rule = "sheet_vs_project";
    f.severity = "error";
    f.table = s.table_index;
    f.table_title = ctx.tables[s.table_index].title;
    f.form_id = ctx.cls[s.table_index].form_id;
    f.row_label = s.field("项目名称");
    f.column = "年度资金总额";
    f.expected = expected.str(0);
    f.found = year->second;
    f.cells = {sheet_cell, ref(ctx, pt, best->row, col, "合计")};
    f.message = "项目 " + s.field("项目名称") + ": 年度资金总额 " + year->second + " 元 but 项目支出预算表 row " +
                best->name + " has " + ctx.grids[pt][best->row][col] + " 万元 (= " + expected.str(0) + " 元)";
    ctx.out.push_back(std::move(f));
  }
}

}  // namespace

std::optional<Proposal> propose_single_cell_fix(const std::vector<CellRef>& cells) {
  std::vector<Decimal> v;
  for (const auto& c : cells) {
    auto d = amount_or_zero(c.text);
    if (!d) return std::nullopt;
    v.push_back(*d);
  }
  Decimal parts;
  for (std::size_t i = 1; i < v.size(); ++i) parts += v[i];
  std::optional<Proposal> found;
  int n = 0;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    if (cells[k].text.empty()) continue;  // an empty cell is not a misread number
    Decimal needed = k == 0 ? parts : v[0] - (parts - v[k]);
    std::string why = confusion(cells[k].text, v[k], needed);
    if (why.empty()) continue;
    ++n;
    found = Proposal{cells[k], cells[k].text, needed.str(decimals_of(cells[k].text)), why};
  }
  return n == 1 ? found : std::nullopt;
}

std::vector<Finding> check_document(const std::vector<Table>& tables, const std::vector<forms::Classified>& classified,
                                    const std::vector<forms::PerfSheet>& sheets, const forms::TemplateSet& templates) {
  Ctx ctx{tables, classified, {}, {}};
  for (const auto& t : tables) ctx.grids.push_back(forms::text_grid(t));
  for (int t = 0; t < int(tables.size()) && t < int(classified.size()); ++t) {
    const auto* form = classified[t].form;
    if (!form) continue;
    for (const auto& id : form->identities) {
      if (id.rule == "row_sum") check_row_sums(ctx, t, id);
      else if (id.rule == "code_hierarchy") check_hierarchy(ctx, t);
      else if (id.rule == "total_row") check_total_row(ctx, t, id);
      else if (id.rule == "label_equal") check_label_equal(ctx, t, id);
      else if (id.rule == "items_sum") check_items_sum(ctx, t, id);
      else if (id.rule == "row_items") check_row_items(ctx, t, id);
    }
  }
  for (const auto& d : templates.doc_identities) check_doc_identity(ctx, d);
  check_sheets(ctx, sheets, templates);
  return std::move(ctx.out);
}

std::string to_text(const Finding& f) {
  std::string s = "[" + f.severity + "] " + f.rule + " — " + (f.table_title.empty() ? "table " + std::to_string(f.table + 1)
                                                                                  : f.table_title);
  if (f.row >= 0) s += ", row " + std::to_string(f.row + 1);
  if (!f.row_label.empty()) s += " (" + f.row_label + ")";
  if (!f.column.empty()) s += ", column " + f.column;
  s += ": " + f.message;
  if (f.proposal)
    s += "\n      proposal: cell (row " + std::to_string(f.proposal->cell.row + 1) + ", col " +
         std::to_string(f.proposal->cell.col + 1) + ") " + f.proposal->original + " -> " + f.proposal->proposed + " (" +
         f.proposal->reason + "; original kept)";
  return s;
}

}  // namespace scantab::validate
