// Loading form templates from models/forms/*.json.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "forms/forms.hpp"

namespace scantab::forms {
namespace {

using nlohmann::json;

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& s : j) if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::vector<ColumnSpec> column_map(const json& j) {  // {"field": [aliases]} in file order
  std::vector<ColumnSpec> out;
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back({it.key(), strings(it.value())});
  if (j.is_array())
    for (const auto& e : j) out.push_back({e.value("field", ""), strings(e.value("aliases", json::array()))});
  return out;
}

DocRef doc_ref(const json& j) {
  return {j.value("form", ""), j.value("label", ""), j.value("row", ""), j.value("field", ""), j.value("sum_field", "")};
}

}  // namespace

const FormTemplate* TemplateSet::find(const std::string& id) const {
  for (const auto& f : forms) if (f.id == id) return &f;
  return nullptr;
}
const PerfTemplate* TemplateSet::perf_for(const std::string& form_id) const {
  for (const auto& p : perf) if (p.form == form_id) return &p;
  return nullptr;
}

Result<TemplateSet> parse_templates(const std::vector<std::string>& json_texts) {
  TemplateSet set;
  for (const std::string& text : json_texts) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(ErrorCode::kCorruptInput, "form template: invalid JSON");
    try {
      std::string family = j.value("family", "");
      for (const auto& jf : j.value("forms", json::array())) {
        FormTemplate f;
        f.id = jf.value("id", "");
        f.family = family;
        f.kind = jf.value("kind", "flat_table");
        f.name = jf.value("name", "");
        f.titles = strings(jf.value("titles", json::array()));
        f.columns = column_map(jf.value("columns", json::object()));
        for (const auto& ji : jf.value("identities", json::array())) {
          Identity id;
          id.rule = ji.value("rule", "");
          id.total = ji.value("total", "");
          id.label = ji.value("label", "");
          id.left = ji.value("left", "");
          id.right = ji.value("right", "");
          id.items_pattern = ji.value("items_pattern", "");
          id.side = ji.value("side", "");
          id.sum_of = ji.value("sum_of", "");
          id.parts = strings(ji.value("parts", json::array()));
          f.identities.push_back(std::move(id));
        }
        set.forms.push_back(std::move(f));
      }
      for (const auto& jd : j.value("document_identities", json::array())) {
        DocIdentity d;
        d.name = jd.value("name", "");
        if (jd.contains("same_codes")) {
          d.same_left = jd["same_codes"].value("left", "");
          d.same_right = jd["same_codes"].value("right", "");
          d.same_field = jd["same_codes"].value("field", "");
        } else {
          d.left = doc_ref(jd.value("left", json::object()));
          d.right = doc_ref(jd.value("right", json::object()));
        }
        set.doc_identities.push_back(std::move(d));
      }
      if (j.contains("performance_sheet")) {
        const json& jp = j["performance_sheet"];
        PerfTemplate p;
        p.form = jp.value("form", "");
        p.text_fields = column_map(jp.value("text_fields", json::array()));
        for (const auto& e : jp.value("text_fields", json::array()))
          if (e.contains("confusions")) p.confusions[e.value("field", "")] = strings(e["confusions"]);
        p.fund_fields = column_map(jp.value("fund_fields", json::array()));
        p.fund_total = jp.value("fund_identity", json::object()).value("total", "总额");
        p.fund_parts = strings(jp.value("fund_identity", json::object()).value("parts", json::array()));
        p.goal_aliases = strings(jp.value("goal_aliases", json::array()));
        const json level1 = jp.value("level1", json::object()), level2 = jp.value("level2", json::object()),
                   variants = jp.value("level2_variants", json::object());
        for (auto it = level1.begin(); it != level1.end(); ++it) p.level1[it.key()] = strings(it.value());
        for (auto it = level2.begin(); it != level2.end(); ++it) p.level2[it.key()] = it.value().get<std::string>();
        for (auto it = variants.begin(); it != variants.end(); ++it) p.level2_variants[it.key()] = it.value().get<std::string>();
        p.footer = column_map(jp.value("footer", json::object()));
        p.project_table = jp.value("project_table", "");
        p.unit_factor = jp.value("sheet_unit_factor", 10000LL);
        set.perf.push_back(std::move(p));
      }
    } catch (const std::exception& e) {
      return fail(ErrorCode::kCorruptInput, std::string("form template: ") + e.what());
    }
  }
  if (set.forms.empty()) return fail(ErrorCode::kMissingDependency, "no form templates found");
  return set;
}

std::filesystem::path default_templates_dir() {
  if (const char* env = std::getenv("SCANTAB_FORMS_DIR"); env && *env) return env;
  return SCANTAB_FORMS_DIR;
}

Result<TemplateSet> load_templates(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  if (ec) return fail(ErrorCode::kMissingDependency, "form templates: cannot read " + dir.string());
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  auto set = parse_templates(texts);
  if (!set) set.error().message += " (" + dir.string() + ")";
  return set;
}

}  // namespace scantab::forms
