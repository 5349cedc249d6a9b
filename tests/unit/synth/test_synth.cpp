// scantab_synth_lib: a small spec in, a self-consistent truth and a PDF of the
// requested page size out; bad specs rejected; output deterministic.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "spec.hpp"
#include "synth.hpp"

namespace synth = scantab::synth;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Two header rows with a rowspan and a colspan, a forced break, a long label
// that wraps, an empty cell and a note; and a second, landscape page.
const char* kSpec = R"({
  "name": "unit",
  "pages": [
    {"size": "A4", "orientation": "portrait", "tables": [
      {"title": "2023年预算支出总表",
       "caption": {"left": "部门名称：测试单位", "right": "单位：万元"},
       "columns": [{"width": 1, "align": "left"}, {"width": 1.5, "align": "left"},
                   {"width": 1, "align": "right"}, {"width": 1, "align": "right"}],
       "header": [[{"text": "项目", "colSpan": 2}, {"text": "2023年\n预算数", "colSpan": 2}],
                  ["科目编码", "科目名称", "合计", {"text": "基本支出", "rowSpan": 2}],
                  ["1", "2", "3"]],
       "body": [["201", "一般公共服务支出一般公共服务支出一般公共服务支出", "4618.17", ""],
                [{"text": "合计", "colSpan": 2}, "4618.17", "1.00"]],
       "notes": ["注：本表无数据"]}]},
    {"size": "A4", "orientation": "landscape", "tables": [
      {"title": "表二", "columns": [1, 1], "body": [["a", "b"]]}]}
  ]})";

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(SCANTAB_BINARY_DIR) / "test-synth" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Page sizes (points) from the PDF's page dictionaries, in page order.
std::vector<std::pair<double, double>> media_boxes(const std::string& pdf) {
  std::vector<std::pair<double, double>> boxes;
  static const std::regex re(R"(/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\])");
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), re); it != std::sregex_iterator(); ++it)
    boxes.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  return boxes;
}

synth::DocSpec unit_spec() {
  auto doc = synth::parse_spec(json::parse(kSpec));
  EXPECT_TRUE(doc.has_value()) << doc.error();
  return *doc;
}

}  // namespace

TEST(SynthSpec, PlacesCellsPubTabNetStyle) {
  auto doc = unit_spec();
  auto placed = synth::place_cells(doc.pages[0].tables[0]);
  ASSERT_TRUE(placed.has_value()) << placed.error();
  // Row 2 lists three cells; column 3 is covered by 基本支出's rowspan.
  std::vector<std::tuple<int, int, std::string>> row2;
  for (const auto& c : *placed)
    if (c.row == 2) row2.emplace_back(c.row, c.col, c.spec.text);
  ASSERT_EQ(row2.size(), 3u);
  EXPECT_EQ(std::get<1>(row2[2]), 2);
}

TEST(SynthSpec, RejectsOverlapAndShortRows) {
  auto overlap = synth::parse_spec(json::parse(R"({"pages": [{"tables": [{"columns": [1, 1],
      "body": [[{"text": "x", "rowSpan": 2}, "y"], ["z", "w"]]}]}]})"));
  EXPECT_FALSE(overlap.has_value());
  auto short_row = synth::parse_spec(json::parse(R"({"pages": [{"tables": [{"columns": [1, 1, 1],
      "body": [["a", "b"]]}]}]})"));
  EXPECT_FALSE(short_row.has_value());
}

TEST(SynthGenerate, TruthCoversLatticeOnceAndPdfHasRequestedSize) {
  const fs::path dir = fresh_dir("clean");
  synth::GenerateOptions opts;
  opts.out_dir = dir;
  opts.dpi = 150;
  opts.profile = "clean";
  auto result = synth::generate(unit_spec(), opts);
  ASSERT_TRUE(result.has_value()) << result.error();

  // Truth, as written to disk.
  ASSERT_TRUE(fs::exists(dir / "unit.truth.json"));
  ASSERT_TRUE(fs::exists(dir / "unit.truth.html"));
  const json truth = json::parse(slurp(dir / "unit.truth.json"));
  EXPECT_EQ(truth["source"], "unit.pdf");
  ASSERT_EQ(truth["pages"].size(), 2u);
  const json& t = truth["pages"][0]["tables"][0];
  EXPECT_EQ(t["title"], "2023年预算支出总表");
  EXPECT_EQ(t["unit"], "万元");
  EXPECT_EQ(t["department"], "测试单位");
  EXPECT_EQ(t["notes"], json::array({"注：本表无数据"}));
  EXPECT_EQ(t["rows"], 5);
  EXPECT_EQ(t["cols"], 4);
  EXPECT_EQ(t["header_rows"], 3);

  // Every lattice position covered exactly once, cells row-major.
  for (const auto& page : truth["pages"])
    for (const auto& table : page["tables"]) {
      const int rows = table["rows"], cols = table["cols"];
      std::vector<int> hits(rows * cols, 0);
      int last = -1;
      for (const auto& c : table["cells"]) {
        const int r = c["row"], col = c["col"];
        EXPECT_GT(r * cols + col, last) << "row-major order";
        last = r * cols + col;
        for (int rr = r; rr < r + c["rowSpan"].get<int>(); ++rr)
          for (int cc = col; cc < col + c["colSpan"].get<int>(); ++cc) {
            ASSERT_TRUE(rr < rows && cc < cols);
            ++hits[rr * cols + cc];
          }
      }
      for (int h : hits) EXPECT_EQ(h, 1);
    }

  // Texts: forced break removed, empty cells present, cell boxes inside the table box.
  std::vector<std::string> texts;
  for (const auto& c : t["cells"]) texts.push_back(c["text"]);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "2023年预算数"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), ""), texts.end());
  const auto& tb = t["bbox"];
  for (const auto& c : t["cells"]) {
    const auto& b = c["bbox"];
    EXPECT_GE(b[0].get<int>(), tb[0].get<int>());
    EXPECT_GE(b[1].get<int>(), tb[1].get<int>());
    EXPECT_LE(b[0].get<int>() + b[2].get<int>(), tb[0].get<int>() + tb[2].get<int>());
    EXPECT_LE(b[1].get<int>() + b[3].get<int>(), tb[1].get<int>() + tb[3].get<int>());
  }

  // PDF page sizes: A4 portrait, then landscape, at pixels * 72 / dpi.
  ASSERT_TRUE(fs::exists(dir / "unit.pdf"));
  const auto boxes = media_boxes(slurp(dir / "unit.pdf"));
  ASSERT_EQ(boxes.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const auto& page = truth["pages"][i];
    EXPECT_NEAR(boxes[i].first, page["width"].get<int>() * 72.0 / 150, 0.01);
    EXPECT_NEAR(boxes[i].second, page["height"].get<int>() * 72.0 / 150, 0.01);
  }
  EXPECT_NEAR(boxes[0].first, 595.3, 0.6);   // 210 mm
  EXPECT_NEAR(boxes[0].second, 841.9, 0.6);  // 297 mm
  EXPECT_NEAR(boxes[1].first, 841.9, 0.6);
}

