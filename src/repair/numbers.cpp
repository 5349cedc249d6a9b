// repair: column kinds, number format checks, and the choice between several
// OCR readings of one amount/code cell.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ranges>
#include <regex>
#include <string_view>

#include "repair/repair.hpp"

namespace scantab::repair {
namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Non-empty and ASCII digits only.
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Marks OCR adds to or misreads in a number, undone only when the result is
// better formed for the column (format_score) than the reading:
//  - stray marks at the edges, taken off when that makes the number well
//    formed (format 1.0): a speck read as ".", "," or "、" before it, or as
//    ".", "," or "-" after it (".4981.70", ".、67.53", "2101102.");
//  - outside amount columns, trailing marks after a plain integer (a
//    numbering column's "2." "20 ." "9,"); in an amount column "12." may be
//    a cut-off "12.xx" and stays malformed;
//  - a colon read for the decimal point between digits ("1324:21"), when
//    that makes a well-formed amount;
//  - quote marks (“ ” ‘ ’ " ' `) before a number, which no number begins
//    with: specks read as quotes ("`”57.30", "”4"), taken off whenever the
//    rest parses as a number.
// A leading "-" is a sign and stays. without_edge_marks() undoes all of
// these but the quotes; without_stray_marks() (below) all of them.
std::string without_edge_marks(const std::string& t, ColumnKind kind) {
  const double before = format_score(t, kind);
  if (before >= 1.0) return t;
  static constexpr std::string_view kIdeographicComma = "、";
  std::size_t a = 0, b = t.size();
  while (a < b) {
    if (t[a] == '.' || t[a] == ',') ++a;
    else if (std::string_view(t).substr(a).starts_with(kIdeographicComma)) a += kIdeographicComma.size();
    else break;
  }
  const std::size_t trimmed_front = a;
  while (b > a && (t[b - 1] == '.' || t[b - 1] == ',' || t[b - 1] == '-')) --b;
  std::string core = t.substr(a, b - a);
  if (const std::size_t colon = core.find(':'); colon != std::string::npos && colon > 0 && colon + 1 < core.size() &&
                                                std::isdigit(static_cast<unsigned char>(core[colon - 1])) &&
                                                std::isdigit(static_cast<unsigned char>(core[colon + 1]))) {
    std::string point = core;
    point[colon] = '.';
    if (format_score(point, kind) >= 1.0) return point;
  }
  if (core.size() == t.size()) return t;
  if (format_score(core, kind) >= 1.0) return core;
  if (kind != ColumnKind::kAmount && trimmed_front == 0 && all_digits(core) && format_score(core, kind) > before)
    return core;
  return t;
}

std::string without_stray_marks(const std::string& read, ColumnKind kind) {
  std::string t = read;
  for (bool again = true; again;) {
    again = false;
    for (std::string_view quote : {"“", "”", "‘", "’", "\"", "'", "`"})
      if (t.size() > quote.size() && std::string_view(t).starts_with(quote)) {
        t.erase(0, quote.size());
        again = true;
      }
  }
  std::string out = without_edge_marks(t, kind);
  return t.size() == read.size() || parse_decimal(out) ? out : without_edge_marks(read, kind);
}

}  // namespace

ColumnKind classify_header(std::string_view h) {
  if (h.empty()) return ColumnKind::kUnknown;
  // Codes before names: "科目编码" also contains 科目.
  if (contains(h, "编码") || contains(h, "代码")) return ColumnKind::kCode;
  if (contains(h, "名称") || h == "项目" || contains(h, "摘要") || contains(h, "说明")) return ColumnKind::kText;
  for (std::string_view k : {"合计", "金额", "支出", "预算数", "预算", "经费", "小计", "总计", "拨款", "资金",
                             "收入", "结转", "费", "安排", "万元", "元"})
    if (contains(h, k)) return ColumnKind::kAmount;
  return ColumnKind::kUnknown;
}

double format_score(std::string_view t, ColumnKind kind) {
  static const std::regex amount2(R"(-?(\d{1,3}(,\d{3})+|\d+)\.\d{2})");
  static const std::regex amount_other(R"(-?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,4})?%?)");
  static const std::regex code(R"(\d{3}(\d{2}){0,2})");
  const std::string s(t);
  const bool is_code = std::regex_match(s, code);
  switch (kind) {
    case ColumnKind::kCode: return is_code ? 1.0 : std::regex_match(s, std::regex(R"(\d+)")) ? 0.5 : 0.3;
    case ColumnKind::kAmount:
      return std::regex_match(s, amount2) ? 1.0 : std::regex_match(s, amount_other) ? 0.75 : 0.3;
    default:
      return std::regex_match(s, amount2) || is_code ? 1.0 : std::regex_match(s, amount_other) ? 0.75 : 0.3;
  }
}

