#include "forms/text.hpp"

#include <algorithm>
#include <vector>

namespace scantab::forms::text {

int edit_distance(std::u32string_view a, std::u32string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = int(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double similarity(std::string_view a, std::string_view b) {
  std::u32string x = to_u32(a), y = to_u32(b);
  std::size_t n = std::max(x.size(), y.size());
  return n == 0 ? 1.0 : 1.0 - double(edit_distance(x, y)) / double(n);
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
