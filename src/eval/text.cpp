// eval text helpers: UTF-8 <-> code points, comparison normalization,
// numeric recognition, Levenshtein distance.
#include <algorithm>
#include <vector>

#include "eval/eval.hpp"

namespace scantab::eval {

namespace {
bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v' ||
         c == U'\u00A0' || c == U'\u3000';
}
char32_t fold(char32_t c) {
  switch (c) {
    case U'（': return U'(';
    case U'）': return U')';
    case U'：': return U':';
    case U'，': return U',';
    case U'\u3000': return U' ';
    default: return c;
  }
}
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
}  // namespace

std::u32string normalize_text(std::string_view utf8) {
  std::u32string s = to_code_points(utf8);
  auto b = std::find_if_not(s.begin(), s.end(), is_space);
  auto e = std::find_if_not(s.rbegin(), s.rend(), is_space).base();
  std::u32string out;
  if (b < e) out.assign(b, e);
  std::transform(out.begin(), out.end(), out.begin(), fold);
  return out;
}

std::optional<std::u32string> numeric_key(std::u32string_view normalized) {
  std::u32string key;
  for (char32_t c : normalized)
    if (c != U',') key.push_back(c);
  // [+-]? digits ( . digits )? %?
  std::size_t i = 0, n = key.size();
  if (i < n && (key[i] == U'+' || key[i] == U'-')) ++i;
  std::size_t digits_start = i;
  while (i < n && is_digit(key[i])) ++i;
  if (i == digits_start) return std::nullopt;
  if (i < n && key[i] == U'.') {
    std::size_t frac_start = ++i;
    while (i < n && is_digit(key[i])) ++i;
    if (i == frac_start) return std::nullopt;
  }
  if (i < n && key[i] == U'%') ++i;
  if (i != n) return std::nullopt;
  return key;
}

}  // namespace scantab::eval
