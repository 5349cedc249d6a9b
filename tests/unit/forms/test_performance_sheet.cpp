// Performance-sheet repair on the seeds' real sheets and their real garbles.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "seed_util.hpp"

namespace {

using namespace scantab;

std::vector<forms::PerfSheet> sheets_of(const ingest::Document& doc, const forms::TemplateSet& set) {
  std::vector<forms::PerfSheet> out;
  for (int t = 0; t < int(doc.tables.size()); ++t) {
    auto c = forms::classify(doc.tables[t], set, t);
    if (const auto* p = set.perf_for(c.form_id)) out.push_back(forms::repair_performance_sheet(doc.tables[t], *p, t));
  }
  return out;
}

bool has_repair(const forms::PerfSheet& s, const std::string& original, const std::string& reason_part) {
  return std::any_of(s.repairs.begin(), s.repairs.end(), [&](const forms::Repair& r) {
    return r.original == original && r.reason.find(reason_part) != std::string::npos;
  });
}

const forms::Indicator* indicator(const forms::PerfSheet& s, const std::string& level3, const std::string& period) {
  for (const auto& i : s.indicators) if (i.level3 == level3 && i.period == period) return &i;
  return nullptr;
}

// Every sheet must give all canonical text fields, both fund totals (when printed), the footer date.
void expect_complete(const forms::PerfSheet& s) {
  for (const auto& [k, v] : s.fields) EXPECT_FALSE(v.empty()) << s.field("项目名称") << ": " << k;
  EXPECT_FALSE(s.fund_year.at("总额").empty()) << s.field("项目名称");
  EXPECT_FALSE(s.goal_implementation.empty()) << s.field("项目名称");
  EXPECT_GE(s.indicators.size(), 10u) << s.field("项目名称");
  for (const auto& i : s.indicators) {
    EXPECT_FALSE(i.level1.empty()) << s.field("项目名称") << " " << i.level3;
    EXPECT_TRUE(i.period == "实施期" || i.period == "年度");
  }
  std::string date;
  for (const auto& [k, v] : s.footer) if (k == "填报日期") date = v;
  EXPECT_EQ(date.size(), 14u) << s.field("项目名称") << " date " << date;
}

TEST(PerformanceSheet, Seed000ThreeSheets) {
  auto doc = test::seed("000");
  if (!doc) GTEST_SKIP() << "seeds not available";
  auto sheets = sheets_of(*doc, test::templates());
  ASSERT_EQ(sheets.size(), 3u);
  for (const auto& s : sheets) expect_complete(s);

  const auto& a = sheets[0];  // 机器运维租金及专项维护费用
  EXPECT_EQ(a.field("项目名称"), "机器运维租金及专项维护费用");
  EXPECT_EQ(a.field("项目期"), "3年");
  EXPECT_EQ(a.fund_implementation.at("总额"), "900,000");  // label 申报期资金总额 (variant)
  EXPECT_EQ(a.fund_year.at("市县"), "200,000");
  EXPECT_TRUE(has_repair(a, "总目标", "variant"));
  // ≤200/万元 (mangled unit) and 运行良好运行良好 (doubled text), with originals kept in repairs.
  ASSERT_NE(indicator(a, "通信服务费用", "实施期"), nullptr);
  EXPECT_EQ(indicator(a, "通信服务费用", "实施期")->value, "≤200万元");
  EXPECT_TRUE(has_repair(a, "≤200/万元", "mangled unit"));
  ASSERT_NE(indicator(a, "设备完好率", "年度"), nullptr);
  EXPECT_EQ(indicator(a, "设备完好率", "年度")->value, "运行良好");
  EXPECT_EQ(indicator(a, "设备完好率", "年度")->level2, "可持续影响指标");  // variant 可持续发展指标
  EXPECT_TRUE(has_repair(a, "运行良好运行良好", "doubled"));

  const auto& b = sheets[1];  // 领导调研费: 实施期 amounts are blank on the page and stay blank
  EXPECT_TRUE(b.fund_implementation.at("总额").empty());
  EXPECT_EQ(b.fund_year.at("总额"), "480,000");
  EXPECT_NE(std::find(b.missing.begin(), b.missing.end(), "实施期.总额"), b.missing.end());
  EXPECT_FALSE(b.goal_year.empty());
  // The 年度 二级 label replaced by the indicator name ("调研对象满意度 调研对象满意度 >95%").
  ASSERT_NE(indicator(b, "调研对象满意度", "年度"), nullptr);
  EXPECT_EQ(indicator(b, "调研对象满意度", "年度")->level2, "服务对象满意度指标");

  const auto& c = sheets[2];  // 重点工作部署及机关运行保障经费
  EXPECT_EQ(c.field("实施单位"), "中国共产党忻州市委员会办公室");  // label and value in one cell
  EXPECT_EQ(c.field("项目期"), "3年");
  EXPECT_EQ(c.fund_implementation.at("总额"), "2,510,000");  // 安排资金总额
  EXPECT_EQ(c.fund_year.at("市县"), "1,170,000");             // 市委（区）财政拨款 near miss
  EXPECT_TRUE(has_repair(c, "项目设立必要性和项目设立必要性", "doubled"));
  EXPECT_TRUE(has_repair(c, "市委（区）财政拨款：", "市县"));
  // Header row shifted into the data; 实施期 二级 label missing on the first row.
  ASSERT_NE(indicator(c, "印制经费批次", "实施期"), nullptr);
  EXPECT_EQ(indicator(c, "印制经费批次", "实施期")->level2, "数量指标");
  EXPECT_EQ(indicator(c, "印制经费批次", "实施期")->level1, "产出指标");
  EXPECT_EQ(indicator(c, "部署检查完成率", "实施期")->value, "全市");
  EXPECT_EQ(indicator(c, "印制效率", "年度")->level1, "效益指标");  // variant 效果指标
  EXPECT_EQ(indicator(c, "部署对象的满意度", "实施期")->level2, "服务对象满意度指标");
}

TEST(PerformanceSheet, Seed004SevenSheets) {
  auto doc = test::seed("004");
  if (!doc) GTEST_SKIP() << "seeds not available";
  auto sheets = sheets_of(*doc, test::templates());
  ASSERT_EQ(sheets.size(), 7u);
  for (const auto& s : sheets) {
    expect_complete(s);
    EXPECT_FALSE(s.fund_implementation.at("总额").empty()) << s.field("项目名称");
    EXPECT_FALSE(s.goal_year.empty()) << s.field("项目名称");
  }
  EXPECT_EQ(sheets[0].fund_implementation.at("市县"), "3,500,000");  // "市县（区）财政资 金"
  // Sheet 3: both goals in one cell as two <p> paragraphs; markup removed.
  EXPECT_TRUE(sheets[2].goal_implementation.find("<p>") == std::string::npos);
  EXPECT_FALSE(sheets[2].goal_year.empty());
  // Sheet 7 (大型修缮费): truncated labels 负责/经办, merged 满意服务, split timestamp "2023011312012 7".
  const auto& g = sheets[6];
  std::string date;
  for (const auto& [k, v] : g.footer) if (k == "填报日期") date = v;
  EXPECT_EQ(date, "20230113120127");
  EXPECT_TRUE(has_repair(g, "2023011312012 7", "spaces"));
  ASSERT_NE(indicator(g, "工作人员满意度", "实施期"), nullptr);
  EXPECT_EQ(indicator(g, "工作人员满意度", "实施期")->level1, "满意度指标");
  EXPECT_EQ(indicator(g, "工作人员满意度", "实施期")->level2, "服务对象满意度指标");
  EXPECT_EQ(indicator(g, "单位修缮成本", "实施期")->value, "≤750元/平方米");
}

}  // namespace

