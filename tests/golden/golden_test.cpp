// Golden end-to-end tests: the real pipeline (Poppler, OpenCV, Tesseract
// chi_sim) on the bundled sample scans, scored against their ground truth
// with the eval stage. Floors come from cases.json and only ratchet up.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/cv_image.hpp"
#include "eval/eval.hpp"
#include "output/output.hpp"
#include "pipeline/pipeline.hpp"
#include "preprocess/preprocess.hpp"
#include "raster/raster.hpp"

namespace fs = std::filesystem;
using namespace scantab;

namespace {

struct Case {
  std::string name;
  bool structure_exact = false;
  double teds_s_min = 0, numeric_min = 0, text_min = 0;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> load_cases() {
  std::ifstream in(fs::path(SCANTAB_SOURCE_DIR) / "tests/golden/cases.json");
  auto j = nlohmann::json::parse(in);
  std::vector<Case> cases;
  for (const auto& c : j["cases"])
    cases.push_back({c["name"], c.value("structure_exact", false), c.value("teds_s_min", 0.0),
                     c.value("numeric_min", 0.0), c.value("text_min", 0.0)});
  return cases;
}

pipeline::Converter& converter() {
  static pipeline::Converter instance{pipeline::Options{}};
  return instance;
}

class Golden : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(Golden, MatchesGroundTruth) {
  const Case& c = GetParam();
  const fs::path samples = fs::path(SCANTAB_SOURCE_DIR) / "samples";
  auto truth = eval::load_document(samples / (c.name + ".truth.json"));
  ASSERT_TRUE(truth.has_value()) << truth.error().message;

  auto result = converter().convert(samples / (c.name + ".pdf"));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  auto pred = eval::parse_document(output::to_json(*result));
  ASSERT_TRUE(pred.has_value()) << pred.error().message;

