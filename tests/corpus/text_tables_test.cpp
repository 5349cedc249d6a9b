// End to end through the real binaries: tables that are not fully ruled.
// scantab-synth renders specs whose tables have no outer vertical borders,
// horizontal rules only, or no rules at all (tools/synth/specs/partial_*,
// whitespace_*), and a page of prose with no table (prose_page); scantab
// converts them; each table must come back with the truth's lattice (rows,
// columns, every cell's position and spans), its gridKind, and its amounts;
// the prose page must come back with no table at all.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <tuple>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct CmdResult {
  int exit_code = -1;
  std::string output;
};

CmdResult run(const std::string& command) {
  CmdResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

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
  std::string convert = std::string(SCANTAB_CLI) + " convert -q -j 2 -o " + quote(dir / "pred");
  for (const auto& e : fs::directory_iterator(dir / "corpus"))
    if (e.path().extension() == ".pdf") convert += " " + quote(e.path());
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
}

}  // namespace
