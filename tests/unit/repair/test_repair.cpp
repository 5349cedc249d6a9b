// repair: decimal parsing, normalization (real ICU), number cross-check
// decisions, lexicon correction with the shipped models/lexicon files, and
// cross-table voting.
#include <gtest/gtest.h>

#include <algorithm>

#include "repair/repair.hpp"

using namespace scantab;
using namespace scantab::repair;

namespace {

const Lexicon& lexicon() {
  static const Lexicon lex = [] {
    auto loaded = Lexicon::load(std::filesystem::path(SCANTAB_SOURCE_DIR) / "models/lexicon");
    EXPECT_TRUE(loaded.has_value());
    return loaded ? std::move(*loaded) : Lexicon{};
  }();
  return lex;
}

bool has_issue(const Cell& c, const std::string& code) {
  return std::any_of(c.issues.begin(), c.issues.end(), [&](const Issue& i) { return i.code == code; });
}

Cell cell(int row, int col, std::string text, double confidence = 0.95) {
  Cell c;
  c.row = row;
  c.col = col;
  c.text = text;
  c.ocr_text = text;
  c.confidence = confidence;
  return c;
}

// A 科目编码 / 科目名称 / 合计 table with the given data rows.
Table subject_table(const std::vector<std::array<std::string, 3>>& rows) {
  Table t;
  t.cols = 3;
  t.rows = int(rows.size()) + 1;
  t.cells = {cell(0, 0, "科目编码"), cell(0, 1, "科目名称"), cell(0, 2, "合计")};
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (int c = 0; c < 3; ++c) t.cells.push_back(cell(int(r) + 1, c, rows[r][std::size_t(c)]));
  return t;
}

}  // namespace

// ------------------------------------------------------------ Decimal
TEST(Decimal, ParsesPrintedAmountsExactly) {
  auto a = parse_decimal("1,879.36");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->digits, "187936");
  EXPECT_EQ(a->scale, 2);
  EXPECT_FALSE(a->negative);
  EXPECT_EQ(a->to_string(), "1879.36");

  auto b = parse_decimal("-0.5");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->negative);
  EXPECT_EQ(b->to_string(), "-0.5");

  auto p = parse_decimal("95%");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->percent);
  EXPECT_EQ(p->to_string(), "95%");

  EXPECT_EQ(parse_decimal("0.05")->to_string(), "0.05");
  EXPECT_EQ(parse_decimal("12,345,678.90")->to_string(), "12345678.90");
  // Values beyond double precision stay exact.
  EXPECT_EQ(parse_decimal("98765432109876543.21")->to_string(), "98765432109876543.21");
}

TEST(Decimal, AcceptsFullWidthForms) {
  auto a = parse_decimal("１，８７９．３６");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "1879.36");
  EXPECT_EQ(parse_decimal("９５％")->to_string(), "95%");
}

TEST(Decimal, RejectsMalformedNumbers) {
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("18,79.36"));   // separator not in a thousands position
  EXPECT_FALSE(parse_decimal("1879,36.5"));  // group of two
  EXPECT_FALSE(parse_decimal("1234,567"));   // leading group of four
  EXPECT_FALSE(parse_decimal("1.2.3"));
  EXPECT_FALSE(parse_decimal("57.3O"));
  EXPECT_FALSE(parse_decimal("合计"));
  EXPECT_FALSE(parse_decimal("."));
}

TEST(Decimal, SameValueIgnoresTrailingZerosAndSignOfZero) {
  EXPECT_TRUE(parse_decimal("1.5")->same_value(*parse_decimal("1.50")));
  EXPECT_TRUE(parse_decimal("-0.00")->same_value(*parse_decimal("0")));
  EXPECT_FALSE(parse_decimal("57.30")->same_value(*parse_decimal("97.30")));
  EXPECT_FALSE(parse_decimal("95%")->same_value(*parse_decimal("95")));
  EXPECT_FALSE(*parse_decimal("1.5") == *parse_decimal("1.50"));  // printed scale differs
}

// ------------------------------------------------------------ normalization
TEST(Normalize, NumbersGetAsciiDigitsAndKeepCircledNumbers) {
  EXPECT_EQ(normalize_number("１２３．４５"), "123.45");
  EXPECT_EQ(normalize_number(" 1, 879 .36 "), "1,879.36");
  EXPECT_EQ(normalize_number("57。30"), "57.30");
  EXPECT_EQ(normalize_number("－5％"), "-5%");
  EXPECT_EQ(normalize_number("①"), "①");  // NFKC would make it "1"
}

