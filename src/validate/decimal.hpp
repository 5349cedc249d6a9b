// Exact decimal amounts for budget arithmetic. Never binary floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scantab::validate {

// A decimal number stored as an integer count of 10^-kScale units
// (kScale = 6 decimal places; amounts in the disclosures have at most 2,
// so sums of thousands of 10^12-yuan amounts still fit in int64).
class Decimal {
 public:
  static constexpr int kScale = 6;
  Decimal() = default;
  static Decimal from_units(std::int64_t units) { Decimal d; d.units_ = units; return d; }
  // Parses "1,879.36", "4981.70", "-3.5", "0", "１２.５" (full-width digits), "（3.5）" is NOT
  // accepted. Thousands separators are dropped, surrounding spaces ignored.
  // Returns nullopt for anything else (text, empty, > kScale decimals, overflow).
  static std::optional<Decimal> parse(std::string_view text);

  std::int64_t units() const { return units_; }
  bool is_zero() const { return units_ == 0; }
  Decimal operator+(Decimal o) const { return from_units(units_ + o.units_); }
  Decimal operator-(Decimal o) const { return from_units(units_ - o.units_); }
  Decimal& operator+=(Decimal o) { units_ += o.units_; return *this; }
  // Multiplies by an integer factor (e.g. 万元 -> 元: × 10000).
  Decimal times(std::int64_t factor) const { return from_units(units_ * factor); }
  auto operator<=>(const Decimal&) const = default;
  // Canonical text: no thousands separators, at least `min_decimals` decimals,
  // trailing zeros beyond that dropped ("4981.70" with min 2, "900000" with min 0).
  std::string str(int min_decimals = 2) const;

 private:
  std::int64_t units_ = 0;
};

}  // namespace scantab::validate
