// eval report: directory mode and the JSON / text renderings.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "eval/eval.hpp"

namespace scantab::eval {
namespace fs = std::filesystem;

// ---------------------------------------------------------------- run
Result<Report> run(const fs::path& truth_dir, const fs::path& pred_dir, const Options& options) {
  static constexpr std::string_view kSuffix = ".truth.json";
  std::error_code ec;
  if (!fs::is_directory(truth_dir, ec)) return fail(ErrorCode::kMissingFile, truth_dir.string() + ": not a directory");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(truth_dir, ec)) {
    std::string file = entry.path().filename().string();
    if (file.size() > kSuffix.size() && file.ends_with(kSuffix) && entry.is_regular_file(ec))
      names.push_back(file.substr(0, file.size() - kSuffix.size()));
  }
  if (ec) return fail(ErrorCode::kMissingFile, truth_dir.string() + ": " + ec.message());
  if (names.empty()) return fail(ErrorCode::kMissingFile, truth_dir.string() + ": no *.truth.json files");
  std::sort(names.begin(), names.end());

  Report report;
  for (const std::string& name : names) {
    auto truth = load_document(truth_dir / (name + std::string(kSuffix)));
    if (!truth) return fail(truth.error().code, "truth " + truth.error().message);
    const fs::path pred_path = pred_dir / (name + ".json");
    DocumentReport doc;
    if (auto pred = load_document(pred_path)) {
      doc = evaluate(*truth, &*pred, options);
    } else {
      doc = evaluate(*truth, nullptr, options);
      doc.error = pred.error().message;
    }
    doc.name = name;
    report.overall += doc.counts;
    for (const auto& [profile, counts] : doc.by_profile) report.profiles[profile] += counts;
    report.documents.push_back(std::move(doc));
  }
  return report;
}

// ---------------------------------------------------------------- JSON
namespace {
using nlohmann::json;

json value(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json metrics_json(const Counts& c) {
  return json{
      {"teds", value(c.mean_teds())},
      {"teds_s", value(c.mean_teds_s())},
      {"numeric_exact", value(c.numeric_rate())},
      {"text_exact", value(c.text_rate())},
      {"cer", value(c.cer())},
      {"precision", value(c.precision())},
      {"recall", value(c.recall())},
      {"counts",
       {{"truth_tables", c.truth_tables},
        {"pred_tables", c.pred_tables},
        {"matched_tables", c.matched_tables},
        {"numeric", c.numeric},
        {"numeric_correct", c.numeric_correct},
        {"numeric_wrong_flagged", c.numeric_wrong_flagged},
        {"numeric_wrong_unflagged", c.numeric_wrong_unflagged},
        {"numeric_missing", c.numeric_missing},
        {"numeric_correct_flagged", c.numeric_correct_flagged},
        {"text", c.text},
        {"text_correct", c.text_correct},
        {"text_chars", c.text_chars},
        {"text_edits", c.text_edits}}},
  };
}
}  // namespace

std::string to_json(const Report& report) {
  json docs = json::array();
  for (const DocumentReport& d : report.documents) {
    json tables = json::array();
    for (const TableMatch& t : d.tables)
      tables.push_back({{"page", t.page},
                        {"truth_index", t.truth_index},
                        {"pred_index", t.pred_index},
                        {"title", t.title},
                        {"teds", t.teds},
                        {"teds_s", t.teds_s},
                        {"same_structure", t.same_structure}});
    docs.push_back({{"name", d.name},
                    {"profile", d.profile},
                    {"prediction_found", d.prediction_found},
                    {"error", d.error},
                    {"metrics", metrics_json(d.counts)},
                    {"tables", std::move(tables)}});
  }
  json profiles = json::object();
  for (const auto& [name, counts] : report.profiles) profiles[name] = metrics_json(counts);
  json out{{"overall", metrics_json(report.overall)}, {"profiles", std::move(profiles)}, {"documents", std::move(docs)}};
  // Replace invalid UTF-8 instead of throwing on a garbled title.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// ---------------------------------------------------------------- text
namespace {

// Terminal columns of a UTF-8 string: CJK and full-width forms count 2.
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (char32_t c : to_code_points(s)) w += (c >= 0x2E80 && c <= 0xFFEF) ? 2 : 1;
  return w;
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  for (std::size_t w = display_width(s); w < width; ++w) out += ' ';
  return out;
}

std::string num(std::optional<double> v) {
  char buf[32];
  if (!v) return "     -";
  std::snprintf(buf, sizeof buf, "%6.3f", *v);
  return buf;
}

std::string count(long long v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%*lld", width, v);
  return buf;
}

std::string header(std::size_t label_width, std::string_view label) {
  return pad(label, label_width) +
         " truth pred match   TEDS TEDS-S    num   text    CER      P      R  wrong! flagged missing\n";
}

std::string line(std::size_t label_width, std::string_view label, const Counts& c) {
  return pad(label, label_width) + count(c.truth_tables, 6) + count(c.pred_tables, 5) +
         count(c.matched_tables, 6) + " " + num(c.mean_teds()) + " " + num(c.mean_teds_s()) + " " +
         num(c.numeric_rate()) + " " + num(c.text_rate()) + " " + num(c.cer()) + " " + num(c.precision()) +
         " " + num(c.recall()) + count(c.numeric_wrong_unflagged, 8) + count(c.numeric_wrong_flagged, 8) +
         count(c.numeric_missing, 8) + "\n";
}

}  // namespace

std::string to_text(const Report& report) {
  std::size_t width = 8;
  for (const DocumentReport& d : report.documents)
    width = std::max(width, display_width(d.name) + 1 + display_width(d.profile));
  for (const auto& [name, counts] : report.profiles) width = std::max(width, display_width(name));
  width += 1;

  std::string out = "Documents\n" + header(width, "name [profile]");
  for (const DocumentReport& d : report.documents) out += line(width, d.name + " [" + d.profile + "]", d.counts);
  out += "\nProfiles\n" + header(width, "profile");
  for (const auto& [name, counts] : report.profiles) out += line(width, name, counts);
  out += "\nOverall\n" + header(width, "") + line(width, "all", report.overall);
  out +=
      "\nnum/text: exact-match rate of numeric/text truth cells; CER: character error rate on text cells;\n"
      "P/R: table detection precision/recall; wrong!: wrong numeric cells the prediction did NOT flag;\n"
      "flagged: wrong but flagged; missing: numeric truth cells with no predicted counterpart.\n";
  bool any_error = false;
  for (const DocumentReport& d : report.documents) {
    if (d.error.empty()) continue;
    if (!any_error) out += "\nProblems\n";
    any_error = true;
    out += "  " + d.name + ": " + d.error + "\n";
  }
  return out;
}

}  // namespace scantab::eval