TEST(Normalize, TextGetsChinesePunctuation) {
  EXPECT_EQ(normalize_text("因公出国(境)费"), "因公出国（境）费");
  EXPECT_EQ(normalize_text("单位:万元"), "单位：万元");
  EXPECT_EQ(normalize_text("一般公共预算\"三公\"经费支出预算表"), "一般公共预算“三公”经费支出预算表");
  EXPECT_EQ(normalize_text("２０２３年预算数"), "2023年预算数");
  EXPECT_EQ(normalize_text("①公务用车购置费"), "①公务用车购置费");
  EXPECT_EQ(normalize_text("(1) item, 2"), "(1) item, 2");  // no CJK: untouched
}

TEST(Normalize, ListNumbersAndQimzhongColon) {
  EXPECT_EQ(normalize_text("1 .为领导提供通信安全畅通"), "1.为领导提供通信安全畅通");
  EXPECT_EQ(normalize_text("其中，中央财政拨款"), "其中：中央财政拨款");
  EXPECT_EQ(normalize_text("其中；省级财政资金"), "其中：省级财政资金");
  EXPECT_EQ(normalize_text("其中：中央财政拨款"), "其中：中央财政拨款");
  EXPECT_EQ(normalize_text("共2 个项目"), "共2 个项目");  // a space before a CJK word stays
}

// ------------------------------------------------------------ numbers
TEST(Numbers, HeaderLabelsGiveColumnKinds) {
  EXPECT_EQ(classify_header("科目编码"), ColumnKind::kCode);
  EXPECT_EQ(classify_header("科目名称"), ColumnKind::kText);
  EXPECT_EQ(classify_header("合计"), ColumnKind::kAmount);
  EXPECT_EQ(classify_header("基本支出"), ColumnKind::kAmount);
  EXPECT_EQ(classify_header("2023年预算数"), ColumnKind::kAmount);
  EXPECT_EQ(classify_header("项目"), ColumnKind::kText);
  EXPECT_EQ(classify_header(""), ColumnKind::kUnknown);
}

TEST(Numbers, FormatScoreKnowsAmountsAndCodes) {
  EXPECT_EQ(format_score("1,879.36", ColumnKind::kAmount), 1.0);
  EXPECT_EQ(format_score("57.30", ColumnKind::kAmount), 1.0);
  EXPECT_LT(format_score("57.3", ColumnKind::kAmount), 1.0);
  EXPECT_LT(format_score("1,87.93", ColumnKind::kAmount), 0.5);
  EXPECT_EQ(format_score("2013101", ColumnKind::kCode), 1.0);
  EXPECT_LT(format_score("201310", ColumnKind::kCode), 1.0);
  EXPECT_LT(format_score("2013.10", ColumnKind::kCode), 0.5);
}