namespace {

// In an amount column: `integer` is `amount` (a well-formed amount, two
// decimals) read without its point and separators ("498170" for "4981.70").
// OCR drops a faint point far more often than it invents one, so the two
// readings count as one value, spelled as the well-formed one.
bool point_dropped(const std::string& amount, const std::string& integer, ColumnKind kind) {
  if (kind != ColumnKind::kAmount || !all_digits(integer) || format_score(amount, kind) < 1.0) return false;
  std::string digits;
  for (char c : amount)
    if (c >= '0' && c <= '9') digits += c;
  return digits == integer;
}

}  // namespace

NumberDecision decide_number(const std::vector<Reading>& readings, ColumnKind kind) {
  struct Group {
    std::string text;
    double score = 0;               // best confidence x format score among members
    double miss = 1;                // prod(1 - c_i)
    int votes = 0;
    double format = 0;
    std::string stray;              // a member's reading that lost stray edge marks
    std::string pointless;          // a member's reading without the amount's point (point_dropped)
  };
  std::vector<Group> groups;
  int non_empty = 0;
  for (const Reading& r : readings) {
    const std::string read = normalize_number(r.text);
    if (read.empty()) continue;
    const std::string t = without_stray_marks(read, kind);
    ++non_empty;
    const double f = format_score(t, kind), c = std::clamp(r.confidence, 0.0, 1.0);
    auto d = parse_decimal(t);
    auto same = [&](const Group& g) {
      if (g.text == t) return true;
      auto e = parse_decimal(g.text);
      return (d && e && d->same_value(*e) && d->scale == e->scale) || point_dropped(g.text, t, kind) ||
             point_dropped(t, g.text, kind);
    };
    auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it == groups.end()) it = groups.insert(groups.end(), Group{t, 0, 1, 0, f, "", ""});
    if (t != read && it->stray.empty()) it->stray = read;
    if (point_dropped(it->text, t, kind)) it->pointless = t;
    else if (point_dropped(t, it->text, kind)) it->pointless = it->text;
    // The better formatted spelling of the same value; equally good: the one
    // with more marks (OCR drops separators more often than it invents them).
    if (f > it->format || (f == it->format && t.size() > it->text.size())) {
      it->text = t;
      it->format = f;
    }
    it->score = std::max(it->score, c * f);
    it->miss *= 1 - c;
    ++it->votes;
  }
  NumberDecision out;
  if (groups.empty()) return out;  // every reading empty: an empty cell
  auto best = std::max_element(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return std::pair(a.votes, a.score) < std::pair(b.votes, b.score);
  });
  auto note_stray = [&] {
    if (!best->stray.empty())
      out.issues.push_back({"stray_mark", fmt::format("'{}' has a stray or misread mark; read as '{}'", best->stray,
                                                      best->text)});
    if (!best->pointless.empty()) {
      out.issues.push_back({"point_restored", fmt::format("'{}' was also read without its decimal point; read as '{}'",
                                                          best->pointless, best->text)});
      out.confidence = std::min(out.confidence, 0.7);
    }
  };
  out.text = best->text;
  if (groups.size() == 1 && non_empty == int(readings.size())) {
    // Agreement (or a single reading): independent errors rarely coincide.
    out.confidence = std::min(0.99, (1 - best->miss) * best->format);
    if (readings.size() == 1) out.confidence = std::clamp(readings[0].confidence, 0.0, 1.0) * best->format;
    note_stray();
    return out;
  }
  // Disagreement: the majority if there is one, else best confidence x format.
  const bool majority = best->votes * 2 > int(readings.size());
  if (!majority)
    best = std::max_element(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.score < b.score; });
  out.text = best->text;
  out.confidence = best->score * (majority ? 0.7 : 0.5);
  note_stray();
  std::string list;
  for (const Reading& r : readings)
    list += fmt::format("{}{} '{}' ({:.2f})", list.empty() ? "" : ", ", r.source.empty() ? "ocr" : r.source,
                        normalize_number(r.text), r.confidence);
  out.issues.push_back({"ocr_disagreement", fmt::format("readings disagree: {}; took '{}'", list, out.text)});
  return out;
}

bool is_lone_digit_misread(std::string_view text) {
  static constexpr std::string_view kMisreads[] = {"了", "]", "[", "|", "l", "I", "O", "o", "〇", "工", "下"};
  for (std::string_view mark : {"，", "。", "、", ",", "."})  // one trailing speck read as a mark (工，)
    if (text.size() > mark.size() && text.ends_with(mark)) {
      text.remove_suffix(mark.size());
      break;
    }
  return std::find(std::begin(kMisreads), std::end(kMisreads), text) != std::end(kMisreads);
}

bool digit_lines_with_misread_line(std::string_view text) {
  int digits = 0, misread_lines = 0;
  for (const auto part : std::views::split(text, '\n')) {
    const std::string_view line(part.begin(), part.end());
    if (is_lone_digit_misread(line)) {
      ++misread_lines;
    } else if (all_digits(line)) {
      digits += int(line.size());
    } else {
      return false;
    }
  }
  return misread_lines > 0 && digits >= 3;
}

}  // namespace scantab::repair