  eval::DocumentReport report = eval::evaluate(*truth, &*pred);
  const eval::Counts& k = report.counts;
  EXPECT_EQ(k.matched_tables, k.truth_tables) << "tables missed";
  EXPECT_EQ(k.pred_tables, k.truth_tables) << "phantom tables";
  if (c.structure_exact) {
    for (const auto& m : report.tables) {
      EXPECT_TRUE(m.same_structure) << "page " << m.page << " table '" << m.title << "'";
      EXPECT_DOUBLE_EQ(m.teds_s, 1.0) << "page " << m.page << " table '" << m.title << "'";
    }
  }
  ASSERT_TRUE(k.mean_teds_s().has_value());
  EXPECT_GE(*k.mean_teds_s(), c.teds_s_min);
  ASSERT_TRUE(k.numeric_rate().has_value());
  EXPECT_GE(*k.numeric_rate(), c.numeric_min) << k.numeric_correct << "/" << k.numeric << " numeric cells exact";
  if (k.text_rate()) {
    EXPECT_GE(*k.text_rate(), c.text_min) << k.text_correct << "/" << k.text << " text cells exact";
  }
  // Printed for the record (never asserted on): the report row for this sample.
  eval::Report one;
  one.documents.push_back(report);
  one.overall = report.counts;
  std::cout << eval::to_text(one) << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Samples, Golden, ::testing::ValuesIn(load_cases()),
                         [](const auto& info) { return info.param.name; });

// Pages scanned upside down or turned sideways come back upright with their
// amounts (page cues first; the OCR-confidence check settles 180° and
// 90°-vs-270° when the cues are weak).
class TurnedPage : public ::testing::TestWithParam<int> {};

TEST_P(TurnedPage, ComesBackUprightWithItsAmounts) {
  const int turn = GetParam();
  const fs::path samples = fs::path(SCANTAB_SOURCE_DIR) / "samples";
  auto document = raster::open(samples / "expenditure_total.pdf");
  ASSERT_TRUE(document.has_value()) << document.error().message;
  auto page = (*document)->render_page(0);
  ASSERT_TRUE(page.has_value());
  const fs::path png = fs::temp_directory_path() / ("scantab_turned_" + std::to_string(turn) + ".png");
  ASSERT_TRUE(cv::imwrite(png.string(), as_mat(preprocess::rotate_quadrant(page->image, turn))));

  auto result = converter().convert(png);
  fs::remove(png);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->pages.size(), 1u);
  EXPECT_EQ((result->pages[0].rotation_degrees + turn) % 360, 0) << "rotation " << result->pages[0].rotation_degrees;
  auto truth = eval::load_document(samples / "expenditure_total.truth.json");
  ASSERT_TRUE(truth.has_value());
  auto pred = eval::parse_document(output::to_json(*result));
  ASSERT_TRUE(pred.has_value());
  const eval::Counts k = eval::evaluate(*truth, &*pred).counts;
  EXPECT_EQ(k.matched_tables, 1);
  ASSERT_TRUE(k.numeric_rate().has_value());
  EXPECT_GE(*k.numeric_rate(), 0.98) << k.numeric_correct << "/" << k.numeric;
}

INSTANTIATE_TEST_SUITE_P(Turns, TurnedPage, ::testing::Values(90, 180, 270));

// --debug-dir: the stage pictures of each page are written, and they show the
// page as it was read (upright), also when a turned attempt was made and lost
// or won; no attempt's scratch folder is left behind.
TEST(DebugPictures, ShowThePageAsReadAndLeaveNoScratch) {
  const fs::path samples = fs::path(SCANTAB_SOURCE_DIR) / "samples";
  auto document = raster::open(samples / "expenditure_total.pdf");
  ASSERT_TRUE(document.has_value()) << document.error().message;
  auto page = (*document)->render_page(0);
  ASSERT_TRUE(page.has_value());
  auto upright = preprocess::prepare(*page);
  ASSERT_TRUE(upright.has_value());
  const fs::path dir = fs::temp_directory_path() / "scantab_debug_pictures";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int turn : {0, 180}) {
    const fs::path png = dir / ("page_" + std::to_string(turn) + ".png");
    ASSERT_TRUE(cv::imwrite(png.string(), as_mat(preprocess::rotate_quadrant(page->image, turn))));
    pipeline::Options options;
    options.debug_dir = dir / "pictures";
    pipeline::Converter debug_converter(options);
    auto result = debug_converter.convert(png);
    ASSERT_TRUE(result.has_value()) << result.error().message;
    const std::string base = (options.debug_dir / ("page_" + std::to_string(turn) + "_p1")).string();
    for (const char* suffix : {"_1_binary.png", "_2_lines.png", "_3_cells.png", "_4_text.png"})
      EXPECT_TRUE(fs::exists(base + suffix)) << base + suffix;
    const cv::Mat binary = cv::imread(base + "_1_binary.png", cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(binary.empty());
    ASSERT_EQ(binary.size(), as_mat(upright->binary).size());
    // Closer to the upright page's binarization than to it turned by 180°.
    cv::Mat turned_back;
    cv::rotate(as_mat(upright->binary), turned_back, cv::ROTATE_180);
    EXPECT_LT(cv::norm(binary, as_mat(upright->binary), cv::NORM_L1), cv::norm(binary, turned_back, cv::NORM_L1))
        << "turn " << turn;
  }
  for (const auto& entry : fs::directory_iterator(dir / "pictures"))
    EXPECT_TRUE(entry.is_regular_file()) << entry.path();  // no scratch folder left
  fs::remove_all(dir);
}

// convert_all (several pages in flight, cells spread over idle engines) gives
// each document exactly what converting it alone gives, delivers every input
// once, and an unreadable input in the middle of the batch costs only itself.
TEST(Batch, SameResultsAsOneAtATimeAndBadInputsStayAlone) {
  const fs::path samples = fs::path(SCANTAB_SOURCE_DIR) / "samples";
  const fs::path empty = fs::temp_directory_path() / "scantab_batch_empty.pdf";
  { std::ofstream touch(empty); }
  const std::vector<fs::path> inputs = {samples / "sangong.pdf", empty, samples / "project_carryover_rotated.pdf",
                                        samples / "expenditure_total.pdf"};
  pipeline::Options options;
  options.threads = 2;
  pipeline::Converter batch_converter(options);
  std::vector<int> calls(inputs.size(), 0);
  std::vector<std::string> json(inputs.size());
  std::vector<std::optional<ErrorCode>> errors(inputs.size());
  batch_converter.convert_all(inputs, [&](std::size_t i, Result<DocumentResult> result) {
    ASSERT_LT(i, inputs.size());
    ++calls[i];
    if (result) json[i] = output::to_json(*result);
    else errors[i] = result.error().code;
  });
  fs::remove(empty);
  for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(calls[i], 1) << inputs[i];
  EXPECT_EQ(errors[1], std::optional(ErrorCode::kEmptyFile));
  for (std::size_t i : {0u, 2u, 3u}) EXPECT_FALSE(errors[i].has_value()) << inputs[i];
  for (std::size_t i : {0u, 2u, 3u}) {
    auto alone = converter().convert(inputs[i]);
    ASSERT_TRUE(alone.has_value()) << alone.error().message;
    EXPECT_EQ(json[i], output::to_json(*alone)) << inputs[i];
  }
}