TEST(SynthGenerate, DeterministicAndRotatedProfileTurnsLandscapePages) {
  synth::GenerateOptions opts;
  opts.dpi = 150;
  opts.profile = "rotated";
  opts.seed = 7;
  opts.out_dir = fresh_dir("rot-a");
  auto a = synth::generate(unit_spec(), opts);
  ASSERT_TRUE(a.has_value()) << a.error();
  opts.out_dir = fresh_dir("rot-b");
  auto b = synth::generate(unit_spec(), opts);
  ASSERT_TRUE(b.has_value()) << b.error();
  EXPECT_EQ(slurp(a->pdf), slurp(b->pdf));
  EXPECT_EQ(slurp(a->truth_json), slurp(b->truth_json));

  EXPECT_EQ(a->truth["pages"][0]["applied_rotation_cw"], 0);
  const int rot = a->truth["pages"][1]["applied_rotation_cw"];
  EXPECT_TRUE(rot == 90 || rot == 270);
  const auto boxes = media_boxes(slurp(a->pdf));
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_LT(boxes[1].first, boxes[1].second) << "the turned landscape page is portrait in the PDF";
}

TEST(SynthGenerate, RejectsUnknownProfile) {
  synth::GenerateOptions opts;
  opts.out_dir = fresh_dir("bad");
  opts.profile = "no-such-profile";
  EXPECT_FALSE(synth::generate(unit_spec(), opts).has_value());
}

// "ruling" leaves the layout, the truth cells and the random stream (so the
// degradation: skew, noise) as for the fully ruled table; only the truth's
// gridKind and the drawn lines differ. "paragraphs" add prose without truth.
TEST(SynthGenerate, RulingModesChangeOnlyTheLinesAndGridKind) {
  auto with_ruling = [](const char* ruling) {
    json j = json::parse(kSpec);
    if (ruling) j["pages"][0]["tables"][0]["ruling"] = ruling;
    auto doc = synth::parse_spec(j);
    EXPECT_TRUE(doc.has_value()) << doc.error();
    synth::GenerateOptions opts;
    opts.out_dir = fresh_dir(std::string("ruling-") + (ruling ? ruling : "default"));
    opts.dpi = 150;
    opts.profile = "rough";
    opts.seed = 5;
    auto result = synth::generate(*doc, opts);
    EXPECT_TRUE(result.has_value()) << result.error();
    return std::pair(result->truth, opts.out_dir);
  };
  const auto [ruled, ruled_dir] = with_ruling(nullptr);
  EXPECT_FALSE(ruled["pages"][0]["tables"][0].contains("gridKind")) << "ruled truth unchanged";
  for (const char* mode : {"all", "noOuterVertical", "horizontalOnly", "none"}) {
    const auto [truth, dir] = with_ruling(mode);
    json stripped = truth;
    const std::string expected = std::string(mode) == "all" ? "" : std::string(mode) == "none" ? "whitespace" : "partial";
    json& table = stripped["pages"][0]["tables"][0];
    EXPECT_EQ(table.value("gridKind", ""), expected) << mode;
    table.erase("gridKind");
    EXPECT_EQ(stripped["pages"], ruled["pages"]) << mode << ": same cells, boxes and applied skew";
  }
  EXPECT_FALSE(synth::parse_spec(json::parse(R"({"pages": [{"tables": [{"columns": [1], "ruling": "dotted",
      "body": [["a"]]}]}]})")).has_value());

  auto prose = synth::parse_spec(json::parse(R"({"name": "prose", "pages": [{"tables": [],
      "paragraphs": ["一、部门职责", "负责市委机关的日常运转工作。"]}]})"));
  ASSERT_TRUE(prose.has_value()) << prose.error();
  synth::GenerateOptions opts;
  opts.out_dir = fresh_dir("prose");
  opts.profile = "clean";
  auto result = synth::generate(*prose, opts);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_TRUE(result->truth["pages"][0]["tables"].empty());
}
