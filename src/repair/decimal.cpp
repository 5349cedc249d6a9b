// repair: exact decimal parsing of printed amounts.
#include <algorithm>
#include <cctype>

#include "repair/repair.hpp"

namespace scantab::repair {

std::string Decimal::to_string() const {
  std::string d = digits;
  if (scale > 0) {
    if (int(d.size()) <= scale) d.insert(0, std::size_t(scale + 1 - int(d.size())), '0');
    d.insert(d.size() - std::size_t(scale), ".");
  }
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  return (negative && !zero ? "-" : "") + d + (percent ? "%" : "");
}

bool Decimal::same_value(const Decimal& other) const {
  if (percent != other.percent) return false;
  // Bring both to the larger scale by appending zeros, then compare.
  auto widen = [](std::string d, int by) { return d == "0" ? d : d + std::string(std::size_t(by), '0'); };
  const int s = std::max(scale, other.scale);
  std::string a = widen(digits, s - scale), b = widen(other.digits, s - other.scale);
  a.erase(0, std::min(a.find_first_not_of('0'), a.size() - 1));
  b.erase(0, std::min(b.find_first_not_of('0'), b.size() - 1));
  const bool zero = a == "0";
  return a == b && (zero || negative == other.negative);
}

std::optional<Decimal> parse_decimal(std::string_view raw) {
  const std::string text = normalize_number(raw);
  std::size_t i = 0, n = text.size();
  Decimal d;
  if (i < n && (text[i] == '-' || text[i] == '+')) d.negative = text[i++] == '-';
  if (n > i && text[n - 1] == '%') {
    d.percent = true;
    --n;
  }
  // Integer part: digits, with commas only between groups of exactly three.
  std::string integer;
  int group = -1;  // digits since the last comma; -1 = no comma seen
  std::size_t first_group = 0;
  for (; i < n && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == ','); ++i) {
    if (text[i] == ',') {
      if (integer.empty() || (group >= 0 && group != 3)) return std::nullopt;
      if (group < 0) first_group = integer.size();
      group = 0;
    } else {
      integer.push_back(text[i]);
      if (group >= 0) ++group;
    }
  }
  if (group >= 0 && (group != 3 || first_group > 3)) return std::nullopt;
  std::string fraction;
  if (i < n && text[i] == '.') {
    for (++i; i < n && std::isdigit(static_cast<unsigned char>(text[i])); ++i) fraction.push_back(text[i]);
    if (fraction.empty()) return std::nullopt;
  }
  if (i != n || (integer.empty() && fraction.empty())) return std::nullopt;
  d.scale = int(fraction.size());
  d.digits = integer + fraction;
  d.digits.erase(0, std::min(d.digits.find_first_not_of('0'), d.digits.size() - 1));
  if (d.digits.empty()) d.digits = "0";
  return d;
}

}  // namespace scantab::repair
