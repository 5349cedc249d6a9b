#include "validate/decimal.hpp"

#include <cstdlib>

namespace scantab::validate {

std::optional<Decimal> Decimal::parse(std::string_view text) {
  std::string s;
  // Map full-width digits/point/comma/minus to ASCII; drop spaces and commas.
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xEF && i + 2 < text.size()) {  // U+FF0C..U+FF19 are EF BC 8C..99
      unsigned char b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) { s += char('0' + (b2 - 0x90)); i += 3; continue; }
      if (b1 == 0xBC && b2 == 0x8E) { s += '.'; i += 3; continue; }
      if (b1 == 0xBC && b2 == 0x8C) { i += 3; continue; }
      if (b1 == 0xBC && b2 == 0x8D) { s += '-'; i += 3; continue; }
      return std::nullopt;
    }
    if (c == ' ' || c == ',' || c == '\t') { ++i; continue; }
    s += char(c);
    ++i;
  }
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') { negative = s[0] == '-'; i = 1; }
  std::int64_t units = 0;
  int decimals = -1, digits = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (decimals >= 0 && ++decimals > kScale) return std::nullopt;
    if (++digits > 15) return std::nullopt;  // keeps units_ far from overflow
    units = units * 10 + (c - '0');
  }
  if (digits == 0) return std::nullopt;
  for (int d = decimals < 0 ? 0 : decimals; d < kScale; ++d) units *= 10;
  return from_units(negative ? -units : units);
}

std::string Decimal::str(int min_decimals) const {
  std::int64_t a = units_ < 0 ? -units_ : units_;
  std::string frac = std::to_string(a % 1000000);
  frac.insert(0, std::size_t(kScale) - frac.size(), '0');
  while (int(frac.size()) > min_decimals && frac.back() == '0') frac.pop_back();
  std::string out = (units_ < 0 ? "-" : "") + std::to_string(a / 1000000);
  if (!frac.empty()) out += "." + frac;
  return out;
}

}  // namespace scantab::validate
