// ingest: the three table encodings of the seeds, HTML tables and scantab JSON.
#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/ingest.hpp"

namespace fs = std::filesystem;
using scantab::ingest::parse_scantab_json;
using scantab::ingest::parse_text;

namespace {

std::string cell(const scantab::Table& t, int r, int c) {
  for (const auto& x : t.cells) if (x.row == r && x.col == c) return x.text;
  return "<none>";
}

TEST(Ingest, TabSeparatedRowsGroupedByTitle) {
  // Seed 000 layout: title, 部门名称, 单位, then one row per line.
  auto doc = parse_text(
      "2023年预算支出总表\n\n部门名称：中国共产党忻州市委员会办公室\n\n单位：万元\n\n"
      "项目\t\t2023年预算数\t\t\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
      "合计\t\t4981.70\t1722.90\t3258.79\n\n2101101\t行政单位医疗\t57.30\t57.30\t\n\n"
      "2023年项目支出预算表（上年结转）\n\n项目名称\t合计\n1\t2\n\n注：本表无数据\n");
  ASSERT_EQ(doc.tables.size(), 2u);
  const auto& t = doc.tables[0];
  EXPECT_EQ(t.title, "2023年预算支出总表");
  EXPECT_EQ(t.department, "中国共产党忻州市委员会办公室");
  EXPECT_EQ(t.unit, "万元");
  EXPECT_EQ(t.rows, 4);  // the blank line (page break) does not end the table
  EXPECT_EQ(t.cols, 5);
  EXPECT_EQ(cell(t, 3, 1), "行政单位医疗");
  ASSERT_EQ(doc.tables[1].notes.size(), 1u);
  EXPECT_EQ(doc.tables[1].notes[0], "注：本表无数据");
}

TEST(Ingest, MarkdownPipeTablesWithMarkupResidue) {
  // Seed 004: separator lines, split CJK words ("财政资 金"), <p> residue kept in ocr_text.
  auto doc = parse_text(
      "晋城市市级预算部门（单位）项目支出绩效目标申报表\n\n(2023年度)\n\n"
      "| 项目名称 | 政府办专项业务费 | |\n|------|---|---|\n"
      "| | 市县（区）财政资 金 | 3,500,000 |\n\n| 立项依据 | <p>(一)国务院《督查工作条例》</p> | |\n");
  ASSERT_EQ(doc.tables.size(), 1u);
  const auto& t = doc.tables[0];
  EXPECT_EQ(t.title, "晋城市市级预算部门（单位）项目支出绩效目标申报表");
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(cell(t, 1, 1), "市县（区）财政资金");
  EXPECT_EQ(cell(t, 2, 1), "(一)国务院《督查工作条例》");
  for (const auto& c : t.cells)
    if (c.row == 2 && c.col == 1) EXPECT_NE(c.ocr_text.find("<p>"), std::string::npos);
}

TEST(Ingest, OneCellPerLineRows) {
  // Seed 001: every cell on its own "\t…" line, a blank line between rows, "\t" alone = empty cell.
  auto doc = parse_text(
      "部门预算支出总表\n\t201区委部门\n\t预算年度：2023\n\t单位：万元\n\n"
      "\t序号\n\t功能分类科目\n\t合计\n\n\t\n\t科目    编码\n\t科目名称\n\t\n\n"
      "\t1\n\t\n\t合计\n\t1274.78\n\n");
  ASSERT_EQ(doc.tables.size(), 1u);
  const auto& t = doc.tables[0];
  EXPECT_EQ(t.title, "部门预算支出总表");
  EXPECT_EQ(t.unit, "万元");
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(cell(t, 1, 0), "");
  EXPECT_EQ(cell(t, 1, 1), "科目编码");  // spaces between CJK characters removed
  EXPECT_EQ(cell(t, 2, 2), "合计");
  EXPECT_EQ(cell(t, 2, 3), "1274.78");
}

TEST(Ingest, HtmlTableWithColspan) {
  auto doc = parse_text(
      "2023年预算支出总表\n<table><tr><th colspan=\"2\">项目</th><th>合计</th></tr>\n"
      "<tr><td>201</td><td><b>一般公共服务支出</b></td><td>4618.17</td></tr></table>\n");
  ASSERT_EQ(doc.tables.size(), 1u);
  const auto& t = doc.tables[0];
  EXPECT_EQ(t.cols, 3);
  EXPECT_EQ(cell(t, 0, 2), "合计");
  EXPECT_EQ(cell(t, 1, 1), "一般公共服务支出");
}

TEST(Ingest, ScantabJsonAndErrors) {
  auto doc = parse_scantab_json(
      R"({"pages":[{"page":0,"tables":[{"title":"2023年预算支出总表","unit":"万元","rows":1,"cols":2,)"
      R"("cells":[{"row":0,"col":0,"rowSpan":1,"colSpan":1,"text":"合计"},{"row":0,"col":1,"text":"4981.70"}]}]}]})");
  ASSERT_TRUE(doc.has_value());
  ASSERT_EQ(doc->tables.size(), 1u);
  EXPECT_EQ(doc->tables[0].title, "2023年预算支出总表");
  EXPECT_EQ(cell(doc->tables[0], 0, 1), "4981.70");
  EXPECT_FALSE(parse_scantab_json("{\"not\": 1}").has_value());
  auto missing = scantab::ingest::read_file("/nonexistent/x.txt");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, scantab::ErrorCode::kMissingFile);
}

TEST(Ingest, AllSeedsGiveTables) {
  fs::path seeds = fs::path(SCANTAB_SHARED_DIR) / "seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no seeds at " << seeds;
  for (const auto& e : fs::directory_iterator(seeds)) {
    auto doc = scantab::ingest::read_file(e.path());
    ASSERT_TRUE(doc.has_value()) << e.path();
    EXPECT_GE(doc->tables.size(), 7u) << e.path();
  }
}

}  // namespace
