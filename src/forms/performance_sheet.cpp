// Repair of 项目支出绩效目标申报表 into the template's canonical record.
//
// The sheet is read row by row as a sequence of non-empty cells ("tokens");
// column positions are unreliable in OCR/converter output (merged cells are
// shifted, halves lose cells), so each token is classified by what it says:
// a template label (exact, a legitimate variant, or a near miss by edit
// distance), a value, or an indicator-grid header. Values attach to the label
// before them. In the indicator grid each row holds up to two (三级, 指标值)
// pairs, the first for the 实施期 half and the second for the 年度 half;
// 一级/二级 labels carry down to continuation rows. Every change to a text is
// recorded as a Repair with the original; nothing is filled in that the page
// does not show (an inferred label says where it was inferred from).
#include <algorithm>
#include <regex>

#include "forms/forms.hpp"
#include "forms/text.hpp"

namespace scantab::forms {
namespace {

struct Token {
  std::string text, raw;
  int row = 0, col = 0;
};

int cp_len(const std::string& s) { return int(text::to_u32(s).size()); }

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// Values that are clearly values (numbers, comparisons, percentages), never names.
bool looks_like_value(const std::string& s) {
  static const std::regex re(R"(^(≥|≤|>|<|=|＞|＜|≧|≦)?\s*[0-9][0-9,.]*\s*\S{0,8}$)");
  return std::regex_match(s, re) || s.ends_with("%");
}

enum class Kind { kNone, kText, kFund, kGoal, kGoalHeader, kFundHeader, kGridHeader, kLevel1, kLevel2, kFooter };
struct Match {
  Kind kind = Kind::kNone;
  std::string field;           // canonical
  std::string second;          // level 2 of a combined "满意服务" token
  bool exact = true;           // false: near miss or variant (recorded)
  std::string why;
  std::string rest;            // value text sharing the label's cell
  int fund_half = -1;          // 0 实施期, 1 年度 for total labels
};

class SheetReader {
 public:
  SheetReader(const PerfTemplate& t, PerfSheet& out) : t_(t), out_(out) {}

