// validate: the arithmetic a budget analyst checks, as findings.
//
// Every identity of the form templates (row sums, code hierarchy 类 = Σ款,
// 款 = Σ项, 合计 rows, label equalities such as 收入总计 = 支出总计), the
// document-level agreements between tables, and the performance-sheet checks
// (资金总额 = 中央 + 省级 + 市县 + 自筹 + 其他 per half; 年度资金总额 元 =
// the project's row in 项目支出预算表 万元 × 10000). Exact decimal arithmetic.
// A failed sum explained by exactly one cell with a typical OCR confusion (one
// digit misread, two adjacent digits transposed, a lost or moved decimal point)
// gets a proposal; the original value is never changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "forms/forms.hpp"

namespace scantab::validate {

struct CellRef {
  int table = -1, row = -1, col = -1;  // table index in the document, lattice row/col
  std::string field;                   // column's canonical field or the label beside the value
  std::string text;                    // the cell's text as found
};
struct Proposal {
  CellRef cell;
  std::string original, proposed;  // exact decimal strings
  std::string reason;              // "one digit misread", "digits transposed", "decimal point lost"
};
struct Finding {
  std::string rule;      // row_sum, code_hierarchy, total_row, label_equal, items_sum, cross_table, same_code,
                         // fund_sum, sheet_vs_project, sheet_project_missing
  std::string severity;  // "error" (an identity fails), "rounding" (fails by no more than the rounding of
                         // 2-decimal amounts can explain), "warning" (cannot be checked as expected)
  int table = -1;        // table index (first table involved)
  std::string table_title, form_id;
  int row = -1;          // row of the total involved, -1 for whole-table checks
  std::string row_label, column;
  std::string expected, found;  // exact decimal strings; found is the stated total
  std::vector<CellRef> cells;   // every cell involved, total first
  std::string message;          // one readable sentence
  std::optional<Proposal> proposal;
};

// One document: its tables, their classification (same order) and the repaired performance sheets.
std::vector<Finding> check_document(const std::vector<Table>& tables, const std::vector<forms::Classified>& classified,
                                    const std::vector<forms::PerfSheet>& sheets, const forms::TemplateSet& templates);

// If `total = Σ parts` fails and exactly one of the cells has a typical OCR confusion
// that makes it hold, returns that proposal. cells[0] is the total.
std::optional<Proposal> propose_single_cell_fix(const std::vector<CellRef>& cells);

std::string to_text(const Finding& f);

}  // namespace scantab::validate
