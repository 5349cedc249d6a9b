// `scantab check`: tables (scantab JSON, or TSV/Markdown/HTML text dumps) ->
// forms, typed records, repaired performance sheets and arithmetic findings.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "core/atomic_file.hpp"
#include "forms/forms.hpp"
#include "ingest/ingest.hpp"
#include "validate/validate.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace scantab::app {
namespace {

struct CheckArgs {
  std::vector<std::string> inputs;
  std::string out_dir;
  std::string forms_dir;
  bool json_stdout = false;
};

ordered_json header_json(const forms::HeaderNode& n) {
  ordered_json j{{"text", n.text}, {"row", n.row}, {"col_begin", n.col_begin}, {"col_end", n.col_end}};
  if (!n.children.empty()) {
    j["children"] = ordered_json::array();
    for (const auto& c : n.children) j["children"].push_back(header_json(c));
  }
  return j;
}

const char* role_name(forms::ColumnRole r) {
  switch (r) {
    case forms::ColumnRole::kSerial: return "serial";
    case forms::ColumnRole::kCode: return "code";
    case forms::ColumnRole::kName: return "name";
    case forms::ColumnRole::kAmount: return "amount";
    default: return "text";
  }
}

ordered_json cell_json(const validate::CellRef& c) {
  return {{"table", c.table}, {"row", c.row}, {"col", c.col}, {"field", c.field}, {"text", c.text}};
}

ordered_json sheet_json(const forms::PerfSheet& s) {
  ordered_json j;
  j["table"] = s.table_index;
  for (const auto& [k, v] : s.fields) j[k] = v;
  auto funds = [](const std::map<std::string, std::string>& m, const std::vector<std::string>& order) {
    ordered_json f;
    for (const auto& k : order) f[k] = m.count(k) ? m.at(k) : "";
    return f;
  };
  std::vector<std::string> order{"总额", "中央", "省级", "市县", "自筹", "其他"};
  j["项目资金"] = {{"实施期", funds(s.fund_implementation, order)}, {"年度", funds(s.fund_year, order)}};
  j["总体目标"] = {{"实施期", s.goal_implementation}, {"年度", s.goal_year}};
  j["绩效指标"] = ordered_json::array();
  for (const auto& i : s.indicators)
    j["绩效指标"].push_back({{"一级", i.level1}, {"二级", i.level2}, {"三级", i.level3}, {"指标值", i.value}, {"期间", i.period}});
  for (const auto& [k, v] : s.footer) j[k] = v;
  j["repairs"] = ordered_json::array();
  for (const auto& r : s.repairs)
    j["repairs"].push_back({{"field", r.field}, {"original", r.original}, {"repaired", r.repaired}, {"reason", r.reason},
                            {"row", r.row}, {"col", r.col}});
  j["missing"] = s.missing;
  return j;
}

struct Checked {
  ingest::Document doc;
  std::vector<forms::Classified> classified;
  std::vector<forms::PerfSheet> sheets;
  std::vector<validate::Finding> findings;
};

Checked check_one(ingest::Document doc, const forms::TemplateSet& templates) {
  Checked c;
  c.doc = std::move(doc);
  for (int t = 0; t < int(c.doc.tables.size()); ++t) {
    c.classified.push_back(forms::classify(c.doc.tables[t], templates, t));
    if (const auto* p = templates.perf_for(c.classified.back().form_id))
      c.sheets.push_back(forms::repair_performance_sheet(c.doc.tables[t], *p, t));
  }
  c.findings = validate::check_document(c.doc.tables, c.classified, c.sheets, templates);
  return c;
}

ordered_json report_json(const Checked& c) {
  ordered_json j;
  j["source"] = c.doc.source;
  j["tables"] = ordered_json::array();
  for (std::size_t t = 0; t < c.classified.size(); ++t) {
    const auto& k = c.classified[t];
    const auto& table = c.doc.tables[t];
    ordered_json jt{{"index", t}, {"title", table.title}, {"department", table.department}, {"unit", table.unit},
                    {"form", k.form_id}, {"form_name", k.form ? k.form->name : ""}, {"confidence", k.confidence},
                    {"rows", table.rows}, {"cols", table.cols}, {"header_rows", k.header_rows}};
    jt["header"] = ordered_json::array();
    for (const auto& n : k.header) jt["header"].push_back(header_json(n));
    jt["columns"] = ordered_json::array();
    for (const auto& col : k.columns)
      jt["columns"].push_back({{"index", col.index}, {"role", role_name(col.role)}, {"field", col.field}, {"header", col.header}});
    jt["records"] = ordered_json::array();
    if (!k.form || k.form->kind != "performance_sheet")
      for (const auto& r : k.records) {
        ordered_json jr{{"row", r.row}};
        if (!r.code.empty()) jr["code"] = r.code;
        jr["name"] = r.name;
        for (const auto& [f, v] : r.values) jr[f] = v;
        jt["records"].push_back(jr);
      }
    jt["notes"] = table.notes;
    j["tables"].push_back(jt);
  }
  j["performance_sheets"] = ordered_json::array();
  for (const auto& s : c.sheets) j["performance_sheets"].push_back(sheet_json(s));
  j["findings"] = ordered_json::array();
  for (const auto& f : c.findings) {
    ordered_json jf{{"rule", f.rule}, {"severity", f.severity}, {"table", f.table}, {"table_title", f.table_title},
                    {"form", f.form_id}, {"row", f.row}, {"row_label", f.row_label}, {"column", f.column},
                    {"expected", f.expected}, {"found", f.found}, {"message", f.message}};
    jf["cells"] = ordered_json::array();
    for (const auto& cell : f.cells) jf["cells"].push_back(cell_json(cell));
    if (f.proposal)
      jf["proposal"] = {{"cell", cell_json(f.proposal->cell)}, {"original", f.proposal->original},
                        {"proposed", f.proposal->proposed}, {"reason", f.proposal->reason}, {"status", "proposed"}};
    j["findings"].push_back(jf);
  }
  int repairs = 0;
  for (const auto& s : c.sheets) repairs += int(s.repairs.size());
  j["summary"] = {{"tables", c.classified.size()}, {"performance_sheets", c.sheets.size()},
                  {"findings", c.findings.size()}, {"repairs", repairs}};
  return j;
}

void print_summary(const Checked& c) {
  int known = 0;
  for (const auto& k : c.classified) known += k.form != nullptr;
  fmt::print("{}: {} table(s), {} of known form, {} performance sheet(s), {} finding(s)\n", c.doc.source,
             c.classified.size(), known, c.sheets.size(), c.findings.size());
  for (const auto& k : c.classified)
    fmt::print("  table {:>2}  {:<34} {:.2f}  {}\n", k.table_index + 1, k.form_id, k.confidence,
               c.doc.tables[k.table_index].title);
  for (const auto& s : c.sheets) {
    int filled = 0;
    for (const auto& [key, v] : s.fields) filled += !v.empty();
    fmt::print("  sheet (table {}): {} — {}/{} text fields, {} indicators, {} repair(s), missing: {}\n",
               s.table_index + 1, s.field("项目名称"), filled, s.fields.size(), s.indicators.size(), s.repairs.size(),
               s.missing.empty() ? std::string("none") : fmt::format("{}", fmt::join(s.missing, ", ")));
  }
  for (const auto& f : c.findings) fmt::print("  {}\n", validate::to_text(f));
}

int run_check(const CheckArgs& args) {
  auto templates = forms::load_templates(args.forms_dir.empty() ? forms::default_templates_dir() : fs::path(args.forms_dir));
  if (!templates) {
    fmt::print(stderr, "scantab: {}\n", templates.error().message);
    return exit_code_for(templates.error().code);
  }
  if (!args.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(args.out_dir, ec);
    if (!fs::is_directory(args.out_dir)) {
      fmt::print(stderr, "scantab: cannot create output directory {}\n", args.out_dir);
      return kOutputFailure;
    }
  }
  int exit_code = kOk;
  for (const std::string& input : args.inputs) {
    auto doc = ingest::read_file(input);
    if (!doc) {
      int code = exit_code_for(doc.error().code);
      fmt::print(stderr, "scantab: {}: {}\n", input, doc.error().message);
      if (exit_code == kOk) exit_code = code;
      continue;
    }
    Checked c = check_one(std::move(*doc), *templates);
    std::string json = report_json(c).dump(1);
    if (args.json_stdout) fmt::print("{}\n", json);
    else print_summary(c);
    if (!args.out_dir.empty()) {
      fs::path out = fs::path(args.out_dir) / (fs::path(input).stem().string() + ".check.json");
      if (auto w = write_file_atomically(out, json); !w) {
        fmt::print(stderr, "scantab: {}: {}\n", out.string(), w.error().message);
        if (exit_code == kOk) exit_code = kOutputFailure;
      }
    }
  }
  return exit_code;
}

}  // namespace

Registered register_check(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Classify tables, repair performance sheets and check the arithmetic");
  cmd->add_option("inputs", args->inputs, "scantab NAME.json, or text with TSV/Markdown/HTML tables")->required();
  cmd->add_option("-o,--out", args->out_dir, "write NAME.check.json reports here");
  cmd->add_flag("--json", args->json_stdout, "print the JSON report instead of the text summary");
  cmd->add_option("--forms", args->forms_dir, "directory of form templates (default: models/forms)");
  cmd->footer("Findings name table, row, column and cells, with expected and found values; proposals for single-cell\n"
              "OCR confusions are marked as proposals and never replace the original.");
  return {cmd, [args] { return run_check(*args); }};
}

namespace {
const CommandRegistration registration{30, register_check};
}  // namespace

}  // namespace scantab::app
