// Corpus tests, through the real `scantab` and `scantab-synth` binaries:
//  * EvalCliTest: `scantab eval` gives 1.0 for truth against itself and lower
//    scores for perturbed copies (the yardstick itself is sound);
//  * RatchetTest: the CI accuracy ratchet. A small corpus (clean, office,
//    rough, rotated) is generated at test time, converted, evaluated; every
//    per-profile and overall figure must stay at or above its floor in
//    tests/corpus/floors.json. Timings are printed, never asserted.
#include <gtest/gtest.h>

#include "command.hpp"
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using corpus_test::CmdResult;
using corpus_test::quote;
using corpus_test::read_json;
using corpus_test::run;

void write_json(const fs::path& path, const json& j) {
  std::ofstream out(path);
  out << j.dump(1);
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("scantab_corpus_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// `scantab eval` over truth/pred directories; returns the JSON report.
json eval_report(const fs::path& truth, const fs::path& pred, const fs::path& report) {
  CmdResult r = run(std::string(SCANTAB_CLI) + " eval --truth " + quote(truth) + " --pred " + quote(pred) + " --json " +
              quote(report));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0 || !fs::exists(report)) return json::object();
  return read_json(report);
}

// ------------------------------------------------------------ eval CLI
class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "truth");
    fs::create_directories(dir_ / "pred");
    // The bundled samples' truth (real layouts: merged headers, two tables on a page).
    for (const char* name : {"expenditure_total", "sangong", "income_total_rough"}) {
      fs::path src = fs::path(SCANTAB_SOURCE_DIR) / "samples" / (std::string(name) + ".truth.json");
      fs::copy_file(src, dir_ / "truth" / (std::string(name) + ".truth.json"));
      truths_[name] = read_json(src);
    }
  }
  fs::path dir_;
  std::map<std::string, json> truths_;
};

