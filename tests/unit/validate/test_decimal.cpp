#include <gtest/gtest.h>

#include "validate/decimal.hpp"

using scantab::validate::Decimal;

TEST(Decimal, ParsesDisclosureAmounts) {
  EXPECT_EQ(Decimal::parse("1,879.36")->str(), "1879.36");
  EXPECT_EQ(Decimal::parse("4981.70")->str(), "4981.70");
  EXPECT_EQ(Decimal::parse("0.9")->str(1), "0.9");
  EXPECT_EQ(Decimal::parse("900,000")->str(0), "900000");
  EXPECT_EQ(Decimal::parse("-3.5")->str(), "-3.50");
  EXPECT_EQ(Decimal::parse("１２.５")->str(1), "12.5");
  for (const char* bad : {"", "abc", "1.2.3", "12万", "1.0000001", "9999999999999999"})
    EXPECT_FALSE(Decimal::parse(bad).has_value()) << bad;
}

TEST(Decimal, ExactArithmetic) {
  // 0.1 + 0.2 is exactly 0.3 (it is not in binary floating point).
  EXPECT_EQ(*Decimal::parse("0.1") + *Decimal::parse("0.2"), *Decimal::parse("0.3"));
  Decimal sum;
  for (const char* s : {"1277.05", "3243.60", "97.52"}) sum += *Decimal::parse(s);
  EXPECT_EQ(sum.str(), "4618.17");
  EXPECT_EQ(Decimal::parse("48.00")->times(10000).str(0), "480000");
}
