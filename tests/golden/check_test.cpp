// `scantab check` end to end on the seeds: exit code, the atomic JSON report, the text summary.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace fs = std::filesystem;

namespace {

int run(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path seed(const std::string& prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(SCANTAB_SHARED_DIR) / "seeds", ec))
    if (e.path().filename().string().starts_with(prefix)) return e.path();
  return {};
}

TEST(CheckCommand, Seed004Report) {
  fs::path input = seed("004");
  if (input.empty()) GTEST_SKIP() << "seeds not available";
  fs::path out = fs::temp_directory_path() / ("scantab_check_" + std::to_string(::getpid()));
  std::string text;
  int code = run(std::string(SCANTAB_CLI) + " check '" + input.string() + "' -o '" + out.string() + "'", &text);
  EXPECT_EQ(code, 0);
  EXPECT_NE(text.find("7 performance sheet(s)"), std::string::npos) << text;
  std::ifstream in(out / (input.stem().string() + ".check.json"));
  ASSERT_TRUE(in.good());
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["performance_sheets"].size(), 7u);
  const auto& s = j["performance_sheets"][0];
  EXPECT_EQ(s["项目名称"], "政府办专项业务费");
  EXPECT_EQ(s["项目资金"]["年度"]["总额"], "800,000");
  EXPECT_FALSE(s["绩效指标"].empty());
  for (const auto& f : j["findings"]) EXPECT_NE(f["severity"], "error") << f.dump();
  for (const auto& e : fs::directory_iterator(out)) EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos);
  fs::remove_all(out);
}

TEST(CheckCommand, MissingInput) {
  std::string text;
  EXPECT_EQ(run(std::string(SCANTAB_CLI) + " check /nonexistent/input.txt 2>&1", &text), 3);
}

}  // namespace
