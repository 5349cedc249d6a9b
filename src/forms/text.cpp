#include "forms/text.hpp"

#include <algorithm>
#include <vector>

namespace scantab::forms::text {

double similarity(std::string_view a, std::string_view b) {
  std::u32string x = to_u32(a), y = to_u32(b);
  std::size_t n = std::max(x.size(), y.size());
  return n == 0 ? 1.0 : 1.0 - double(levenshtein(x, y)) / double(n);
}

std::string normalize_title(std::string_view s) {
  std::u32string in = to_u32(s), out;
  for (char32_t c : in) {
    if (c == U'(') c = U'（';
    else if (c == U')') c = U'）';
    else if (c == U':') c = U'：';
    if (c == U' ' || c == U'\t' || c == U'\u3000') continue;
    out += c;
  }
  return to_utf8(out);
}

std::string label_key(std::string_view s) {
  std::string t = normalize_title(s);
  std::u32string u = to_u32(t), out;
  for (char32_t c : u)
    if (c != U'：' && c != U'*' && c != U'#') out += c;
  if (out.starts_with(U"其中")) out.erase(0, 2);
  return to_utf8(out);
}

std::string undouble(std::string_view s) {
  std::u32string u = to_u32(s);
  std::size_t n = u.size();
  if (n >= 4 && n % 2 == 0 && u.substr(0, n / 2) == u.substr(n / 2)) return to_utf8(u.substr(0, n / 2));
  if (n >= 5 && n % 2 == 1 && u[n / 2] == U'和' && u.substr(0, n / 2) == u.substr(n / 2 + 1))
    return to_utf8(u.substr(0, n / 2));
  return std::string(s);
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace scantab::forms::text