  // Label recognition. `key` is label_key(token).
  Match match(const std::string& token) const {
    Match m;
    std::string key = text::label_key(token);
    if (key.empty()) return m;
    std::string undoubled = text::undouble(key);
    if (undoubled != key) {
      Match inner = match(undoubled);
      if (inner.kind != Kind::kNone) {
        inner.exact = false;
        inner.why = "label doubled in its cell (" + token + ")";
        return inner;
      }
    }
    int len = cp_len(key);
    // Footer labels: 负责人, 经办人 (also truncated 负责/经办), 联系电话, 填报日期.
    for (const auto& f : t_.footer)
      for (const auto& a : f.aliases)
        if (key == a || (len >= 2 && starts_with(a, key) && len < cp_len(a)))
          return {Kind::kFooter, f.field, "", key == a, key == a ? "" : "truncated label " + token};
    // Indicator grid headers.
    for (const char* h : {"绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "一级", "二级", "三级"})
      if (key == h) return {Kind::kGridHeader, h};
    if (key == "实施期目标" || key == "年度目标") return {Kind::kGoalHeader, key};
    if (len <= 6 && (text::similarity(key, "实施期目标") >= 0.6 || text::similarity(key, "年度目标") >= 0.74)) {
      bool year = text::similarity(key, "年度目标") > text::similarity(key, "实施期目标");
      return {Kind::kGoalHeader, year ? "年度目标" : "实施期目标", "", false, "near-miss goal header " + token};
    }
    if (starts_with(key, "项目资金")) return {Kind::kFundHeader, "项目资金"};
    for (const auto& g : t_.goal_aliases)
      if (key == g) return {Kind::kGoal, "总体目标", "", key == "总体目标", key == "总体目标" ? "" : "variant " + key};
    // Level 1 and level 2 indicator labels.
    if (starts_with(key, "满意") && text::contains(key, "服务") && key != "服务对象满意度指标")
      return {Kind::kLevel1, "满意度指标", "服务对象满意度指标", false, "一级 and 二级 labels merged: " + token};
    for (const auto& [canon, aliases] : t_.level1)
      for (const auto& a : aliases)
        if (key == a) return {Kind::kLevel1, canon, "", key == canon, key == canon ? "" : "variant " + key};
    for (const auto& [variant, canon] : t_.level2_variants)
      if (key == variant) return {Kind::kLevel2, canon, "", false, "variant " + key};
    if (t_.level2.count(key)) return {Kind::kLevel2, key};
    if (len >= 2 && len <= 9) {
      std::string found;
      int n = 0;
      for (const auto& [canon, parent] : t_.level2)
        if (starts_with(canon, key)) found = canon, ++n;
      if (n == 1) return {Kind::kLevel2, found, "", false, "truncated label " + token};
    }
    // Fund labels by their distinctive words (labels vary by city and year).
    if (len <= 14 && (text::contains(key, "资金") || text::contains(key, "拨款") || text::contains(key, "自筹"))) {
      auto fund = [&](const std::string& f, int half = -1) {
        Match r{Kind::kFund, f};
        r.fund_half = half;
        const ColumnSpec* spec = nullptr;
        for (const auto& s : t_.fund_fields) if (s.field == f) spec = &s;
        r.exact = spec && std::find(spec->aliases.begin(), spec->aliases.end(), key) != spec->aliases.end();
        if (!r.exact) r.why = "fund label " + token + " read as " + f;
        return r;
      };
      if (text::contains(key, "总额")) return fund(t_.fund_total, text::contains(key, "年度") ? 1 : 0);
      if (text::contains(key, "中央")) return fund("中央");
      if (text::contains(key, "省")) return fund("省级");
      if (text::contains(key, "市") || text::contains(key, "县")) return fund("市县");
      if (text::contains(key, "自筹")) return fund("自筹");
      if (text::contains(key, "其他")) return fund("其他");
    }
    // Text-field labels: exact, label followed by its value in one cell, or a near miss.
    for (const auto& f : t_.text_fields)
      for (const auto& a : f.aliases) {
        if (key == a) return {Kind::kText, f.field};
        if (starts_with(key, a) && cp_len(a) >= 3) {
          Match r{Kind::kText, f.field};
          std::string raw_rest = text::to_utf8(text::to_u32(text::normalize_title(token)).substr(cp_len(a)));
          while (starts_with(raw_rest, "：")) raw_rest = raw_rest.substr(3);
          r.rest = raw_rest;
          return r;
        }
      }
    for (const auto& [field, labels] : t_.confusions)
      for (const auto& l : labels)
        if (key == l && !filled(field)) {
          bool own_field_free = false;
          for (const auto& f : t_.text_fields) if (f.field == key && !filled(key)) own_field_free = true;
          if (!own_field_free) return {Kind::kText, field, "", false, "label replaced by a neighbour's (" + token + ")"};
        }
    if (len >= 3 && len <= 14) {
      double best = 0;
      std::string field;
      for (const auto& f : t_.text_fields)
        for (const auto& a : f.aliases) {
          double s = text::similarity(key, a);
          if (s > best && std::abs(cp_len(a) - len) <= 2) best = s, field = f.field;
        }
      if (best >= 0.6) return {Kind::kText, field, "", false, "near-miss label " + token};
    }
    return m;
  }

  bool filled(const std::string& field) const {
    for (const auto& [k, v] : out_.fields) if (k == field) return true;
    return false;
  }

  void repair(std::string field, std::string original, std::string repaired, std::string reason, const Token* tok) {
    out_.repairs.push_back({std::move(field), std::move(original), std::move(repaired), std::move(reason),
                            tok ? tok->row : -1, tok ? tok->col : -1});
  }

  // Undo doubling and unit garbles in a value; records what changed.
  std::string clean_value(const std::string& field, const Token& tok, std::string v) {
    if (tok.raw.find('<') != std::string::npos || tok.raw.find("**") != std::string::npos)
      repair(field, tok.raw, v, "markup residue removed", &tok);
    std::string u = text::undouble(v);
    if (u != v) { repair(field, v, u, "text doubled inside the cell", &tok); v = u; }
    static const std::regex percent("百分比$"), slash_unit(R"(([0-9])/(万元|元|次|人|天|个|台|件)$)");
    std::string w = std::regex_replace(v, percent, "%");
    w = std::regex_replace(w, slash_unit, "$1$2");
    if (w != v) { repair(field, v, w, "mangled unit", &tok); v = w; }
    return v;
  }

  void set_text(const std::string& field, std::string value) {
    for (auto& [k, v] : out_.fields)
      if (k == field) { v += (v.empty() ? "" : " ") + value; return; }
    out_.fields.emplace_back(field, std::move(value));
  }

  void read_head_row(const std::vector<Token>& row) {
    int fund_seen = 0;
    std::string pending_text;       // text field waiting for its value
    std::string pending_fund;       // fund field waiting for its value
    int pending_half = 0;
    bool pending_goal = false;
    int goal_values = 0;
    for (const Token& tok : row) {
      Match m = match(tok.text);
      if (m.kind == Kind::kNone) {  // a value
        if (!pending_text.empty()) {
          set_text(pending_text, clean_value(pending_text, tok, tok.text));
          pending_text.clear();
        } else if (!pending_fund.empty()) {
          auto& dst = pending_half == 0 ? out_.fund_implementation : out_.fund_year;
          auto& cells = pending_half == 0 ? out_.fund_cells_implementation : out_.fund_cells_year;
          dst[pending_fund] = tok.text;
          cells[pending_fund] = {tok.row, tok.col};
          pending_fund.clear();
        } else if (pending_goal) {
          // One goal cell holding two <p> paragraphs: the 实施期 and the 年度 goal.
          static const std::regex para(R"(<p>([\s\S]*?)</p>)");
          std::vector<std::string> paras;
          for (std::sregex_iterator it(tok.raw.begin(), tok.raw.end(), para), end; it != end; ++it)
            paras.push_back((*it)[1]);
          if (goal_values == 0 && paras.size() == 2) {
            out_.goal_implementation = paras[0];
            out_.goal_year = paras[1];
            repair("总体目标", tok.raw, paras[0] + " | " + paras[1], "one cell held both goals as two paragraphs", &tok);
            goal_values = 2;
            continue;
          }
          std::string v = clean_value("总体目标", tok, tok.text);
          (goal_values++ == 0 ? out_.goal_implementation : out_.goal_year) = v;
        }
        continue;
      }
      if (!m.exact && !m.why.empty()) repair(m.field, tok.text, m.field, m.why, &tok);
      pending_text.clear();
      pending_fund.clear();
      if (m.kind == Kind::kText) {
        pending_text = m.field;
        if (!m.rest.empty()) {
          Token rest = tok;
          rest.text = m.rest;
          set_text(m.field, clean_value(m.field, rest, m.rest));
          pending_text.clear();
        } else if (!filled(m.field)) {
          set_text(m.field, "");
        }
      } else if (m.kind == Kind::kFund) {
        pending_fund = m.field;
        pending_half = m.fund_half >= 0 ? m.fund_half : (fund_seen > 0 ? 1 : 0);
        ++fund_seen;
      } else if (m.kind == Kind::kGoal) {
        pending_goal = true;
      }
    }
  }

  // ---------------------------------------------------------- indicator grid
  struct Half {
    std::string level2, name;
    const Token* name_tok = nullptr;
    bool level2_set_in_row = false;
  };

  void emit(int h, const std::string& value, const Token* value_tok, int row) {
    Half& half = halves_[h];
    Indicator ind;
    ind.level1 = level1_;
    ind.level2 = half.level2;
    ind.level3 = half.name;
    ind.value = value;
    ind.period = h == 0 ? "实施期" : "年度";
    ind.row = row;
    if (half.name_tok) ind.level3 = clean_value("indicator.三级指标", *half.name_tok, half.name);
    if (value_tok) ind.value = clean_value("indicator.指标值", *value_tok, value);
    row_indicators_.push_back({h, int(out_.indicators.size())});
    out_.indicators.push_back(std::move(ind));
    half.name.clear();
    half.name_tok = nullptr;
  }

  void read_grid_row(const std::vector<Token>& row) {
    int h = 0, level2_headers_in_row = 0;
    bool header_tokens = false, content = false;
    row_indicators_.clear();
    for (auto& half : halves_) half.level2_set_in_row = false;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Token& tok = row[i];
      Match m = match(tok.text);
      if (m.kind == Kind::kGridHeader) {
        header_tokens = true;
        if ((m.field == "二级指标" || m.field == "二级") && ++level2_headers_in_row == 2) year_col_ = tok.col;
        continue;
      }
      // A row whose 实施期 half is empty: content at or right of the 年度 header column is 年度.
      if (h == 0 && year_col_ > 0 && tok.col >= year_col_ && !content && m.kind == Kind::kNone)
        h = 1;
      content = true;
      if (!m.exact && !m.why.empty() && (m.kind == Kind::kLevel1 || m.kind == Kind::kLevel2))
        repair("indicator.label", tok.text, m.field + (m.second.empty() ? "" : "/" + m.second), m.why, &tok);
      if (m.kind == Kind::kLevel1) {
        if (level1_ != m.field) {
          level1_ = m.field;
          for (auto& half : halves_) half.level2.clear();
        }
        if (!m.second.empty()) { halves_[h].level2 = m.second; halves_[h].level2_set_in_row = true; }
        continue;
      }
      if (m.kind == Kind::kLevel2) {
        if (h == 0 && (halves_[0].level2_set_in_row || !halves_[0].name.empty() || !row_indicators_.empty())) {
          if (!halves_[0].name.empty()) emit(0, "", nullptr, tok.row);
          h = 1;
        }
        halves_[h].level2 = m.field;
        halves_[h].level2_set_in_row = true;
        if (level1_.empty() || t_.level2.at(m.field) != level1_) {
          if (!level1_.empty() || true) {
            std::string parent = t_.level2.at(m.field);
            if (parent != level1_) {
              repair("indicator.一级指标", level1_, parent, "一级指标 taken from the template's parent of " + m.field, &tok);
              level1_ = parent;
            }
          }
        }
        continue;
      }
      if (m.kind == Kind::kFooter || m.kind == Kind::kText || m.kind == Kind::kFund || m.kind == Kind::kGoal) continue;
      // A name or a value.
      Half& half = halves_[h];
      if (half.name.empty()) {
        // "X X v": the first X stands where a level-2 label belongs (label replaced by a neighbour's).
        if (i + 2 < row.size() && row[i + 1].text == tok.text && match(row[i + 2].text).kind == Kind::kNone &&
            h == 1) {
          repair("indicator.二级指标", tok.text, half.level2, "二级 label replaced by the indicator name; kept " +
                 half.level2, &tok);
          continue;
        }
        if (looks_like_value(tok.text)) {  // value without a name: the name is missing on the page
          emit(h, tok.text, &tok, tok.row);
          if (h == 0) h = 1;
          continue;
        }
        half.name = tok.text;
        half.name_tok = &tok;
      } else {
        emit(h, tok.text, &tok, tok.row);
        if (h == 0) h = 1;
      }
    }
    if (!halves_[h].name.empty()) emit(h, "", nullptr, row.empty() ? -1 : row.front().row);
    if (h == 0 && !halves_[1].name.empty()) emit(1, "", nullptr, -1);
    // Half 0 had no level-2 label in this row but half 1 set one: the left label was lost.
    if (halves_[1].level2_set_in_row && !halves_[0].level2_set_in_row) {
      for (auto [hh, idx] : row_indicators_)
        if (hh == 0 && out_.indicators[idx].level2 != halves_[1].level2) {
          repair("indicator.二级指标", out_.indicators[idx].level2, halves_[1].level2,
                 "二级 label missing in the 实施期 half; taken from the 年度 half of the same row", nullptr);
          out_.indicators[idx].level2 = halves_[1].level2;
        }
      halves_[0].level2 = halves_[1].level2;
    }
    // A half still without a level-2 label after a level-1 change: take the other half's label of this row.
    for (int from = 0; from < 2; ++from) {
      int to = 1 - from;
      if (!halves_[from].level2_set_in_row || !halves_[to].level2.empty()) continue;
      for (auto [hh, idx] : row_indicators_)
        if (hh == to && out_.indicators[idx].level2.empty()) {
          repair("indicator.二级指标", "", halves_[from].level2, std::string("二级 label missing in the ") +
                 (to == 0 ? "实施期" : "年度") + " half; taken from the other half of the same row", nullptr);
          out_.indicators[idx].level2 = halves_[from].level2;
        }
      halves_[to].level2 = halves_[from].level2;
    }
    // Mirror rows (the same 三级 name in both halves): a 年度 half without its own 二级 label in this
    // row belongs under the 实施期 half's new label.
    if (halves_[0].level2_set_in_row && !halves_[1].level2_set_in_row) {
      for (auto [h0, i0] : row_indicators_)
        for (auto [h1, i1] : row_indicators_)
          if (h0 == 0 && h1 == 1 && out_.indicators[i0].level3 == out_.indicators[i1].level3 &&
              out_.indicators[i1].level2 != out_.indicators[i0].level2) {
            repair("indicator.二级指标", out_.indicators[i1].level2, out_.indicators[i0].level2,
                   "二级 label missing in the 年度 half of a mirror row; taken from the 实施期 half", nullptr);
            out_.indicators[i1].level2 = out_.indicators[i0].level2;
            halves_[1].level2 = out_.indicators[i0].level2;
          }
    }
    if (header_tokens && content)
      repair("indicator.header", "", "", "indicator header row shifted into a data row; labels read from it",
             row.empty() ? nullptr : &row.front());
  }

  void read_footer_row(const std::vector<Token>& row) {
    std::string pending;
    for (const Token& tok : row) {
      Match m = match(tok.text);
      if (m.kind == Kind::kFooter) {
        if (!m.exact) repair(m.field, tok.text, m.field, m.why, &tok);
        pending = m.field;
        if (std::none_of(out_.footer.begin(), out_.footer.end(), [&](auto& p) { return p.first == m.field; }))
          out_.footer.emplace_back(m.field, "");
        continue;
      }
      if (pending.empty()) continue;
      std::string v = tok.text;
      if (pending == "填报日期" || pending == "联系电话") {
        std::string digits;
        for (char c : v) if (c != ' ') digits += c;
        if (digits != v) repair(pending, v, digits, "spaces inside a number", &tok);
        v = digits;
      }
      for (auto& [k, val] : out_.footer) if (k == pending) val = v;
      pending.clear();
    }
  }

  void read(const std::vector<std::vector<Token>>& rows) {
    enum { kHead, kGrid, kFooter } state = kHead;
    for (const auto& row : rows) {
      if (row.empty()) continue;
      bool footer = false, grid = false;
      for (const Token& tok : row) {
        Match m = match(tok.text);
        if (m.kind == Kind::kFooter) footer = true;
        if (m.kind == Kind::kGridHeader || (m.kind == Kind::kLevel1 && state == kHead && !out_.goal_implementation.empty()))
          grid = true;
      }
      if (footer) state = kFooter;
      else if (grid && state == kHead) state = kGrid;
      if (state == kHead) read_head_row(row);
      else if (state == kGrid) read_grid_row(row);
      else read_footer_row(row);
    }
    // Exact duplicate consecutive indicators are an OCR row repeat.
    for (std::size_t i = 1; i < out_.indicators.size(); ++i) {
      const auto& a = out_.indicators[i];
      bool dup = false;
      for (std::size_t k = 0; k < i && !dup; ++k) {
        const auto& b = out_.indicators[k];
        dup = a.level1 == b.level1 && a.level2 == b.level2 && a.level3 == b.level3 && a.value == b.value &&
              a.period == b.period && !a.level3.empty();
      }
      if (dup) {
        repair("indicator", a.level3 + " " + a.value, "", "row repeated; duplicate dropped", nullptr);
        out_.indicators.erase(out_.indicators.begin() + long(i));
        --i;
      }
    }
  }

 private:
  const PerfTemplate& t_;
  PerfSheet& out_;
  std::string level1_;
  int year_col_ = -1;  // column of the 年度 half's 二级指标 header, when a header row showed it
  Half halves_[2];
  std::vector<std::pair<int, int>> row_indicators_;  // (half, index) emitted in the current row
};

}  // namespace

std::string PerfSheet::field(const std::string& name) const {
  for (const auto& [k, v] : fields) if (k == name) return v;
  return "";
}

PerfSheet repair_performance_sheet(const Table& table, const PerfTemplate& tmpl, int table_index) {
  PerfSheet out;
  out.table_index = table_index;
  std::vector<std::vector<Token>> rows(std::max(0, table.rows));
  for (const Cell& c : table.cells) {
    if (c.row < 0 || c.row >= table.rows || c.text.empty()) continue;
    rows[c.row].push_back({c.text, c.ocr_text.empty() ? c.text : c.ocr_text, c.row, c.col});
  }
  for (auto& r : rows) std::sort(r.begin(), r.end(), [](const Token& a, const Token& b) { return a.col < b.col; });
  SheetReader reader(tmpl, out);
  reader.read(rows);
  // Canonical order and the list of what the page does not show.
  std::vector<std::pair<std::string, std::string>> ordered;
  for (const auto& f : tmpl.text_fields) {
    std::string v = out.field(f.field);
    ordered.emplace_back(f.field, v);
    if (v.empty()) out.missing.push_back(f.field);
  }
  out.fields = std::move(ordered);
  for (const auto& f : tmpl.fund_fields) {
    if (out.fund_implementation[f.field].empty()) out.missing.push_back("实施期." + f.field);
    if (out.fund_year[f.field].empty()) out.missing.push_back("年度." + f.field);
  }
  if (out.goal_implementation.empty()) out.missing.push_back("总体目标.实施期");
  if (out.goal_year.empty()) out.missing.push_back("总体目标.年度");
  for (const auto& f : tmpl.footer) {
    bool found = false;
    for (auto& [k, v] : out.footer) found = found || (k == f.field && !v.empty());
    if (!found) out.missing.push_back(f.field);
  }
  std::vector<std::pair<std::string, std::string>> footer;
  for (const auto& f : tmpl.footer) {
    std::string v;
    for (auto& [k, val] : out.footer) if (k == f.field) v = val;
    footer.emplace_back(f.field, v);
  }
  out.footer = std::move(footer);
  return out;
}

}  // namespace scantab::forms
