#include "output/output.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace scantab;

namespace {

DocumentResult sample_document() {
  Table t;
  t.page_index = 0;
  t.rows = 2;
  t.cols = 3;
  t.title = "2023年预算支出总表";
  t.unit = "万元";
  t.department = "测试部门";
  t.bbox = Rect{10, 20, 300, 100};
  t.cells = {Cell{0, 0, 1, 2, {10, 20, 200, 50}, "项目", "项 目", 0.9, {}},
             Cell{0, 2, 2, 1, {210, 20, 100, 100}, "合计", "合计", 0.8, {{"low_confidence", "x"}}},
             Cell{1, 0, 1, 1, {10, 70, 100, 50}, "201", "201", 0.95, {}},
             Cell{1, 1, 1, 1, {110, 70, 100, 50}, "a,\"b\"", "a,\"b\"", 0.5, {}}};
  PageResult p;
  p.page_index = 0;
  p.width = 1654;
  p.height = 2339;
  p.dpi = 200;
  p.tables.push_back(t);
  PageResult empty;
  empty.page_index = 1;
  empty.notes.push_back("no table found on this page");
  DocumentResult doc;
  doc.source = "in/x.pdf";
  doc.name = "x";
  doc.pages = {p, empty};
  return doc;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(Output, JsonHasSchemaFields) {
  auto j = nlohmann::json::parse(output::to_json(sample_document()));
  ASSERT_EQ(j["pages"].size(), 2u);
  const auto& table = j["pages"][0]["tables"][0];
  EXPECT_EQ(j["pages"][0]["page"], 1);
  EXPECT_EQ(table["title"], "2023年预算支出总表");
  EXPECT_EQ(table["rows"], 2);
  EXPECT_EQ(table["cells"][0]["colSpan"], 2);
  EXPECT_EQ(table["cells"][0]["ocr_text"], "项 目");
  EXPECT_EQ(table["cells"][1]["rowSpan"], 2);
  EXPECT_EQ(table["cells"][1]["issues"][0]["code"], "low_confidence");
  EXPECT_EQ(table["bbox"], nlohmann::json::array({10, 20, 300, 100}));
  EXPECT_EQ(j["pages"][1]["tables"].size(), 0u);
  EXPECT_EQ(j["pages"][1]["notes"][0], "no table found on this page");
}

TEST(Output, HtmlHasSpansAndEscapes) {
  std::string html = output::to_html(sample_document());
  EXPECT_NE(html.find("<td colspan=\"2\">项目</td>"), std::string::npos);
  EXPECT_NE(html.find("rowspan=\"2\""), std::string::npos);
  EXPECT_NE(html.find("a,&quot;b&quot;"), std::string::npos);
  EXPECT_NE(html.find("data-page=\"1\""), std::string::npos);
  EXPECT_NE(html.find("<caption>2023年预算支出总表</caption>"), std::string::npos);
}

TEST(Output, CsvQuotesAndPlacesMergedTextTopLeft) {
  auto doc = sample_document();
  EXPECT_EQ(output::table_to_csv(doc.pages[0].tables[0]), "项目,,合计\r\n201,\"a,\"\"b\"\"\",\r\n");
}

TEST(Output, WriteDocumentLeavesNoTempFiles) {
  auto dir = std::filesystem::temp_directory_path() / "scantab_output_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto written = output::write_document(sample_document(), dir);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->csv.size(), 1u);
  EXPECT_EQ(written->csv[0].filename(), "x_p1_t1.csv");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 3);
  EXPECT_NE(read_file(written->json).find("\"scantab_version\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Output, WriteToMissingDirectoryFailsCleanly) {
  auto written = output::write_document(sample_document(), "/nonexistent/dir/for/scantab");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kOutputFailure);
}
