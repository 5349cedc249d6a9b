// forms: templates as data, classification, header trees, typed records.
#include <gtest/gtest.h>

#include <map>

#include "forms/text.hpp"
#include "seed_util.hpp"

namespace {

using namespace scantab;

TEST(Templates, CoverBothFamilies) {
  auto set = test::templates();
  for (const char* id : {"shanxi.budget_summary", "shanxi.income_total", "shanxi.expenditure_total",
                         "shanxi.fiscal_summary", "shanxi.general_expenditure", "shanxi.basic_economic",
                         "shanxi.fund_income", "shanxi.fund_expenditure", "shanxi.state_capital", "shanxi.three_public",
                         "shanxi.admin_running", "shanxi.project_current", "shanxi.project_carryover",
                         "shanxi.performance_sheet", "hebei.income_total", "hebei.performance_goal",
                         "hebei.department_indicators"})
    EXPECT_NE(set.find(id), nullptr) << id;
  ASSERT_NE(set.perf_for("shanxi.performance_sheet"), nullptr);
  EXPECT_EQ(set.perf_for("shanxi.performance_sheet")->text_fields.size(), 10u);
  EXPECT_FALSE(set.doc_identities.empty());
}

TEST(Templates, BadJsonIsAnError) {
  EXPECT_FALSE(forms::parse_templates({"{not json"}).has_value());
  EXPECT_FALSE(forms::parse_templates({}).has_value());
}

TEST(Text, UndoubleAndSimilarity) {
  EXPECT_EQ(forms::text::undouble("运行良好运行良好"), "运行良好");
  EXPECT_EQ(forms::text::undouble("全市全市"), "全市");
  EXPECT_EQ(forms::text::undouble("2023年2023年"), "2023年");
  EXPECT_EQ(forms::text::undouble("项目设立必要性和项目设立必要性"), "项目设立必要性");
  EXPECT_EQ(forms::text::undouble("保障能力"), "保障能力");
  EXPECT_GE(forms::text::similarity("项目设立必需要", "项目设立必要性"), 0.6);
  EXPECT_EQ(forms::text::label_key("其中：中央财政拨款："), "中央财政拨款");
}

TEST(Classify, Seed000TablesAndRecords) {
  auto doc = test::seed("000");
  if (!doc) GTEST_SKIP() << "seeds not available";
  auto set = test::templates();
  std::map<std::string, int> count;
  const forms::Classified* expenditure = nullptr;
  std::vector<forms::Classified> all;
  for (int t = 0; t < int(doc->tables.size()); ++t) all.push_back(forms::classify(doc->tables[t], set, t));
  for (const auto& c : all) {
    ++count[c.form_id];
    if (c.form_id == "shanxi.expenditure_total") expenditure = &c;
  }
  // All 13 standard tables and the 3 performance sheets; only the table of contents is unknown.
  EXPECT_EQ(count["unknown"], 1);
  EXPECT_EQ(count["shanxi.performance_sheet"], 3);
  for (const char* id : {"shanxi.budget_summary", "shanxi.income_total", "shanxi.expenditure_total",
                         "shanxi.fiscal_summary", "shanxi.basic_economic", "shanxi.three_public",
                         "shanxi.admin_running", "shanxi.project_current", "shanxi.project_carryover"})
    EXPECT_EQ(count[id], 1) << id;
  ASSERT_NE(expenditure, nullptr);
  EXPECT_GE(expenditure->confidence, 0.99);
  EXPECT_EQ(expenditure->header_rows, 2);
  // Header tree: 项目 over 科目编码/科目名称, 2023年预算数 over 合计/基本支出/项目支出.
  ASSERT_EQ(expenditure->header.size(), 2u);
  EXPECT_EQ(expenditure->header[1].text, "2023年预算数");
  ASSERT_EQ(expenditure->header[1].children.size(), 3u);
  EXPECT_EQ(expenditure->header[1].children[1].text, "基本支出");
  // Typed record {code: 2101101, name: 行政单位医疗, 合计: 57.30, 基本支出: 57.30} with exact decimal strings.
  bool found = false;
  for (const auto& r : expenditure->records)
    if (r.code == "2101101") {
      found = true;
      EXPECT_EQ(r.name, "行政单位医疗");
      std::map<std::string, std::string> v(r.values.begin(), r.values.end());
      EXPECT_EQ(v["合计"], "57.30");
      EXPECT_EQ(v["基本支出"], "57.30");
    }
  EXPECT_TRUE(found);
}

TEST(Classify, HebeiLostColspansAreRestored) {
  // Seed 001's 部门预算收入总表 header: 序号 | 功能分类科目 | 合计 | 本年收入 | 上年结转 over
  // (empty) | 科目编码 | 科目名称 | (empty) | 小计 | 财政拨款收入 …
  auto doc = test::seed("001");
  if (!doc) GTEST_SKIP() << "seeds not available";
  auto set = test::templates();
  for (int t = 0; t < int(doc->tables.size()); ++t) {
    auto c = forms::classify(doc->tables[t], set, t);
    if (c.form_id != "hebei.income_total") continue;
    ASSERT_GE(c.columns.size(), 6u);
    EXPECT_EQ(c.columns[0].role, forms::ColumnRole::kSerial);
    EXPECT_EQ(c.columns[1].role, forms::ColumnRole::kCode);
    EXPECT_EQ(c.columns[3].field, "合计");
    EXPECT_EQ(c.columns[4].field, "小计");
    EXPECT_EQ(c.columns[4].header, "本年收入/小计");
    return;
  }
  FAIL() << "no 部门预算收入总表 in seed 001";
}

TEST(Classify, UnknownTableStaysUnknown) {
  Table t;
  t.title = "某某情况一览";
  t.rows = 1;
  t.cols = 2;
  t.cells = {{0, 0, 1, 1, {}, "甲", "甲", 1.0, {}}, {0, 1, 1, 1, {}, "1.00", "1.00", 1.0, {}}};
  auto c = forms::classify(t, test::templates(), 0);
  EXPECT_EQ(c.form_id, "unknown");
  EXPECT_EQ(c.form, nullptr);
  EXPECT_EQ(c.confidence, 0.0);
}

}  // namespace
