// Document metrics, table pairing, parsing and directory mode on small fixtures.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "eval/eval.hpp"

namespace scantab::eval {
namespace {

using nlohmann::json;

json cell(int row, int col, std::string text, int row_span = 1, int col_span = 1) {
  return json{{"row", row}, {"col", col}, {"rowSpan", row_span}, {"colSpan", col_span}, {"text", text}};
}

// 2023年预算支出总表: 2 header rows with merged cells, 4 data rows.
json expenditure_table() {
  json cells = json::array({
      cell(0, 0, "项目", 1, 2), cell(0, 2, "合计", 2, 1), cell(0, 3, "基本支出", 2, 1), cell(0, 4, "项目支出", 2, 1),
      cell(1, 0, "科目编码"), cell(1, 1, "科目名称"),
      cell(2, 0, "201"), cell(2, 1, "一般公共服务支出"), cell(2, 2, "4,981.70"), cell(2, 3, "3,102.34"), cell(2, 4, "1,879.36"),
      cell(3, 0, "20131"), cell(3, 1, "党委办公厅（室）及相关机构事务"), cell(3, 2, "4981.70"), cell(3, 3, "3102.34"), cell(3, 4, "1879.36"),
      cell(4, 0, "2013101"), cell(4, 1, "行政运行"), cell(4, 2, "3102.34"), cell(4, 3, "3102.34"), cell(4, 4, "0"),
      cell(5, 0, "2013102"), cell(5, 1, "一般行政管理事务"), cell(5, 2, "1879.36"), cell(5, 3, ""), cell(5, 4, "1879.36"),
  });
  return json{{"title", "2023年预算支出总表"}, {"unit", "万元"}, {"rows", 6}, {"cols", 5}, {"cells", cells}};
}
// Counts in expenditure_table(): numeric = 4 codes + 11 amounts (the empty cell is
// skipped) = 15; text = 6 header labels + 4 names = 10.
constexpr int kNumeric = 15, kText = 10;

// 一般公共预算“三公”经费支出预算表, a small second table.
json sangong_table() {
  json cells = json::array({cell(0, 0, "合计"), cell(0, 1, "因公出国（境）费"), cell(0, 2, "公务接待费"),
                            cell(1, 0, "12.50"), cell(1, 1, "0"), cell(1, 2, "12.50")});
  return json{{"title", "“三公”经费支出预算表"}, {"rows", 2}, {"cols", 3}, {"cells", cells}};
}

json document(std::vector<json> tables, int page = 1) {
  return json{{"source", "test.pdf"}, {"pages", json::array({json{{"page", page}, {"tables", tables}}})}};
}

EvalDocument parse(const json& j) {
  auto doc = parse_document(j.dump());
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  return doc ? *doc : EvalDocument{};
}

// Finds a cell of table 0 on page 0 by position.
json& cell_at(json& doc, int row, int col) {
  for (json& c : doc["pages"][0]["tables"][0]["cells"])
    if (c["row"] == row && c["col"] == col) return c;
  throw std::runtime_error("no such cell");
}

// ---------------------------------------------------------------- parsing
TEST(Parse, ReadsTablesCellsAndFlags) {
  json j = document({expenditure_table()});
  cell_at(j, 2, 2)["confidence"] = 0.3;
  cell_at(j, 2, 3)["issues"] = json::array({json{{"code", "sum_mismatch"}}});
  cell_at(j, 2, 4)["confidence"] = 0.9;
  cell_at(j, 2, 4)["issues"] = json::array();
  EvalDocument doc = parse(j);
  ASSERT_EQ(doc.pages.size(), 1u);
  EXPECT_EQ(doc.profile, "default");
  const EvalTable& t = doc.pages[0].tables[0];
  EXPECT_EQ(t.rows, 6);
  EXPECT_EQ(t.cols, 5);
  EXPECT_EQ(t.cells.size(), 26u);
  EXPECT_EQ(t.cells[0].col_span, 2);
  bool flagged_22 = false, flagged_23 = false, flagged_24 = true;
  for (const EvalCell& c : t.cells) {
    if (c.row == 2 && c.col == 2) flagged_22 = c.flagged;
    if (c.row == 2 && c.col == 3) flagged_23 = c.flagged;
    if (c.row == 2 && c.col == 4) flagged_24 = c.flagged;
  }
  EXPECT_TRUE(flagged_22);
  EXPECT_TRUE(flagged_23);
  EXPECT_FALSE(flagged_24);
}

TEST(Parse, RejectsBrokenInput) {
  EXPECT_EQ(parse_document("{not json").error().code, ErrorCode::kCorruptInput);
  EXPECT_EQ(parse_document(R"({"source":"x"})").error().code, ErrorCode::kCorruptInput);
  json overlap = document({json{{"rows", 1}, {"cols", 2}, {"cells", {cell(0, 0, "a", 1, 2), cell(0, 1, "b")}}}});
  EXPECT_FALSE(parse_document(overlap.dump()).has_value());
  json outside = document({json{{"rows", 1}, {"cols", 1}, {"cells", {cell(0, 0, "a", 1, 2)}}}});
  EXPECT_FALSE(parse_document(outside.dump()).has_value());
  json bad_type = document({json{{"rows", "1"}, {"cols", 1}, {"cells", {cell(0, 0, "a")}}}});
  EXPECT_FALSE(parse_document(bad_type.dump()).has_value());
}

TEST(Text, NumericKeysAndNormalization) {
  EXPECT_EQ(numeric_key(normalize_text(" 1,879.36 ")), U"1879.36");
  EXPECT_EQ(numeric_key(U"2013101"), U"2013101");
  EXPECT_EQ(numeric_key(U"95%"), U"95%");
  EXPECT_EQ(numeric_key(U"-3.5"), U"-3.5");
  EXPECT_FALSE(numeric_key(U"行政运行"));
  EXPECT_FALSE(numeric_key(U"-"));
  EXPECT_FALSE(numeric_key(U"1."));
  EXPECT_FALSE(numeric_key(U"≥98%"));
  EXPECT_EQ(normalize_text("\u3000合计（万元）：\u3000"), U"合计(万元):");
  EXPECT_EQ(levenshtein(U"行政运行", U"行攻运行"), 1u);
}

// ---------------------------------------------------------------- one document
TEST(Evaluate, TruthAgainstItselfIsPerfect) {
  EvalDocument truth = parse(document({expenditure_table(), sangong_table()}));
  DocumentReport r = evaluate(truth, &truth);
  const Counts& c = r.counts;
  EXPECT_DOUBLE_EQ(*c.mean_teds(), 1.0);
  EXPECT_DOUBLE_EQ(*c.mean_teds_s(), 1.0);
  EXPECT_DOUBLE_EQ(*c.numeric_rate(), 1.0);
  EXPECT_DOUBLE_EQ(*c.text_rate(), 1.0);
  EXPECT_DOUBLE_EQ(*c.cer(), 0.0);
  EXPECT_DOUBLE_EQ(*c.precision(), 1.0);
  EXPECT_DOUBLE_EQ(*c.recall(), 1.0);
  EXPECT_EQ(c.numeric, kNumeric + 3);
  EXPECT_EQ(c.text, kText + 3);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_TRUE(r.tables[0].same_structure);
  EXPECT_EQ(r.tables[1].pred_index, 1);
}

TEST(Evaluate, ChangedDigitLowersNumericAndTedsButNotStructure) {
  EvalDocument truth = parse(document({expenditure_table()}));
  json p = document({expenditure_table()});
  cell_at(p, 3, 3)["text"] = "3102.84";
  EvalDocument pred = parse(p);
  Counts c = evaluate(truth, &pred).counts;
  EXPECT_DOUBLE_EQ(*c.numeric_rate(), double(kNumeric - 1) / kNumeric);
  EXPECT_LT(*c.mean_teds(), 1.0);
  EXPECT_DOUBLE_EQ(*c.mean_teds_s(), 1.0);
  EXPECT_DOUBLE_EQ(*c.text_rate(), 1.0);
  EXPECT_EQ(c.numeric_wrong_unflagged, 1);
  EXPECT_EQ(c.numeric_wrong_flagged, 0);

  // The same error, flagged by the producer, moves to the safe column.
  cell_at(p, 3, 3)["confidence"] = 0.2;
  pred = parse(p);
  c = evaluate(truth, &pred).counts;
  EXPECT_EQ(c.numeric_wrong_unflagged, 0);
  EXPECT_EQ(c.numeric_wrong_flagged, 1);
}

TEST(Evaluate, NumbersCompareAsExactDecimalStrings) {
  EvalDocument truth = parse(document({expenditure_table()}));
  json p = document({expenditure_table()});
  cell_at(p, 2, 2)["text"] = " 4981.70 ";  // separators and spaces removed: equal
  cell_at(p, 3, 2)["text"] = "4981.7";     // a different decimal string: wrong
  cell_at(p, 3, 1)["text"] = "党委办公厅(室)及相关机构事务";  // half-width parentheses: equal
  EvalDocument pred = parse(p);
  Counts c = evaluate(truth, &pred).counts;
  EXPECT_EQ(c.numeric_correct, kNumeric - 1);
  EXPECT_EQ(c.text_correct, kText);
}

TEST(Evaluate, RemovedRowLowersStructureAndCountsItsCellsMissing) {
  EvalDocument truth = parse(document({expenditure_table()}));
  json t = expenditure_table();
  json kept = json::array();
  for (json& c : t["cells"]) {
    int row = c["row"];
    if (row == 4) continue;  // drop 2013101 行政运行
    if (row == 5) c["row"] = 4;
    kept.push_back(c);
  }
  t["cells"] = kept;
  t["rows"] = 5;
  EvalDocument pred = parse(document({t}));
  DocumentReport r = evaluate(truth, &pred);
  const Counts& c = r.counts;
  EXPECT_FALSE(r.tables[0].same_structure);
  EXPECT_LT(*c.mean_teds_s(), 1.0);
  EXPECT_LT(*c.mean_teds(), *c.mean_teds_s() + 1e-12);
  // Row alignment keeps every other cell matched.
  EXPECT_EQ(c.numeric_missing, 4);  // 2013101, 3102.34, 3102.34, 0
  EXPECT_EQ(c.numeric_correct, kNumeric - 4);
  EXPECT_EQ(c.text_correct, kText - 1);
  EXPECT_EQ(c.text_edits, 4);  // 行政运行 entirely missing
}

TEST(Evaluate, MergedSpanLowersStructure) {
  EvalDocument truth = parse(document({expenditure_table()}));
  json t = expenditure_table();
  // The predicted header fails to split 科目编码 | 科目名称: one cell spanning both.
  json cells = json::array();
  for (json& c : t["cells"]) {
    if (c["row"] == 1 && c["col"] == 1) continue;
    if (c["row"] == 1 && c["col"] == 0) c = cell(1, 0, "科目编码", 1, 2);
    cells.push_back(c);
  }
  t["cells"] = cells;
  EvalDocument pred = parse(document({t}));
  DocumentReport r = evaluate(truth, &pred);
  EXPECT_LT(*r.counts.mean_teds_s(), 1.0);
  EXPECT_EQ(r.counts.text_correct, kText - 1);  // 科目名称 has no counterpart
  EXPECT_EQ(r.counts.numeric_correct, kNumeric);
}

TEST(Evaluate, ExtraColumnIsAlignedAway) {
  EvalDocument truth = parse(document({sangong_table()}));
  json t = sangong_table();
  t["cols"] = 4;
  t["cells"] = json::array({cell(0, 0, "合计"), cell(0, 1, "|"), cell(0, 2, "因公出国（境）费"), cell(0, 3, "公务接待费"),
                            cell(1, 0, "12.50"), cell(1, 1, ""), cell(1, 2, "0"), cell(1, 3, "12.50")});
  EvalDocument pred = parse(document({t}));
  Counts c = evaluate(truth, &pred).counts;
  EXPECT_DOUBLE_EQ(*c.numeric_rate(), 1.0);
  EXPECT_DOUBLE_EQ(*c.text_rate(), 1.0);
  EXPECT_LT(*c.mean_teds_s(), 1.0);
}

TEST(Evaluate, MissingTableLowersRecall) {
  EvalDocument truth = parse(document({expenditure_table(), sangong_table()}));
  EvalDocument pred = parse(document({sangong_table()}));
  DocumentReport r = evaluate(truth, &pred);
  EXPECT_DOUBLE_EQ(*r.counts.recall(), 0.5);
  EXPECT_DOUBLE_EQ(*r.counts.precision(), 1.0);
  EXPECT_DOUBLE_EQ(*r.counts.mean_teds(), 0.5);  // (0 for the miss + 1) / 2
  EXPECT_EQ(r.counts.numeric_missing, kNumeric);
  EXPECT_EQ(r.tables[0].pred_index, -1);
  EXPECT_EQ(r.tables[1].pred_index, 0);  // paired with the right table
}

TEST(Evaluate, ExtraTableLowersPrecision) {
  EvalDocument truth = parse(document({sangong_table()}));
  EvalDocument pred = parse(document({expenditure_table(), sangong_table()}));
  DocumentReport r = evaluate(truth, &pred);
  EXPECT_DOUBLE_EQ(*r.counts.precision(), 0.5);
  EXPECT_DOUBLE_EQ(*r.counts.recall(), 1.0);
  EXPECT_DOUBLE_EQ(*r.counts.mean_teds(), 1.0);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].pred_index, 1);
  EXPECT_EQ(r.tables[1].truth_index, -1);  // the false positive
}