TEST(Numbers, AgreementRaisesConfidence) {
  auto d = decide_number({{"57.30", 0.8, "chi_sim"}, {"57.30", 0.8, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(d.text, "57.30");
  EXPECT_GT(d.confidence, 0.9);
  EXPECT_TRUE(d.issues.empty());
}

TEST(Numbers, SameValueDifferentSpellingAgreesAndKeepsTheWellFormedOne) {
  auto d = decide_number({{"1879.36", 0.9, "chi_sim"}, {"1,879.36", 0.9, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(d.text, "1,879.36");
  EXPECT_TRUE(d.issues.empty());
}

TEST(Numbers, DisagreementIsFlaggedWithBothReadings) {
  // The observed failure: a wrong digit with decent confidence.
  auto d = decide_number({{"57.30", 0.91, "chi_sim"}, {"97.30", 0.815, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(d.text, "57.30");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].code, "ocr_disagreement");
  EXPECT_NE(d.issues[0].message.find("57.30"), std::string::npos);
  EXPECT_NE(d.issues[0].message.find("97.30"), std::string::npos);
  EXPECT_LT(d.confidence, 0.6);
}

TEST(Numbers, FormatCheckBreaksTies) {
  // A dropped decimal point: the well-formed amount wins despite lower confidence.
  auto d = decide_number({{"5730", 0.9, "chi_sim"}, {"57.30", 0.8, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(d.text, "57.30");
  EXPECT_FALSE(d.issues.empty());
  // In a code column a 7-digit code beats a 6-digit misread.
  auto c = decide_number({{"201311", 0.9, "chi_sim"}, {"2013101", 0.85, "eng"}}, ColumnKind::kCode);
  EXPECT_EQ(c.text, "2013101");
}

TEST(Numbers, StrayEdgeMarksAreDroppedOnlyWhenThatMakesTheNumberWellFormed) {
  // A speck read as a point before an amount or after a code (rough scans).
  auto a = decide_number({{".4981.70", 0.7, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(a.text, "4981.70");
  ASSERT_EQ(a.issues.size(), 1u);
  EXPECT_EQ(a.issues[0].code, "stray_mark");
  EXPECT_NE(a.issues[0].message.find(".4981.70"), std::string::npos);  // the reading is kept in the message
  auto c = decide_number({{"2101102.", 0.8, "eng"}, {"2101102", 0.6, "chi_sim"}}, ColumnKind::kCode);
  EXPECT_EQ(c.text, "2101102");
  EXPECT_EQ(c.issues.size(), 1u);  // the readings agree; only the stray mark is reported
  EXPECT_EQ(decide_number({{"2080505-", 0.8, "eng"}}, ColumnKind::kCode).text, "2080505");
  EXPECT_EQ(decide_number({{".、67.53", 0.5, "chi_sim"}}, ColumnKind::kAmount).text, "67.53");
  // A leading minus is a sign; a mark whose removal leaves a malformed number stays.
  EXPECT_EQ(decide_number({{"-57.30", 0.9, "eng"}}, ColumnKind::kAmount).text, "-57.30");
  EXPECT_EQ(decide_number({{"12.", 0.9, "eng"}}, ColumnKind::kAmount).text, "12.");
  EXPECT_EQ(decide_number({{".5", 0.9, "eng"}}, ColumnKind::kAmount).text, ".5");
  EXPECT_TRUE(decide_number({{"57.30", 0.9, "eng"}}, ColumnKind::kAmount).issues.empty());
}

TEST(Numbers, TrailingMarksAfterANumberingIntegerAndAColonForThePoint) {
  // Observed on rough scans (seed 2): 序号/栏次 cells read "2." "20 ." "9,";
  // an amount read "1324:21".
  for (const char* r : {"2.", "20 .", "9,"}) {
    const auto d = decide_number({{r, 0.8, "eng"}}, ColumnKind::kUnknown);
    EXPECT_EQ(d.text, std::string(r).substr(0, std::string(r).find_first_of(" .,"))) << r;
    ASSERT_EQ(d.issues.size(), 1u) << r;
    EXPECT_EQ(d.issues[0].code, "stray_mark");
  }
  EXPECT_EQ(decide_number({{"1324:21", 0.7, "eng"}}, ColumnKind::kAmount).text, "1324.21");
  EXPECT_EQ(decide_number({{"1324:21", 0.7, "eng"}}, ColumnKind::kUnknown).text, "1324.21");
  // Not taken: a leading mark before an integer (".5" may be 0.5), an
  // integer amount with a trailing point (maybe cut off), a colon that does
  // not make two decimals.
  EXPECT_EQ(decide_number({{".5", 0.9, "eng"}}, ColumnKind::kUnknown).text, ".5");
  EXPECT_EQ(decide_number({{"12.", 0.9, "eng"}}, ColumnKind::kAmount).text, "12.");
  EXPECT_EQ(decide_number({{"12:3", 0.9, "eng"}}, ColumnKind::kAmount).text, "12:3");
}

TEST(Numbers, QuoteMarksBeforeANumberAreSpecks) {
  // Observed on rough scans (seed 3): chi_sim reads specks before an amount as quotes.
  const auto a = decide_number({{"`”57.30", 0.53, "chi_sim"}, {"57.30", 0.0, "chi_sim+digits"}}, ColumnKind::kAmount);
  EXPECT_EQ(a.text, "57.30");
  ASSERT_FALSE(a.issues.empty());
  EXPECT_EQ(a.issues[0].code, "stray_mark");
  EXPECT_NE(a.issues[0].message.find("`”57.30"), std::string::npos);  // the reading is kept
  const auto b = decide_number({{"”4", 0.82, "chi_sim"}, {"4", 0.0, "eng"}, {"4", 0.0, "chi_sim+digits"}},
                               ColumnKind::kAmount);
  EXPECT_EQ(b.text, "4");
  // Quotes before something that is not a number stay.
  EXPECT_EQ(decide_number({{"“a1", 0.5, "chi_sim"}}, ColumnKind::kAmount).text, "“a1");
}

TEST(Numbers, AnAmountReadWithoutItsPointAgreesWithTheWellFormedReading) {
  // income_total rough (seed 3): three readings lost the faint point of 4981.70.
  const auto d = decide_number({{"498170", 0.0, "eng"}, {"4981:70", 0.85, "chi_sim"}, {"498170", 0.0, "chi_sim+digits"},
                                {"498170", 0.0, "eng@1.3"}},
                               ColumnKind::kAmount);
  EXPECT_EQ(d.text, "4981.70");
  auto point_restored = [](const NumberDecision& n) {
    return std::any_of(n.issues.begin(), n.issues.end(), [](const Issue& i) { return i.code == "point_restored"; });
  };
  EXPECT_TRUE(point_restored(d));
  EXPECT_LE(d.confidence, 0.7);
  // An integer spelled with and without separators is the same value, not a lost point.
  EXPECT_FALSE(point_restored(decide_number({{"1,879", 0.9, "eng"}, {"1879", 0.8, "chi_sim"}}, ColumnKind::kAmount)));
  // Only in amount columns, and only with the same digits.
  EXPECT_EQ(decide_number({{"498170", 0.9, "eng"}, {"4981.70", 0.5, "chi_sim"}, {"498170", 0.8, "x"}},
                          ColumnKind::kCode)
                .text,
            "498170");
  EXPECT_EQ(decide_number({{"498171", 0.9, "eng"}, {"4981.70", 0.5, "chi_sim"}, {"498171", 0.8, "x"}},
                          ColumnKind::kAmount)
                .text,
            "498171");
}

TEST(Numbers, MajorityOfFourReadingsWins) {
  auto d = decide_number({{"97.30", 0.9, "a"}, {"57.30", 0.8, "b"}, {"57.30", 0.7, "c"}, {"57.30", 0.6, "d"}},
                         ColumnKind::kAmount);
  EXPECT_EQ(d.text, "57.30");
  EXPECT_FALSE(d.issues.empty());  // still a disagreement: flagged
}

TEST(Numbers, OneEmptyReadingIsADisagreement) {
  auto d = decide_number({{"", 0.0, "chi_sim"}, {"12.00", 0.9, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(d.text, "12.00");
  EXPECT_FALSE(d.issues.empty());
  auto e = decide_number({{"", 1.0, "chi_sim"}, {"", 1.0, "eng"}}, ColumnKind::kAmount);
  EXPECT_EQ(e.text, "");
  EXPECT_TRUE(e.issues.empty());
}

// ------------------------------------------------------------ lexicon
TEST(Numbers, LoneDigitMisreadsAreWholeReadingsOnly) {
  for (const char* t : {"了", "]", "工", "下", "〇", "l", "工，", "]."}) EXPECT_TRUE(is_lone_digit_misread(t)) << t;
  for (const char* t : {"7", "了解", "", "工资", "，", "工，，", "7,"}) EXPECT_FALSE(is_lone_digit_misread(t)) << t;
}

TEST(Numbers, WrappedNumberWithItsLastDigitMisreadOnItsOwnLine) {
  // Observed on a rough scan: a phone number wrapped in a narrow cell.
  EXPECT_TRUE(digit_lines_with_misread_line("1398507510\n了"));
  EXPECT_TRUE(digit_lines_with_misread_line("了\n2023"));
  // Digits alone, a misread alone, text, or too few digits: not this pattern.
  EXPECT_FALSE(digit_lines_with_misread_line("13985075107"));
  EXPECT_FALSE(digit_lines_with_misread_line("了"));
  EXPECT_FALSE(digit_lines_with_misread_line("1398507510\n了解"));
  EXPECT_FALSE(digit_lines_with_misread_line("联系电话\n了"));
  EXPECT_FALSE(digit_lines_with_misread_line("12\n了"));
  EXPECT_FALSE(digit_lines_with_misread_line("1398.50\n了"));
}

TEST(Lexicon, ShippedFilesHoldSubjectsAndLabels) {
  EXPECT_GT(lexicon().size(), 200u);
  auto names = lexicon().names_for("2013101");
  EXPECT_NE(std::find(names.begin(), names.end(), "行政运行"), names.end());
  EXPECT_FALSE(lexicon().names_for("30101").empty());
  EXPECT_TRUE(lexicon().knows_text("科目编码"));
  EXPECT_TRUE(lexicon().knows_text("2023年一般公共预算“三公”经费支出预算表"));
}

TEST(Lexicon, DistanceKnowsOcrConfusions) {
  EXPECT_DOUBLE_EQ(ocr_distance("党委办公厅", "党委办公厅"), 0.0);
  EXPECT_LT(ocr_distance("党委办公打", "党委办公厅"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_distance("行政单位医疗", "事业单位医疗"), 2.0);
}

TEST(Lexicon, RepairsObservedOcrErrors) {
  auto a = lexicon().correct("党委办公打（室）及相关机构事务");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "党委办公厅（室）及相关机构事务");
  auto b = lexicon().correct("巩国脱贫攻坚成果衔接乡村振兴");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->text, "巩固脱贫攻坚成果衔接乡村振兴");
  auto c = lexicon().correct("@公务用车购置费");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->text, "①公务用车购置费");
  auto d = lexicon().correct("2023年一般公共有预算三公\"经费支出预算表");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, "2023年一般公共预算“三公”经费支出预算表");
}

TEST(Lexicon, LeavesCorrectAndUnknownTextAlone) {
  EXPECT_FALSE(lexicon().correct("行政运行"));  // already an entry
  // A real but rare subject name that is not in the lexicon, near 行政单位医疗.
  EXPECT_FALSE(lexicon().correct("公务员医疗补助"));
  EXPECT_FALSE(lexicon().correct("事业单位离退休"));
  EXPECT_FALSE(lexicon().correct("中共忻州市委办公室"));
  EXPECT_FALSE(lexicon().correct("合"));
}

TEST(Lexicon, KeepsTheDocumentsOwnOrdinal) {
  // Documents number the 类 differently (the lexicon has 十二、城乡社区支出,
  // Jiangsu prints 十一、城乡社区支出): an ordinal read as printed is kept.
  EXPECT_FALSE(lexicon().correct("十一、城乡社区支出"));
  EXPECT_FALSE(lexicon().correct("（三）城乡社区支出"));
  // The body is repaired, the ordinal kept as read (the lexicon has 三、…).
  auto a = lexicon().correct("五、国有资本经营预算拔款");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "五、国有资本经营预算拨款");
  // Without a readable ordinal, whole entries are compared (the ordinal may be
  // what OCR garbled).
  auto b = lexicon().correct("二“、政府性基金预算拨款");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->text, "二、政府性基金预算拨款");
}

TEST(Lexicon, CodeRestrictsCandidates) {
  // With its code, the name may be repaired more boldly: code and name agree.
  auto a = lexicon().correct("行改运行", "2013101");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "行政运行");
  // A name that belongs to another code is not forced onto this one.
  EXPECT_FALSE(lexicon().correct("住房公积金", "2013101"));
}

// ------------------------------------------------------------ tables
TEST(Tables, RepairTableNormalizesFlagsAndCorrects) {
  Table t = subject_table({{"20131", "党委办公打(室)及相关机构事务", "１，８７９．３６"},
                           {"2013101", "行政运行", "1,87.93"},
                           {"2013102", "一般行政管理事务", "12.00"}});
  t.cells.back().confidence = 0.3;
  repair_table(t, lexicon());
  const Cell& name = t.cells[4];
  EXPECT_EQ(name.text, "党委办公厅（室）及相关机构事务");
  EXPECT_EQ(name.ocr_text, "党委办公打(室)及相关机构事务");  // raw OCR kept
  EXPECT_TRUE(has_issue(name, "repaired"));
  EXPECT_EQ(t.cells[5].text, "1,879.36");
  EXPECT_TRUE(has_issue(t.cells[8], "malformed_number"));
  EXPECT_TRUE(has_issue(t.cells.back(), "low_confidence"));
  EXPECT_FALSE(has_issue(t.cells[7], "repaired"));
  // Idempotent.
  const auto before = t.cells;
  repair_table(t, lexicon());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(t.cells[i].text, before[i].text);
    EXPECT_EQ(t.cells[i].issues.size(), before[i].issues.size());
  }
}

TEST(Tables, SubjectCodeOneDigitOffItsNameIsRepaired) {
  // Rough scans (seeds 3 and 4) read 2101101 as 2101104 beside 行政单位医疗.
  Lexicon lex;
  lex.add_subject("2101101", "行政单位医疗");
  lex.add_subject("2101102", "事业单位医疗");
  lex.add_subject("2010101", "行政运行");
  lex.add_subject("2010301", "行政运行");
  auto table_with = [](const std::string& code, const std::string& name) {
    Table t;
    t.rows = 2;
    t.cols = 3;
    t.cells = {cell(0, 0, "科目编码"), cell(0, 1, "科目名称"), cell(0, 2, "合计"),
               cell(1, 0, code),       cell(1, 1, name),       cell(1, 2, "12.00")};
    return t;
  };
  Table t = table_with("2101104", "行政单位医疗");
  EXPECT_EQ(repair_codes_from_names(t, lex), 1);
  EXPECT_EQ(t.cells[3].text, "2101101");
  ASSERT_EQ(t.cells[3].issues.size(), 1u);
  EXPECT_EQ(t.cells[3].issues[0].code, "repaired");
  EXPECT_NE(t.cells[3].issues[0].message.find("2101104"), std::string::npos);
  EXPECT_EQ(t.cells[3].ocr_text, "2101104");  // the reading is kept
  // Through repair_table too.
  Table r = table_with("2101104", "行政单位医疗");
  repair_table(r, lex);
  EXPECT_EQ(r.cells[3].text, "2101101");
  // Left alone: a code that matches its name; two digits off; a name several
  // codes carry, one digit off the read code each (none is sure).
  for (auto [code, name] : {std::pair{"2101102", "事业单位医疗"}, std::pair{"2101144", "行政单位医疗"},
                            std::pair{"2010201", "行政运行"}}) {
    Table u = table_with(code, name);
    EXPECT_EQ(repair_codes_from_names(u, lex), 0) << code;
    EXPECT_EQ(u.cells[3].text, code);
  }
  // A name carried by several codes, only one of them one digit off: repaired.
  Table v = table_with("2010104", "行政运行");
  EXPECT_EQ(repair_codes_from_names(v, lex), 1);
  EXPECT_EQ(v.cells[3].text, "2010101");
}

TEST(Tables, ColumnKindsFromHeader) {
  Table t = subject_table({{"201", "一般公共服务支出", "10.00"}});
  auto kinds = column_kinds(t);
  ASSERT_EQ(kinds.size(), 3u);
  EXPECT_EQ(kinds[0], ColumnKind::kCode);
  EXPECT_EQ(kinds[1], ColumnKind::kText);
  EXPECT_EQ(kinds[2], ColumnKind::kAmount);
}

TEST(Voting, MajorityAcrossTablesWinsAndIsRecorded) {
  DocumentResult doc;
  doc.pages.resize(1);
  doc.pages[0].tables = {subject_table({{"2013101", "行政运行", "57.30"}}),
                         subject_table({{"2013101", "行政运行", "97.30"}}),
                         subject_table({{"2013101", "行政运彳", "57.30"}})};
  EXPECT_EQ(vote_document(doc), 2);
  const Cell& amount = doc.pages[0].tables[1].cells[5];
  EXPECT_EQ(amount.text, "57.30");
  EXPECT_TRUE(has_issue(amount, "voted"));
  const Cell& name = doc.pages[0].tables[2].cells[4];
  EXPECT_EQ(name.text, "行政运行");
  EXPECT_TRUE(has_issue(name, "voted"));
  EXPECT_TRUE(doc.pages[0].tables[0].cells[5].issues.empty());  // the majority is left alone
}

TEST(Voting, TieIsFlaggedNotChanged) {
  DocumentResult doc;
  doc.pages.resize(1);
  doc.pages[0].tables = {subject_table({{"201", "一般公共服务支出", "10.00"}}),
                         subject_table({{"201", "一般公共服务支出", "70.00"}})};
  EXPECT_EQ(vote_document(doc), 0);
  EXPECT_EQ(doc.pages[0].tables[1].cells[5].text, "70.00");
  EXPECT_TRUE(has_issue(doc.pages[0].tables[0].cells[5], "cross_table_disagreement"));
  EXPECT_TRUE(has_issue(doc.pages[0].tables[1].cells[5], "cross_table_disagreement"));
}

TEST(Tables, LabelRowWithoutAmountsStaysALabelColumn) {
  // 三公 layout: 项目 | 2023年预算数/合计; the first data row has no amount.
  Table t;
  t.rows = 4;
  t.cols = 2;
  t.cells = {cell(0, 0, "项目"), cell(0, 1, "2023年预算数"), cell(1, 1, "合计"), cell(2, 0, "因公出国（境）费"),
             cell(2, 1, ""), cell(3, 0, "@公务用车购置费"), cell(3, 1, "9.00")};
  t.cells[1].col_span = 1;
  auto kinds = column_kinds(t);
  EXPECT_EQ(kinds[0], ColumnKind::kText);
  EXPECT_EQ(kinds[1], ColumnKind::kAmount);
  repair_table(t, lexicon());
  EXPECT_EQ(t.cells[5].text, "①公务用车购置费");
}

TEST(Lexicon, AtSignIsAMisreadCircledNumber) {
  auto a = lexicon().correct("@公务用车运行维护费");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "②公务用车运行维护费");
}

TEST(Lexicon, CircledNumberReadAsTwoNarrowGlyphs) {
  // Observed: ① read as "GD" (a 1:2 substitution, 0.5).
  EXPECT_DOUBLE_EQ(ocr_distance("GD公务用车购置费", "①公务用车购置费"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_distance("①公务用车购置费", "GD公务用车购置费"), 0.5);  // symmetric
  auto a = lexicon().correct("GD公务用车购置费");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "①公务用车购置费");
  EXPECT_FALSE(lexicon().correct("①公务用车购置费"));  // already an entry
  // Without any glyph for ① the text stays as read (a whole insertion, as before).
  EXPECT_FALSE(lexicon().correct("公务用车购置费"));
  // Two CJK characters are not a circled number.
  EXPECT_DOUBLE_EQ(ocr_distance("公务①", "公务用车"), 1.5);
}

// ------------------------------------------------------------ list ordinals
namespace {

// A 项目 | 合计 table: one label per data row, each with an amount.
Table list_table(const std::vector<std::string>& labels) {
  Table t;
  t.cols = 2;
  t.rows = int(labels.size()) + 1;
  t.cells = {cell(0, 0, "项目"), cell(0, 1, "合计")};
  for (std::size_t r = 0; r < labels.size(); ++r) {
    t.cells.push_back(cell(int(r) + 1, 0, labels[r]));
    t.cells.push_back(cell(int(r) + 1, 1, "1.00"));
  }
  return t;
}
// The label of data row r (0-based) of a list_table.
const Cell& label(const Table& t, int r) { return t.cells[std::size_t(2 + 2 * r)]; }

}  // namespace

TEST(Ordinals, ParsesChineseNumeralsOneToNinetyNine) {
  EXPECT_EQ(list_ordinal("一、一般公共服务支出"), 1);
  EXPECT_EQ(list_ordinal("十、节能环保支出"), 10);
  EXPECT_EQ(list_ordinal("十一、城乡社区支出"), 11);
  EXPECT_EQ(list_ordinal("二十、x"), 20);
  EXPECT_EQ(list_ordinal("二十一、x"), 21);
  EXPECT_EQ(list_ordinal("九十九、"), 99);
  for (const char* t : {"由、公共安全支出", "一十、x", "四四、x", "十十、x", "（一）行政运行", "1、x", "一二三", "", "、x",
                        "二“政府性基金预算拨款收入", "一百、x"})
    EXPECT_FALSE(list_ordinal(t)) << t;
}

TEST(Ordinals, MisreadNumeralBetweenItsNeighbours) {
  Table t = list_table({"三、国防支出", "由、公共安全支出", "五、教育支出"});
  repair_table(t, lexicon());
  const Cell& c = label(t, 1);
  EXPECT_EQ(c.text, "四、公共安全支出");
  EXPECT_EQ(c.ocr_text, "由、公共安全支出");  // raw OCR kept
  ASSERT_EQ(c.issues.size(), 1u);
  EXPECT_EQ(c.issues[0].code, "repaired");
  EXPECT_NE(c.issues[0].message.find("由、公共安全支出"), std::string::npos);  // the original
  EXPECT_NE(c.issues[0].message.find("三、"), std::string::npos);              // the evidence
  EXPECT_NE(c.issues[0].message.find("五、"), std::string::npos);
  EXPECT_EQ(label(t, 0).text, "三、国防支出");
  EXPECT_TRUE(label(t, 0).issues.empty());
}

TEST(Ordinals, DroppedNumeralWithTheMarkReadAsAQuote) {
  Table t = list_table({"三、上级补助收入", "“财政专户管理资金收入", "五、其他收入"});
  repair_table(t, lexicon());
  EXPECT_EQ(label(t, 1).text, "四、财政专户管理资金收入");
  // At the end of the list, before the lexicon (which used to drop the quote
  // and leave '财政专户管理资金').
  Table u = list_table({"二、政府性基金预算拨款", "三、国有资本经营预算拨款", "“财政专户管理资金"});
  repair_table(u, lexicon());
  EXPECT_EQ(label(u, 2).text, "四、财政专户管理资金");
  EXPECT_EQ(label(u, 2).issues.size(), 1u);
}

TEST(Ordinals, MarkReadForTheEnumerationComma) {
  for (const char* garbled : {"二“政府性基金预算拨款收入", "二\"政府性基金预算拨款收入"}) {
    Table t = list_table({"一、一般公共预算拨款收入", garbled, "三、国有资本经营预算拨款收入"});
    repair_table(t, lexicon());
    EXPECT_EQ(label(t, 1).text, "二、政府性基金预算拨款收入") << garbled;
    EXPECT_TRUE(has_issue(label(t, 1), "repaired"));
  }
  Table t = list_table({"十三、交通运输支出", "十四“、资源勘探信息等支出", "十五、商业服务业等支出"});
  repair_table(t, lexicon());
  EXPECT_EQ(label(t, 1).text, "十四、资源勘探信息等支出");
}

TEST(Ordinals, StartOfAListWithoutAHeaderAbove) {
  // No non-empty cell above: the two below fix the value (b >= 2).
  Table t;
  t.rows = 4;
  t.cols = 1;
  t.cells = {cell(0, 0, ""), cell(1, 0, "由、一般公共服务支出"), cell(2, 0, "二、外交支出"), cell(3, 0, "三、国防支出")};
  EXPECT_EQ(repair_list_ordinals(t), 1);
  EXPECT_EQ(t.cells[1].text, "一、一般公共服务支出");
  // A list that starts at 一、 has nothing before it.
  Table u = t;
  u.cells[1].text = "由、一般公共服务支出";
  u.cells[2].text = "一、外交支出";
  EXPECT_EQ(repair_list_ordinals(u), 0);
}

TEST(Ordinals, RepairedCellsAnchorTheirNeighboursAndRepeatingChangesNothing) {
  Table t;
  t.rows = 4;
  t.cols = 1;
  t.cells = {cell(0, 0, "“一般公共服务支出"), cell(1, 0, "二、外交支出"), cell(2, 0, "由、国防支出"),
             cell(3, 0, "四、公共安全支出")};
  EXPECT_EQ(repair_list_ordinals(t), 2);
  EXPECT_EQ(t.cells[0].text, "一、一般公共服务支出");
  EXPECT_EQ(t.cells[2].text, "三、国防支出");
  EXPECT_EQ(repair_list_ordinals(t), 0);
  // Through repair_table, twice.
  Table u = list_table({"三、国防支出", "由、公共安全支出", "五、教育支出"});
  repair_table(u, lexicon());
  const auto before = u.cells;
  repair_table(u, lexicon());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(u.cells[i].text, before[i].text);
    EXPECT_EQ(u.cells[i].issues.size(), before[i].issues.size());
  }
}

TEST(Ordinals, AnEarlierRepairDoesNotExcludeTheCell) {
  Table t = list_table({"三、国防支出", "由、公共安全支出", "五、教育支出"});
  t.cells[4].issues.push_back({"repaired", "an earlier step"});
  repair_table(t, lexicon());
  EXPECT_EQ(label(t, 1).text, "四、公共安全支出");
  EXPECT_EQ(label(t, 1).issues.size(), 2u);
}

TEST(Ordinals, NoRepairWhenTheNeighboursDoNotFixTheValue) {
  // 三、 … 六、: four or five.
  Table t = list_table({"三、国防支出", "由、公共安全支出", "六、科学技术支出"});
  repair_table(t, lexicon());
  EXPECT_EQ(label(t, 1).text, "由、公共安全支出");
  // A sub-item between: the nearest cell above is not an anchor.
  Table u = list_table({"三、国防支出", "（一）武装警察", "由、公共安全支出", "五、教育支出"});
  repair_table(u, lexicon());
  EXPECT_EQ(label(u, 2).text, "由、公共安全支出");
  // Last cell after a single anchor.
  Table v = list_table({"x", "三、国防支出", "“财政专户管理资金"});
  EXPECT_EQ(repair_list_ordinals(v), 0);
  // Anchors in another column do not count.
  Table w;
  w.rows = 3;
  w.cols = 2;
  w.cells = {cell(0, 0, "三、国防支出"), cell(1, 1, "由、公共安全支出"), cell(2, 0, "五、教育支出")};
  EXPECT_EQ(repair_list_ordinals(w), 0);
}

TEST(Ordinals, NoRepairWithoutAGarbledPrefix) {
  Table t = list_table({"三、上级补助收入", "财政专户管理资金", "五、其他收入"});
  repair_table(t, lexicon());
  EXPECT_EQ(label(t, 1).text, "财政专户管理资金");
  EXPECT_FALSE(has_issue(label(t, 1), "repaired"));
  // A genuine sub-item, a code, a quotation, a mark before no CJK text.
  for (const char* text : {"（一）行政运行", "201", "“三公”经费支出", "“", "由、", "二“”"}) {
    Table u;
    u.rows = 3;
    u.cols = 1;
    u.cells = {cell(0, 0, "一、一般公共服务支出"), cell(1, 0, text), cell(2, 0, "三、国防支出")};
    EXPECT_EQ(repair_list_ordinals(u), 0) << text;
    EXPECT_EQ(u.cells[1].text, text);
    EXPECT_TRUE(u.cells[1].issues.empty()) << text;
  }
}

TEST(Ordinals, OddInputDoesNotThrow) {
  Table t;
  t.rows = 3;
  t.cols = 1;
  t.cells = {cell(0, -1, "\xff\xfe"), cell(1, -1, "\xe5"), cell(2, 7, "九十九、x"), cell(3, 7, "“x"),
             cell(0, 0, "九十八、x"), cell(1, 0, "九十九、x"), cell(2, 0, "“x")};
  EXPECT_NO_THROW(repair_list_ordinals(t));
  EXPECT_NO_THROW(repair_table(t, lexicon()));
  EXPECT_EQ(t.cells[6].text, "“x");  // no 一百、
}
