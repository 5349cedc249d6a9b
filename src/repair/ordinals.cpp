// repair: list ordinals (一、 … 九十九、) garbled by OCR, restored from the
// numbering of the cells above and below in the same column.
//
// chi_sim misreads the numeral (四、 -> 由、), reads 、 as a quote (二、 ->
// 二“), drops the numeral (四、 -> “) or inserts a mark (十四、 -> 十四“、). A
// list is numbered consecutively, so when the neighbours pin the value down
// the prefix can be rewritten; otherwise the text is left as read.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "repair/internal.hpp"
#include "repair/repair.hpp"

namespace scantab::repair {
namespace {

using detail::to_u32;
using detail::to_utf8;

constexpr std::u32string_view kDigits = U"一二三四五六七八九";

// 1..9 for 一..九, else 0.
int digit(char32_t c) {
  const auto p = kDigits.find(c);
  return p == std::u32string_view::npos ? 0 : int(p) + 1;
}

// The value of a whole numeral 一 … 九, 十, 十一 … 十九, 二十, 二十一 … 九十九;
// 0 for anything else (一十, 四四, 十十, empty).
int numeral_value(std::u32string_view s) {
  if (s.size() == 1) return s[0] == U'十' ? 10 : digit(s[0]);
  if (s.size() == 2 && s[0] == U'十') return digit(s[1]) ? 10 + digit(s[1]) : 0;
  if (s.size() == 2 && s[1] == U'十') return digit(s[0]) >= 2 ? 10 * digit(s[0]) : 0;
  if (s.size() == 3 && s[1] == U'十' && digit(s[0]) >= 2 && digit(s[2])) return 10 * digit(s[0]) + digit(s[2]);
  return 0;
}

// The numeral for 1..99 (the inverse of numeral_value).
std::u32string numeral(int v) {
  std::u32string s;
  if (v >= 20) s += kDigits[std::size_t(v / 10 - 1)];
  if (v >= 10) s += U'十';
  if (v % 10) s += kDigits[std::size_t(v % 10 - 1)];
  return s;
}
std::string ordinal_text(int v) { return to_utf8(numeral(v) + U"、"); }

// Value of the leading ordinal "<numeral>、", or 0.
int ordinal_value(std::u32string_view s) {
  const auto mark = s.find(U'、');
  return mark == std::u32string_view::npos ? 0 : numeral_value(s.substr(0, mark));
}

// Quotes and marks chi_sim reads for 、 (or inserts next to it).
bool is_mark(char32_t c) { return std::u32string_view(U"“”‘’\"'`，,.·：:").find(c) != std::u32string_view::npos; }

// Length of the garbled ordinal prefix `s` starts with, given the numeral it
// should be, or 0. The prefix is one of
//   (a) one or two characters (not 、, not `expected`) then 、   由、
//   (b) `expected`, one or two marks, optionally 、             二“  十四“、
//   (c) one mark, optionally 、                                 “
// and what follows it must begin with a CJK ideograph.
std::size_t garbled_prefix(std::u32string_view s, std::u32string_view expected) {
  auto body_at = [&](std::size_t n) { return n < s.size() && detail::is_cjk(s[n]) ? n : 0; };
  auto optional_mark = [&](std::size_t n) { return n < s.size() && s[n] == U'、' ? n + 1 : n; };
  for (std::size_t n : {1, 2})  // (a)
    if (n < s.size() && s[n] == U'、' && s.substr(0, n) != expected && s.substr(0, n).find(U'、') == s.npos)
      if (std::size_t b = body_at(n + 1)) return b;
  if (s.starts_with(expected)) {  // (b)
    std::size_t i = expected.size();
    while (i < s.size() && i < expected.size() + 2 && is_mark(s[i])) ++i;
    if (i > expected.size())
      if (std::size_t b = body_at(optional_mark(i))) return b;
  }
  if (!s.empty() && is_mark(s[0]))  // (c)
    if (std::size_t b = body_at(optional_mark(1))) return b;
  return 0;
}

// A quotation opened in the prefix and closed in the body ("“三公”经费") is
// the document's own text, not a misread 、.
bool quotation(std::u32string_view prefix, std::u32string_view body) {
  constexpr std::u32string_view open = U"“‘\"'", close = U"”’\"'";
  return prefix.find_first_of(open) != prefix.npos && body.find_first_of(close) != body.npos;
}

// The value the k-th non-empty cell of a column must have, from the ordinal
// values of that column's non-empty cells (0 = no valid ordinal), and the
// evidence, for the message; value 0 when the neighbours do not fix it:
//   between a、 (above) and (a+2)、 (below)                -> a+1
//   the last cell, the two above (a-1)、 a、               -> a+1
//   the first cell, the two below b、 (b+1)、, b >= 2      -> b-1
struct Expectation {
  int value = 0;
  std::string evidence;
};
Expectation expected_value(const std::vector<int>& values, std::size_t k) {
  auto at = [&](std::ptrdiff_t i) { return i >= 0 && i < std::ssize(values) ? values[std::size_t(i)] : 0; };
  const auto i = std::ptrdiff_t(k);
  const int above = at(i - 1), below = at(i + 1);
  if (above && below == above + 2)
    return {above + 1, fmt::format("{} … {} in the column", ordinal_text(above), ordinal_text(below))};
  if (i + 1 == std::ssize(values) && above && above < 99 && at(i - 2) && at(i - 2) == above - 1)
    return {above + 1, fmt::format("{} {} … at the end of the column", ordinal_text(above - 1), ordinal_text(above))};
  if (i == 0 && below >= 2 && at(i + 2) == below + 1)
    return {below - 1, fmt::format("… {} {} at the start of the column", ordinal_text(below), ordinal_text(below + 1))};
  return {};
}

}  // namespace

std::optional<int> list_ordinal(std::string_view text) {
  const int v = ordinal_value(to_u32(text));
  return v ? std::optional<int>(v) : std::nullopt;
}

int repair_list_ordinals(Table& table) {
  // column -> its non-empty cells, top to bottom
  std::map<int, std::vector<Cell*>> columns;
  for (Cell& c : table.cells)
    if (!c.text.empty()) columns[c.col].push_back(&c);
  int repairs = 0;
  for (auto& [col, cells] : columns) {
    std::stable_sort(cells.begin(), cells.end(), [](const Cell* a, const Cell* b) { return a->row < b->row; });
    std::vector<int> values;
    for (const Cell* c : cells) values.push_back(ordinal_value(to_u32(c->text)));
    // A repaired cell is an anchor for its neighbours: repeat until nothing
    // changes, so a second call finds nothing more (idempotent).
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t k = 0; k < cells.size(); ++k) {
        if (values[k]) continue;
        const Expectation e = expected_value(values, k);
        if (!e.value) continue;
        const std::u32string s = to_u32(cells[k]->text), want = numeral(e.value);
        const std::size_t n = garbled_prefix(s, want);
        if (!n || quotation(std::u32string_view(s).substr(0, n), std::u32string_view(s).substr(n))) continue;
        const std::string fixed = to_utf8(want + U"、" + s.substr(n));
        cells[k]->issues.push_back({"repaired", fmt::format("ordinal: '{}' -> '{}' (list sequence {})",
                                                            cells[k]->text, fixed, e.evidence)});
        cells[k]->text = fixed;
        values[k] = e.value;
        changed = true;
        ++repairs;
      }
    }
  }
  return repairs;
}

}  // namespace scantab::repair
