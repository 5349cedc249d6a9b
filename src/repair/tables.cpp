// repair: applying normalization, format checks and the lexicon to tables,
// and voting across the tables of one document.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "repair/internal.hpp"
#include "repair/repair.hpp"

namespace scantab::repair {
namespace {

bool has_cjk(std::string_view s) {
  auto u = detail::to_u32(s);
  return std::any_of(u.begin(), u.end(), detail::is_cjk);
}

bool is_subject_code(const std::string& s) {
  static const std::regex code(R"(\d{3}(\d{2}){0,2})");
  return std::regex_match(s, code);
}

bool has_issue(const Cell& c, std::string_view code) {
  return std::any_of(c.issues.begin(), c.issues.end(), [&](const Issue& i) { return i.code == code; });
}

// A cell that holds a number (not a header, not a label).
bool numeric_text(const std::string& text) {
  if (text.empty() || has_cjk(text)) return false;
  const std::string t = normalize_number(text);
  return parse_decimal(t).has_value();
}

// First row that holds a number anywhere: rows above it are header rows.
int header_end(const Table& t) {
  int end = t.rows;
  for (const Cell& c : t.cells)
    if (numeric_text(c.text)) end = std::min(end, c.row);
  return end;
}

// Per column: the header texts covering it, top to bottom, and the lowest one.
// Header rows end at the first row holding a number, so they may include a
// label row without amounts (三公: 因公出国（境）费 with empty cells).
struct Headers {
  std::vector<std::vector<std::string>> labels;
  std::vector<std::string> last;
  int end = 0;
};
Headers headers(const Table& t) {
  Headers h;
  h.labels.resize(std::size_t(std::max(0, t.cols)));
  h.last.resize(h.labels.size());
  h.end = header_end(t);
  for (const Cell& c : t.cells) {
    if (c.row >= h.end || c.text.empty()) continue;
    for (int col = std::max(0, c.col); col < std::min(t.cols, c.col + c.col_span); ++col) {
      h.labels[std::size_t(col)].push_back(c.text);
      h.last[std::size_t(col)] = c.text;
    }
  }
  return h;
}

// A column is a code column if any of its labels says so, else a text
// column, else an amount column ("支出功能分类科目 / 科目编码" is codes,
// "项目 / 因公出国（境）费" is labels, "2023年预算数 / 合计" amounts).
std::vector<ColumnKind> kinds_of(const Headers& h) {
  std::vector<ColumnKind> kinds;
  for (const auto& labels : h.labels) {
    ColumnKind kind = ColumnKind::kUnknown;
    for (ColumnKind wanted : {ColumnKind::kCode, ColumnKind::kText, ColumnKind::kAmount}) {
      if (std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return classify_header(l) == wanted; })) {
        kind = wanted;
        break;
      }
    }
    kinds.push_back(kind);
  }
  return kinds;
}

// The kind of column `col`; kUnknown outside the table (a cell's col may be odd).
ColumnKind kind_at(const std::vector<ColumnKind>& kinds, int col) {
  return col >= 0 && col < int(kinds.size()) ? kinds[std::size_t(col)] : ColumnKind::kUnknown;
}

// The subject code in `row`, if the table has a code column with one.
std::string row_code(const Table& t, const std::vector<ColumnKind>& kinds, int row) {
  for (const Cell& c : t.cells)
    if (c.row == row && kind_at(kinds, c.col) == ColumnKind::kCode &&
        is_subject_code(normalize_number(c.text)))
      return normalize_number(c.text);
  return {};
}

void repair_text(std::string& text, std::vector<Issue>& issues, const Lexicon& lexicon, std::string_view code) {
  if (text.empty()) return;
  text = normalize_text(text);
  if (auto fix = lexicon.correct(text, code)) {
    issues.push_back({"repaired", fmt::format("{}: '{}' -> '{}' (lexicon, distance {:.2f})",
                                              code.empty() ? "label" : "subject " + std::string(code), text,
                                              fix->text, fix->distance)});
    text = fix->text;
  }
}

}  // namespace

std::vector<ColumnKind> column_kinds(const Table& table) { return kinds_of(headers(table)); }

void repair_table(Table& table, const Lexicon& lexicon, const Options& options) {
  const Headers h = headers(table);
  const std::vector<ColumnKind> kinds = kinds_of(h);
  std::vector<Issue> title_issues;
  repair_text(table.title, title_issues, lexicon, {});
  for (Issue& i : title_issues) table.issues.push_back({i.code, "title " + i.message});

  // Cells repaired by an earlier call keep their text (idempotence); cells the
  // ordinal step repairs now still get normalization and the lexicon, which
  // keeps their (valid) ordinal and compares only the rest.
  std::vector<bool> repaired_before;
  for (const Cell& cell : table.cells) repaired_before.push_back(has_issue(cell, "repaired"));
  repair_list_ordinals(table);

  for (std::size_t i = 0; i < table.cells.size(); ++i) {
    Cell& cell = table.cells[i];
    if (cell.text.empty()) continue;
    const ColumnKind kind = kind_at(kinds, cell.col);
    const bool data_row = cell.row >= h.end;
    const bool number = data_row && !has_cjk(cell.text) &&
                        (kind == ColumnKind::kAmount || kind == ColumnKind::kCode || numeric_text(cell.text));
    if (number) {
      cell.text = normalize_number(cell.text);
      const double f = format_score(cell.text, kind);
      if (f < 0.5 && !has_issue(cell, "malformed_number"))
        cell.issues.push_back({"malformed_number", fmt::format("'{}' is not a well-formed {}", cell.text,
                                                               kind == ColumnKind::kCode ? "subject code" : "amount")});
      cell.confidence = std::min(cell.confidence, f);
    } else if (!repaired_before[i]) {
      const std::string code = data_row && kind == ColumnKind::kText ? row_code(table, kinds, cell.row) : "";
      repair_text(cell.text, cell.issues, lexicon, code);
    }
    if (cell.confidence < options.low_confidence && !has_issue(cell, "low_confidence"))
      cell.issues.push_back({"low_confidence", fmt::format("confidence {:.2f} below {:.2f}", cell.confidence,
                                                           options.low_confidence)});
  }
  repair_codes_from_names(table, lexicon);
}