TEST_F(EvalCliTest, TruthAgainstItselfScoresOne) {
  for (const auto& [name, truth] : truths_) write_json(dir_ / "pred" / (name + ".json"), truth);
  json report = eval_report(dir_ / "truth", dir_ / "pred", dir_ / "report.json");
  ASSERT_TRUE(report.contains("overall"));
  const json& all = report["overall"];
  EXPECT_DOUBLE_EQ(all["teds"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all["teds_s"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all["numeric_exact"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all["text_exact"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all["cer"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(all["precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(all["recall"].get<double>(), 1.0);
  EXPECT_GT(all["counts"]["numeric"].get<long long>(), 20);  // the samples do hold amounts
  EXPECT_GT(all["counts"]["text"].get<long long>(), 20);
  EXPECT_EQ(report["documents"].size(), 3u);
}

// Perturbations a recognizer really makes: a misread digit, a misread
// character, a lost table, two cells merged into one.
TEST_F(EvalCliTest, PerturbedCopiesScoreLower) {
  for (auto [name, doc] : truths_) {
    auto& tables = doc["pages"][0]["tables"];
    auto& cells = tables[0]["cells"];
    bool digit_done = false, text_done = false;
    for (auto& cell : cells) {
      std::string text = cell["text"];
      if (!digit_done && !text.empty() && text.find_first_not_of("0123456789.,") == std::string::npos &&
          text.find_first_of("0123456789") != std::string::npos) {
        auto pos = text.find_first_of("0123456789");
        text[pos] = text[pos] == '8' ? '3' : '8';  // 8 <-> 3, a classic misreading
        cell["text"] = text;
        digit_done = true;
      } else if (!text_done && text.size() >= 6 && static_cast<unsigned char>(text[0]) >= 0xE0) {
        cell["text"] = "口" + text.substr(3);  // first CJK character misread
        text_done = true;
      }
    }
    ASSERT_TRUE(digit_done && text_done) << name;
    if (tables.size() > 1) tables.erase(tables.size() - 1);  // sangong: lose the second table
    if (name == "expenditure_total") {
      // Merge the last row's first two cells (a missed vertical rule).
      auto& t = tables[0];
      int last = t["rows"].get<int>() - 1;
      json kept = json::array();
      for (auto& cell : t["cells"]) {
        if (cell["row"] == last && cell["col"] == 1) continue;
        if (cell["row"] == last && cell["col"] == 0) cell["colSpan"] = cell["colSpan"].get<int>() + 1;
        kept.push_back(cell);
      }
      t["cells"] = kept;
    }
    write_json(dir_ / "pred" / (name + ".json"), doc);
  }
  json report = eval_report(dir_ / "truth", dir_ / "pred", dir_ / "report.json");
  ASSERT_TRUE(report.contains("overall"));
  const json& all = report["overall"];
  EXPECT_LT(all["teds"].get<double>(), 1.0);
  EXPECT_GT(all["teds"].get<double>(), 0.5);  // small damage, not a disaster
  EXPECT_LT(all["teds_s"].get<double>(), 1.0);
  EXPECT_LT(all["numeric_exact"].get<double>(), 1.0);
  EXPECT_LT(all["text_exact"].get<double>(), 1.0);
  EXPECT_GT(all["cer"].get<double>(), 0.0);
  EXPECT_LT(all["recall"].get<double>(), 1.0);
  for (const auto& doc : report["documents"]) EXPECT_LT(doc["metrics"]["teds"].get<double>(), 1.0) << doc["name"];
}

TEST_F(EvalCliTest, MissingPredictionCountsAsMissedAndBadTruthFails) {
  json report = eval_report(dir_ / "truth", dir_ / "pred", dir_ / "report.json");  // pred dir empty
  ASSERT_TRUE(report.contains("overall"));
  EXPECT_DOUBLE_EQ(report["overall"]["teds"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["overall"]["recall"].get<double>(), 0.0);

  std::ofstream(dir_ / "truth" / "broken.truth.json") << "{\"pages\": [";
  CmdResult r = run(std::string(SCANTAB_CLI) + " eval --truth " + quote(dir_ / "truth") + " --pred " + quote(dir_ / "pred"));
  EXPECT_EQ(r.exit_code, 6) << r.output;  // corrupt input
  r = run(std::string(SCANTAB_CLI) + " eval --truth " + quote(dir_ / "nowhere") + " --pred " + quote(dir_ / "pred"));
  EXPECT_EQ(r.exit_code, 3) << r.output;  // missing
}

// ------------------------------------------------------------ ratchet
// The ratchet corpus: one page per entry, every profile, several fonts/dpis.
struct CorpusEntry {
  const char* spec;
  const char* profile;
  int dpi;
  const char* font;
};
constexpr CorpusEntry kRatchetCorpus[] = {
    {"sangong", "clean", 200, "Noto Serif CJK SC"},
    {"hebei_general_expenditure", "office", 300, "AR PL UMing CN"},
    {"performance_sheet", "office", 200, "WenQuanYi Zen Hei"},
    {"income_total", "rough", 200, "WenQuanYi Zen Hei"},
    {"project_carryover", "rotated", 150, "Noto Sans CJK SC"},
};

TEST(RatchetTest, AccuracyStaysAtOrAboveFloors) {
  const fs::path dir = fresh_dir("ratchet");
  const fs::path specs = fs::path(SCANTAB_SOURCE_DIR) / "tools" / "synth" / "specs";
  for (const CorpusEntry& e : kRatchetCorpus) {
    const std::string name = std::string(e.spec) + "__" + e.profile;
    CmdResult r = run(std::string(SCANTAB_SYNTH) + " --out " + quote(dir / "corpus") + " --seed 7 --profile " + e.profile +
                " --dpi " + std::to_string(e.dpi) + " --font '" + e.font + "' --name " + name + " " +
                quote(specs / (std::string(e.spec) + ".json")));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::vector<std::string> pdfs;
  for (const auto& entry : fs::directory_iterator(dir / "corpus"))
    if (entry.path().extension() == ".pdf") pdfs.push_back(quote(entry.path()));
  ASSERT_EQ(pdfs.size(), std::size(kRatchetCorpus));

  std::string convert = std::string(SCANTAB_CLI) + " convert -q -j 2 -o " + quote(dir / "pred");
  for (const auto& p : pdfs) convert += " " + p;
  auto start = std::chrono::steady_clock::now();
  CmdResult converted = run(convert);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(converted.exit_code, 0) << converted.output;
  std::printf("ratchet: converted %zu documents in %.1f s (reported, not asserted)\n", pdfs.size(), seconds);

  CmdResult text = run(std::string(SCANTAB_CLI) + " eval --truth " + quote(dir / "corpus") + " --pred " +
                 quote(dir / "pred") + " --json " + quote(dir / "report.json"));
  ASSERT_EQ(text.exit_code, 0) << text.output;
  std::printf("%s\n", text.output.c_str());
  const json report = read_json(dir / "report.json");
  const json floors = read_json(fs::path(SCANTAB_CORPUS_DIR) / "floors.json")["floors"];
  ASSERT_FALSE(floors.empty());
  for (const auto& [scope, metrics] : floors.items()) {
    const json& measured = scope == "overall" ? report["overall"] : report["profiles"].value(scope, json::object());
    ASSERT_TRUE(measured.is_object() && !measured.empty()) << "no figures for " << scope;
    for (const auto& [metric, floor] : metrics.items()) {
      ASSERT_TRUE(measured.contains(metric) && measured[metric].is_number()) << scope << "." << metric;
      const double value = measured[metric].get<double>();
      if (metric == "cer")  // an error rate: the floor is a ceiling
        EXPECT_LE(value, floor.get<double>()) << scope << " cer rose above its recorded ceiling";
      else
        EXPECT_GE(value, floor.get<double>()) << scope << " " << metric << " fell below its floor";
    }
  }
}

}  // namespace