TEST(Evaluate, TablesOnOtherPagesDoNotMatch) {
  EvalDocument truth = parse(document({sangong_table()}, 1));
  EvalDocument pred = parse(document({sangong_table()}, 2));
  Counts c = evaluate(truth, &pred).counts;
  EXPECT_DOUBLE_EQ(*c.recall(), 0.0);
  EXPECT_DOUBLE_EQ(*c.precision(), 0.0);
}

TEST(Evaluate, NoPredictionMissesEverything) {
  EvalDocument truth = parse(document({expenditure_table()}));
  Counts c = evaluate(truth, nullptr).counts;
  EXPECT_DOUBLE_EQ(*c.recall(), 0.0);
  EXPECT_FALSE(c.precision().has_value());
  EXPECT_DOUBLE_EQ(*c.numeric_rate(), 0.0);
  EXPECT_DOUBLE_EQ(*c.cer(), 1.0);
  EXPECT_EQ(c.numeric_missing, kNumeric);
}

// ---------------------------------------------------------------- directory mode
TEST(Run, PairsFilesAndSummarizesByProfile) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("scantab_eval_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "truth");
  fs::create_directories(root / "pred");
  auto write = [](const fs::path& p, const json& j) { std::ofstream(p) << j.dump(); };
  json a = document({expenditure_table()});
  a["profile"] = "shanxi";
  write(root / "truth" / "a.truth.json", a);
  write(root / "pred" / "a.json", document({expenditure_table()}));
  write(root / "truth" / "b.truth.json", document({sangong_table()}));  // no b.json

  auto report = run(root / "truth", root / "pred");
  ASSERT_TRUE(report.has_value()) << report.error().message;
  ASSERT_EQ(report->documents.size(), 2u);
  EXPECT_EQ(report->documents[0].name, "a");
  EXPECT_TRUE(report->documents[0].error.empty());
  EXPECT_FALSE(report->documents[1].prediction_found);
  EXPECT_FALSE(report->documents[1].error.empty());
  ASSERT_EQ(report->profiles.count("shanxi"), 1u);
  ASSERT_EQ(report->profiles.count("default"), 1u);
  EXPECT_DOUBLE_EQ(*report->profiles.at("shanxi").recall(), 1.0);
  EXPECT_DOUBLE_EQ(*report->profiles.at("default").recall(), 0.0);
  EXPECT_DOUBLE_EQ(*report->overall.recall(), 0.5);

  json j = json::parse(to_json(*report));
  EXPECT_DOUBLE_EQ(j["overall"]["recall"].get<double>(), 0.5);
  EXPECT_TRUE(j["profiles"]["default"]["precision"].is_null());
  EXPECT_EQ(j["documents"][0]["tables"][0]["title"], "2023年预算支出总表");
  std::string text = to_text(*report);
  EXPECT_NE(text.find("a [shanxi]"), std::string::npos);
  EXPECT_NE(text.find("Overall"), std::string::npos);
  EXPECT_NE(text.find("b: "), std::string::npos);

  EXPECT_FALSE(run(root / "nowhere", root / "pred").has_value());
  EXPECT_FALSE(run(root / "pred", root / "pred").has_value());  // no *.truth.json there
  fs::remove_all(root);
}

}  // namespace
}  // namespace scantab::eval
