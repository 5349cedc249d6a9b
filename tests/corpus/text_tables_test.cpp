// End to end through the real binaries: tables that are not fully ruled.
// scantab-synth renders specs whose tables have no outer vertical borders,
// horizontal rules only, or no rules at all (tools/synth/specs/partial_*,
// whitespace_*), and a page of prose with no table (prose_page); scantab
// converts them; each table must come back with the truth's lattice (rows,
// columns, every cell's position and spans), its gridKind, and its amounts;
// the prose page must come back with no table at all.
#include <gtest/gtest.h>

#include "command.hpp"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <regex>
#include <set>
#include <string>
#include <tuple>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using corpus_test::CmdResult;
using corpus_test::quote;
using corpus_test::read_json;
using corpus_test::run;

using CellKey = std::tuple<int, int, int, int>;
std::set<CellKey> lattice(const json& table) {
  std::set<CellKey> out;
  for (const auto& c : table["cells"])
    out.insert({c["row"].get<int>(), c["col"].get<int>(), c["rowSpan"].get<int>(), c["colSpan"].get<int>()});
  return out;
}

bool is_amount(const std::string& s) { return std::regex_match(s, std::regex(R"([0-9][0-9,]*\.[0-9]{2})")); }

// Generates the documents and converts them (once: one test, one process,
// since ctest runs every TEST in a process of its own).
fs::path generate_and_convert() {
  const fs::path dir = fs::path(SCANTAB_BINARY_DIR) / "test-text-tables";
  fs::remove_all(dir);
  fs::create_directories(dir / "pred");
  const fs::path specs = fs::path(SCANTAB_SOURCE_DIR) / "tools" / "synth" / "specs";
  for (const char* spec : {"partial_no_outer_vertical", "partial_horizontal_only", "whitespace_expenditure",
                           "prose_page"}) {
    const CmdResult r = run(std::string(SCANTAB_SYNTH) + " --out " + quote(dir / "corpus") +
                            " --seed 7 --profile clean --dpi 200 --font 'Noto Serif CJK SC' " +
                            quote(specs / (std::string(spec) + ".json")));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  // Prose upside down (PNGs turned by 180°): the prose page, whose amounts
  // give the baseline-dot cue, and a page of prose without digits, where
  // only Tesseract OSD can tell.
  std::ofstream(dir / "no_digits.json") << R"({"name": "no_digits", "pages": [{"tables": [], "paragraphs": [
      "一、部门职责", "中国共产党忻州市委员会办公室主要职责是：负责市委机关的日常运转工作，协助市委领导同志处理日常工作；负责市委文件的起草、审核、印发工作；负责市委会议的组织安排和会议决定事项的督促落实；负责全市党委系统的信息综合、督促检查、机要保密、档案管理等工作。",
      "二、机构设置", "本部门内设综合科、秘书科、文电科、督查室、信息科、机要科、保密科、档案科等机构，下设市委机要局、市委督查室、市委保密委员会办公室等单位，负责相应的具体工作。",
      "三、主要工作", "围绕市委中心工作，强化参谋助手作用，提高服务质量和办事效率，做好文稿起草、会议组织、信息报送、督促检查、机要保密、档案管理和后勤保障等各项工作，确保市委机关高效有序运转。"]}]})";
  for (const auto& [spec, stem] : {std::pair(specs / "prose_page.json", std::string("prose_page")),
                                   std::pair(dir / "no_digits.json", std::string("no_digits"))}) {
    const CmdResult r = run(std::string(SCANTAB_SYNTH) + " --out " + quote(dir / "png") +
                            " --seed 7 --profile clean --dpi 200 --font 'Noto Serif CJK SC' --png " + quote(spec));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    cv::Mat page = cv::imread((dir / "png" / (stem + "-p1.png")).string(), cv::IMREAD_GRAYSCALE), turned;
    EXPECT_FALSE(page.empty()) << stem;
    if (page.empty()) continue;
    cv::rotate(page, turned, cv::ROTATE_180);
    cv::imwrite((dir / "corpus" / (stem + "_upside_down.png")).string(), turned);
  }
  std::string convert = std::string(SCANTAB_CLI) + " convert -q -j 2 -o " + quote(dir / "pred");
  for (const auto& e : fs::directory_iterator(dir / "corpus"))
    if (e.path().extension() == ".pdf" || e.path().extension() == ".png") convert += " " + quote(e.path());
  const CmdResult r = run(convert);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir;
}