namespace {

TEST(PerformanceSheet, Seed004RightHalfOnlyRowsAreYear) {
  auto doc = test::seed("004");
  if (!doc) GTEST_SKIP() << "seeds not available";
  auto sheets = sheets_of(*doc, test::templates());
  ASSERT_EQ(sheets.size(), 7u);
  // "| | | | | | | 各类会议召开达标率 | 100% |": only the 年度 half has this row.
  EXPECT_NE(indicator(sheets[5], "各类会议召开达标率", "年度"), nullptr);
  EXPECT_EQ(indicator(sheets[5], "各类会议召开达标率", "实施期"), nullptr);
  EXPECT_NE(indicator(sheets[6], "维修工作完成时间", "年度"), nullptr);
}

TEST(PerformanceSheet, GarblesNamedInDomainNotes) {
  // A sheet the seeds do not contain, with the garbles DOMAIN.md lists: label replaced by a
  // neighbour's (项目基本信息, 项目代码), near misses (项目设立必需要, 项目实践计划, 实施类目标),
  // markup residue, ≥98百分比, 市级（区）, 效果指标, 可持续发展指标, a split timestamp.
  auto doc = ingest::parse_text(
      "大同市市级预算部门（单位）项目支出绩效目标申报表\n(2024年度)\n"
      "项目基本信息\t<b>档案数字化经费</b>\n主管部门及代码\t205-大同市档案馆\t\t实施单位\t\t大同市档案馆\n"
      "项目代码\t一次性项目\t\t项目期\t\t1年\n项目资金（元）\t申报期资金总额：\t500,000\t年度资金总额：\t500,000\n"
      "\t其中：中央财政资金\t0\t其中：中央财政资金\t0\n\t省级财政资金\t100,000\t省级财政资金\t100,000\n"
      "\t市级（区）财政资金\t300,000\t市级（区）财政资金\t300,000\n\t单位自筹\t0\t单位自筹\t0\n"
      "\t其他资金\t100,000\t其他资金\t100,000\n项目概况\t**对馆藏档案进行数字化加工。**\n立项依据\t《档案法》\n"
      "项目设立必需要\t保护档案原件。\n保证项目实施的制度、措施\t《档案馆管理制度》\n项目实践计划\t上半年招标。\n"
      "实施类目标\t\t\t年度目标\n总体目标\t完成10万页档案数字化。\t\t完成10万页档案数字化。\n"
      "<th>绩效指标</th>\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值\n"
      "\t产出指标\t质量指标\t验收合格率\t≥98百分比\t质量指标\t验收合格率\t≥98百分比\n"
      "\t效果指标\t社会效益指标\t档案利用便利度\t提升提升\t社会效益指标\t档案利用便利度\t提升提升\n"
      "\t\t可持续发展指标\t数据长期可用\t可用\t\t数据长期可用\t可用\n"
      "负责人：\t王某\t经办人：\t李某\t联系电话：\t0352-1234567\t填报日期：\t2024011 5093012\n");
  auto sheets = sheets_of(doc, test::templates());
  ASSERT_EQ(sheets.size(), 1u);
  const auto& s = sheets[0];
  EXPECT_EQ(s.field("项目名称"), "档案数字化经费");
  EXPECT_EQ(s.field("项目属性"), "一次性项目");
  EXPECT_EQ(s.field("项目设立必要性"), "保护档案原件。");
  EXPECT_EQ(s.field("项目实施计划"), "上半年招标。");
  EXPECT_EQ(s.field("项目概况"), "对馆藏档案进行数字化加工。");
  EXPECT_EQ(s.fund_implementation.at("市县"), "300,000");
  EXPECT_EQ(s.fund_year.at("其他"), "100,000");
  EXPECT_TRUE(has_repair(s, "项目基本信息", "neighbour"));
  EXPECT_TRUE(has_repair(s, "项目代码", "neighbour"));
  EXPECT_TRUE(has_repair(s, "项目设立必需要", "near-miss"));
  EXPECT_TRUE(has_repair(s, "**对馆藏档案进行数字化加工。**", "markup"));
  EXPECT_EQ(indicator(s, "验收合格率", "年度")->value, "≥98%");
  EXPECT_EQ(indicator(s, "档案利用便利度", "实施期")->level1, "效益指标");
  EXPECT_EQ(indicator(s, "档案利用便利度", "实施期")->value, "提升");
  EXPECT_EQ(indicator(s, "数据长期可用", "年度")->level2, "可持续影响指标");
  std::map<std::string, std::string> footer(s.footer.begin(), s.footer.end());
  EXPECT_EQ(footer["负责人"], "王某");
  EXPECT_EQ(footer["填报日期"], "20240115093012");
  EXPECT_TRUE(s.missing.empty());
}

}  // namespace
