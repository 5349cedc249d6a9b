// End-to-end tests of the `scantab` executable on bad and edge-case inputs:
// each must produce its documented exit code and a clear message, must not
// stop the other inputs of a batch, and must never leave partial files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CliRun run_cli(const std::string& args) {
  std::string command = std::string(SCANTAB_CLI) + " " + args + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer;
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) run.output.append(buffer.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("scantab_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) {
    fs::path p = dir_ / "in" / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::string out() const { return (dir_ / "out").string(); }
  bool no_temp_files() const {
    if (!fs::exists(dir_ / "out")) return true;
    for (const auto& e : fs::directory_iterator(dir_ / "out"))
      if (e.path().string().find(".tmp-") != std::string::npos) return false;
    return true;
  }
  fs::path dir_;
};

std::string sample(const std::string& name) { return std::string(SCANTAB_SOURCE_DIR) + "/samples/" + name; }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_F(CliTest, MissingFile) {
  CliRun r = run_cli("convert " + (dir_ / "nope.pdf").string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("nope.pdf"), std::string::npos);
}

TEST_F(CliTest, ZeroByteFile) {
  CliRun r = run_cli("convert " + write("empty.pdf", "").string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 4) << r.output;
}

TEST_F(CliTest, NotAPdfOrImage) {
  CliRun r = run_cli("convert " + write("notes.pdf", "这不是PDF文件\n").string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 5) << r.output;
}

TEST_F(CliTest, TruncatedPdf) {
  std::string pdf = read_all(sample("expenditure_total.pdf"));
  ASSERT_GT(pdf.size(), 1000u);
  CliRun r = run_cli("convert " + write("cut.pdf", pdf.substr(0, pdf.size() / 3)).string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 6) << r.output;
  EXPECT_TRUE(no_temp_files());
}

TEST_F(CliTest, EncryptedPdf) {
  fs::path encrypted = fs::path(SCANTAB_SOURCE_DIR) / "tests/unit/raster/data/encrypted_user_password.pdf";
  ASSERT_TRUE(fs::exists(encrypted)) << encrypted;
  CliRun r = run_cli("convert " + encrypted.string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 7) << r.output;
}

TEST_F(CliTest, HugeImageIsRefusedWithoutDecoding) {
  // A PNG signature and IHDR claiming 60000 x 60000 pixels, no image data.
  const unsigned char header[] = {0x89, 'P',  'N',  'G',  0x0D, 0x0A, 0x1A, 0x0A, 0,    0,    0,
                                  13,   'I',  'H',  'D',  'R',  0,    0,    0xEA, 0x60, 0,    0,
                                  0xEA, 0x60, 8,    0,    0,    0,    0,    0,    0,    0,    0};
  CliRun r = run_cli("convert " + write("huge.png", std::string(reinterpret_cast<const char*>(header), sizeof header)).string() +
                  " -o " + out());
  EXPECT_EQ(r.exit_code, 8) << r.output;
}

TEST_F(CliTest, PageWithoutTableIsNotAnError) {
  cv::Mat page(1100, 850, CV_8UC1, cv::Scalar(255));
  cv::putText(page, "Just a letter, no table here.", {80, 200}, cv::FONT_HERSHEY_SIMPLEX, 1.0, {0}, 2);
  fs::path png = dir_ / "in" / "letter.png";
  ASSERT_TRUE(cv::imwrite(png.string(), page));
  CliRun r = run_cli("convert " + png.string() + " -o " + out());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto json = nlohmann::json::parse(read_all(dir_ / "out" / "letter.json"));
  ASSERT_EQ(json["pages"].size(), 1u);
  EXPECT_EQ(json["pages"][0]["tables"].size(), 0u);
  EXPECT_EQ(json["pages"][0]["notes"][0], "no table found on this page");
}

TEST_F(CliTest, BadFileDoesNotStopTheBatch) {
  fs::path bad = write("broken.pdf", "%PDF-1.4\n garbage garbage");
  CliRun r = run_cli("convert " + bad.string() + " " + sample("expenditure_total.pdf") + " -o " + out());
  EXPECT_EQ(r.exit_code, 6) << r.output;  // the first failure's code
  EXPECT_TRUE(fs::exists(dir_ / "out" / "expenditure_total.json"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "expenditure_total.html"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "broken.json"));
  EXPECT_TRUE(no_temp_files());
}

TEST_F(CliTest, MissingLanguageDataStopsTheBatchWithItsReason) {
  // Every page needs the language data: the first document fails with the
  // reason (exit 9), and the rest of the batch is not started.
  CliRun r = run_cli("convert " + sample("sangong.pdf") + " " + sample("expenditure_total.pdf") +
                     " --lang zz_no_such_language -j 2 -o " + out());
  EXPECT_EQ(r.exit_code, 9) << r.output;
  EXPECT_NE(r.output.find("zz_no_such_language"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sangong.pdf"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "sangong.json"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "expenditure_total.json"));
}

TEST_F(CliTest, UsageErrors) {
  EXPECT_EQ(run_cli("convert").exit_code, 2);
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  CliRun help = run_cli("convert --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Exit codes"), std::string::npos);
}