int repair_codes_from_names(Table& table, const Lexicon& lexicon) {
  const Headers h = headers(table);
  const std::vector<ColumnKind> kinds = kinds_of(h);
  // Per data row: its subject-code cells and its name cells.
  struct RowCells {
    std::vector<Cell*> codes, names;
  };
  std::map<int, RowCells> rows;
  for (Cell& c : table.cells) {
    if (c.row < h.end || c.text.empty()) continue;
    const ColumnKind kind = kind_at(kinds, c.col);
    if (kind == ColumnKind::kCode && is_subject_code(c.text)) rows[c.row].codes.push_back(&c);
    else if (kind == ColumnKind::kText) rows[c.row].names.push_back(&c);
  }
  int changed = 0;
  for (auto& [row, cells] : rows) {
    if (cells.codes.size() != 1 || cells.names.size() != 1) continue;
    Cell* code_cell = cells.codes[0];
    const Cell* name_cell = cells.names[0];
    const std::string& read = code_cell->text;
    const std::vector<std::string> names = lexicon.names_for(read);
    if (std::find(names.begin(), names.end(), name_cell->text) != names.end()) continue;
    std::vector<std::string> near;
    for (const std::string& code : lexicon.codes_for(name_cell->text)) {
      if (code.size() != read.size()) continue;
      int differ = 0;
      for (std::size_t i = 0; i < code.size(); ++i) differ += code[i] != read[i];
      if (differ == 1) near.push_back(code);
    }
    if (near.size() != 1) continue;
    code_cell->issues.push_back({"repaired", fmt::format("subject code '{}' -> '{}' (the lexicon's code for the row's "
                                                          "name '{}', one digit off)",
                                                          read, near[0], name_cell->text)});
    code_cell->text = near[0];
    ++changed;
  }
  return changed;
}

int vote_document(DocumentResult& document) {
  // key -> the cells that claim a value for it
  std::map<std::string, std::vector<Cell*>> groups;
  for (PageResult& page : document.pages)
    for (Table& t : page.tables) {
      const Headers h = headers(t);
      const std::vector<ColumnKind> kinds = kinds_of(h);
      for (Cell& c : t.cells) {
        if (c.row < h.end || c.text.empty()) continue;
        const ColumnKind kind = kind_at(kinds, c.col);
        if (kind != ColumnKind::kText && kind != ColumnKind::kAmount) continue;
        const std::string code = row_code(t, kinds, c.row);
        if (code.empty()) continue;
        const std::string label = kind == ColumnKind::kText ? "name" : h.last[std::size_t(c.col)];
        if (kind == ColumnKind::kAmount && (label.empty() || !numeric_text(c.text))) continue;
        groups[code + "\t" + label].push_back(&c);
      }
    }

  int changes = 0;
  for (auto& [key, cells] : groups) {
    if (cells.size() < 2) continue;
    // Readings are the same when their texts are, or their amounts are.
    auto same = [](const std::string& a, const std::string& b) {
      if (a == b) return true;
      auto x = parse_decimal(a), y = parse_decimal(b);
      return x && y && x->same_value(*y);
    };
    struct Tally {
      std::string text;
      int votes = 0;
      double confidence = 0;
    };
    std::vector<Tally> tallies;
    for (Cell* c : cells) {
      auto it = std::find_if(tallies.begin(), tallies.end(), [&](const Tally& t) { return same(t.text, c->text); });
      if (it == tallies.end()) it = tallies.insert(tallies.end(), Tally{c->text, 0, 0});
      ++it->votes;
      it->confidence = std::max(it->confidence, c->confidence);
    }
    if (tallies.size() < 2) continue;
    std::sort(tallies.begin(), tallies.end(), [](const Tally& a, const Tally& b) {
      return std::pair(a.votes, a.confidence) > std::pair(b.votes, b.confidence);
    });
    std::string list;
    for (const Tally& t : tallies) list += fmt::format("{}'{}' x{}", list.empty() ? "" : ", ", t.text, t.votes);
    const std::string what = key.substr(0, key.find('\t')) + " " + key.substr(key.find('\t') + 1);
    const bool clear = tallies[0].votes > tallies[1].votes;
    for (Cell* c : cells) {
      if (same(c->text, tallies[0].text)) {
        if (!clear) c->issues.push_back({"cross_table_disagreement", fmt::format("{}: tables disagree: {}", what, list)});
        continue;
      }
      if (clear) {
        c->issues.push_back({"voted", fmt::format("{}: '{}' -> '{}' (cross-table majority: {})", what, c->text,
                                                  tallies[0].text, list)});
        c->text = tallies[0].text;
        ++changes;
      } else {
        c->issues.push_back({"cross_table_disagreement", fmt::format("{}: tables disagree: {}", what, list)});
      }
    }
  }
  return changes;
}

}  // namespace scantab::repair
