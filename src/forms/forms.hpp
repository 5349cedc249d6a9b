// forms: know the forms. Templates are data (models/forms/*.json); this stage
// classifies tables against them, builds header trees and typed records, and
// repairs 项目支出绩效目标申报表 (performance sheets) into canonical records.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace scantab::forms {

// ------------------------------------------------------------- templates
struct ColumnSpec {
  std::string field;                 // canonical name, e.g. "基本支出"
  std::vector<std::string> aliases;  // header leaf texts that mean this field
};
// One arithmetic identity of a form. rule is one of:
//  row_sum     total = Σ parts, per data row (fields)
//  code_hierarchy  类 = Σ款, 款 = Σ项 for every amount column
//  total_row   the row labelled `label` = Σ top-level code rows (or, with sum_of=other_rows, all other rows)
//  label_equal the amount beside label `left` = the amount beside `right`
//  items_sum   amount beside `total` = Σ amounts beside labels matching items_pattern on `side`
//  row_items   the row named `total` = Σ the rows named `parts`, per amount column
struct Identity {
  std::string rule, total, label, left, right, items_pattern, side, sum_of;
  std::vector<std::string> parts;
};
struct FormTemplate {
  std::string id, family, kind, name;  // kind: summary, subject_table, project_table, unit_table, flat_table,
                                       //       indicator_table, performance_sheet
  std::vector<std::string> titles;     // aliases matched inside the normalized title
  std::vector<ColumnSpec> columns;
  std::vector<Identity> identities;
};
// A value of one table in a document: by label (label-value pair), by row label + field, or Σ of a field.
struct DocRef {
  std::string form, label, row, field, sum_field;
};
struct DocIdentity {
  std::string name;
  DocRef left, right;
  std::string same_left, same_right, same_field;  // same_codes check when same_left is set
};
struct PerfTemplate {
  std::string form;  // id of the performance_sheet FormTemplate
  std::vector<ColumnSpec> text_fields, fund_fields;
  std::map<std::string, std::vector<std::string>> confusions;  // field -> labels OCR puts in its place
  std::string fund_total;
  std::vector<std::string> fund_parts;
  std::vector<std::string> goal_aliases;
  std::map<std::string, std::vector<std::string>> level1;  // canonical -> aliases
  std::map<std::string, std::string> level2;               // canonical level 2 -> its level 1
  std::map<std::string, std::string> level2_variants;      // variant -> canonical
  std::vector<ColumnSpec> footer;
  std::string project_table;  // form id whose rows give each project's amount
  long long unit_factor = 10000;
};
struct TemplateSet {
  std::vector<FormTemplate> forms;
  std::vector<DocIdentity> doc_identities;
  std::vector<PerfTemplate> perf;
  const FormTemplate* find(const std::string& id) const;
  const PerfTemplate* perf_for(const std::string& form_id) const;
};
// Loads every *.json in `dir` (one file per family). Error if none loads.
Result<TemplateSet> load_templates(const std::filesystem::path& dir);
Result<TemplateSet> parse_templates(const std::vector<std::string>& json_texts);
// $SCANTAB_FORMS_DIR if set, else the repository's models/forms.
std::filesystem::path default_templates_dir();

// ------------------------------------------------------------- classified tables
struct HeaderNode {
  std::string text;
  int row = 0, col_begin = 0, col_end = 0;  // covers columns [col_begin, col_end)
  std::vector<HeaderNode> children;
};
enum class ColumnRole { kSerial, kCode, kName, kAmount, kText };
struct Column {
  int index = 0;
  ColumnRole role = ColumnRole::kText;
  std::string header;  // header texts top-down joined by "/"
  std::string field;   // template's canonical field, else the header leaf, else "列<index+1>"
};
struct Record {
  int row = 0;                 // row in the table
  std::string code, name;      // subject code and name (or project/unit/label text)
  std::vector<std::pair<std::string, std::string>> values;  // field -> exact decimal string (commas removed) or text
};
struct Classified {
  int table_index = 0;
  std::string form_id = "unknown";
  const FormTemplate* form = nullptr;  // null when unknown
  double confidence = 0.0;             // 0..1
  int header_rows = 0;
  std::vector<HeaderNode> header;      // roots of the header tree
  std::vector<Column> columns;
  std::vector<Record> records;
};
// Dense text matrix of a table (a merged cell's text at its top-left, "" elsewhere).
std::vector<std::vector<std::string>> text_grid(const Table& table);
Classified classify(const Table& table, const TemplateSet& templates, int table_index = 0);
// True for subject codes: 3, 5 or 7 digits.
bool is_subject_code(const std::string& s);

// ------------------------------------------------------------- performance sheets
struct Repair {
  std::string field;      // canonical field (or "indicator[k].三级指标" …)
  std::string original;   // text as found
  std::string repaired;   // text as recorded
  std::string reason;     // why
  int row = -1, col = -1; // cell in the table, -1 if not one cell
};
struct Indicator {
  std::string level1, level2, level3, value, period;  // period: "实施期" or "年度"
  int row = -1;
};
struct PerfSheet {
  int table_index = 0;
  std::vector<std::pair<std::string, std::string>> fields;        // text fields in template order
  std::map<std::string, std::string> fund_implementation, fund_year;  // "总额","中央",... -> text as found (cleaned)
  std::map<std::string, std::pair<int, int>> fund_cells_implementation, fund_cells_year;  // field -> (row, col)
  std::string goal_implementation, goal_year;
  std::vector<Indicator> indicators;
  std::vector<std::pair<std::string, std::string>> footer;  // 负责人, 经办人, 联系电话, 填报日期
  std::vector<Repair> repairs;
  std::vector<std::string> missing;  // canonical fields with no value on the page
  std::string field(const std::string& name) const;
};
// Maps a table classified as a performance sheet to the template's canonical record.
PerfSheet repair_performance_sheet(const Table& table, const PerfTemplate& tmpl, int table_index = 0);

}  // namespace scantab::forms