// The one table of document `name`: lattice, gridKind and amounts as in the truth.
void check_table(const fs::path& dir, const std::string& name, const std::string& kind) {
  SCOPED_TRACE(name);
  const json truth = read_json(dir / "corpus" / (name + ".truth.json"));
  const json pred = read_json(dir / "pred" / (name + ".json"));
  ASSERT_EQ(truth["pages"].size(), 1u);
  ASSERT_EQ(pred["pages"].size(), 1u);
  const json& t = truth["pages"][0]["tables"];
  const json& p = pred["pages"][0]["tables"];
  ASSERT_EQ(t.size(), 1u);
  ASSERT_EQ(p.size(), 1u) << "exactly one table found";
  EXPECT_EQ(t[0]["gridKind"], kind);
  EXPECT_EQ(p[0]["gridKind"], kind);
  EXPECT_EQ(p[0]["rows"], t[0]["rows"]);
  EXPECT_EQ(p[0]["cols"], t[0]["cols"]);
  EXPECT_EQ(lattice(p[0]), lattice(t[0])) << "cell positions and spans";
  // Amounts: exact, position by position.
  std::map<std::pair<int, int>, std::string> predicted;
  for (const auto& c : p[0]["cells"]) predicted[{c["row"].get<int>(), c["col"].get<int>()}] = c["text"];
  int amounts = 0, exact = 0;
  for (const auto& c : t[0]["cells"]) {
    const std::string text = c["text"];
    if (!is_amount(text)) continue;
    ++amounts;
    exact += predicted[{c["row"].get<int>(), c["col"].get<int>()}] == text;
  }
  ASSERT_GT(amounts, 10);
  EXPECT_GE(double(exact) / amounts, 0.95) << exact << " of " << amounts << " amounts exact";
}

TEST(TextTablesEndToEnd, PartialAndWhitespaceTablesAndAProsePage) {
  const fs::path dir = generate_and_convert();
  check_table(dir, "partial_no_outer_vertical", "partial");
  check_table(dir, "partial_horizontal_only", "partial");
  check_table(dir, "whitespace_expenditure", "whitespace");
  // A page of prose: no table at all, and a note saying so.
  const json prose = read_json(dir / "pred" / "prose_page.json");
  ASSERT_EQ(prose["pages"].size(), 1u);
  EXPECT_TRUE(prose["pages"][0]["tables"].empty());
  EXPECT_FALSE(prose["pages"][0]["notes"].empty());
  // Upside down: turned back by 180° (by the baseline-dot cue, or by
  // Tesseract OSD when that cue is unclear), and still no table.
  const json turned = read_json(dir / "pred" / "prose_page_upside_down.json");
  ASSERT_EQ(turned["pages"].size(), 1u);
  EXPECT_EQ(turned["pages"][0]["rotation_degrees"], 180) << turned["pages"][0]["notes"].dump();
  EXPECT_TRUE(turned["pages"][0]["tables"].empty());
  const json plain = read_json(dir / "pred" / "no_digits_upside_down.json");
  ASSERT_EQ(plain["pages"].size(), 1u);
  EXPECT_EQ(plain["pages"][0]["rotation_degrees"], 180) << plain["pages"][0]["notes"].dump();
  EXPECT_NE(plain["pages"][0]["notes"].dump().find("Tesseract OSD"), std::string::npos)
      << "no baseline dots: decided by OSD " << plain["pages"][0]["notes"].dump();
  EXPECT_TRUE(plain["pages"][0]["tables"].empty());
}

}  // namespace
