// eval: the accuracy yardstick. Compares scantab's table JSON (NAME.json)
// with hand-made ground truth (NAME.truth.json) in the same schema:
//
//   {"source": "...", "profile": "...",            // "profile" optional
//    "pages": [{"page": 1, "tables": [{"title": "...", "rows": R, "cols": C,
//      "cells": [{"row":0,"col":0,"rowSpan":1,"colSpan":2,"text":"项目",
//                 "confidence": 0.93, "issues": [...]}, ...]}]}]}
//
// Metrics:
//  * TEDS / TEDS-S (Zhong, ShafieiBavani, Jimeno Yepes 2019, "Image-based
//    table recognition: data, model, and evaluation", ECCV 2020) over the
//    table > tr > td tree, tree edit distance by Zhang & Shasha (1989),
//    "Simple fast algorithms for the editing distance between trees and
//    related problems", SIAM J. Comput. 18(6).
//  * cell exact-match rates for numeric and text cells, character error rate
//    on text cells, table detection precision/recall, and how many wrong
//    numeric cells the prediction flagged itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"
#include "core/utf8.hpp"

namespace scantab::eval {

// ---------------------------------------------------------------- model
struct EvalCell {
  int row = 0, col = 0, row_span = 1, col_span = 1;
  std::string text;      // as in the JSON (UTF-8, untrimmed)
  bool flagged = false;  // the producer doubted it: "issues" non-empty or "confidence" < 0.5
};

struct EvalTable {
  std::string title;
  int rows = 0, cols = 0;
  std::vector<EvalCell> cells;  // sorted row-major by top-left (row, col); no overlaps
};

struct EvalPage {
  int page = 0;         // "page" key (1-based in scantab output), else list index + 1
  std::string profile;  // page "profile" key, else the document's
  std::vector<EvalTable> tables;
};

struct EvalDocument {
  std::string source;
  std::string profile = "default";  // top-level "profile" key, else "default"
  std::vector<EvalPage> pages;
};

// Parses the table JSON. Fails (kCorruptInput) on invalid JSON, wrong types,
// spans < 1, cells outside the R x C lattice or overlapping cells. Gaps in the
// lattice are tolerated (they are simply absent cells). "rows"/"cols" default
// to the extent of the cells.
Result<EvalDocument> parse_document(std::string_view json_text);
// kMissingFile / kEmptyFile / kCorruptInput.
Result<EvalDocument> load_document(const std::filesystem::path& path);

// ---------------------------------------------------------------- text
// UTF-8 -> code points; invalid bytes become U+FFFD.
inline std::u32string to_code_points(std::string_view utf8) { return scantab::to_u32(utf8); }
using scantab::to_utf8;
// Trims whitespace (ASCII, U+00A0, U+3000) and maps （ ） ： ， U+3000 to ( ) : , space.
// Applied identically to truth and prediction before any comparison.
std::u32string normalize_text(std::string_view utf8);
// Numeric form of a normalized text: ',' removed. Returns nullopt unless the
// result is an amount or code: [+-]?digits(.digits)?%?  (4981.70, 1,879.36,
// 2013101, 95%, -3.5). Compared as strings, never as floats.
std::optional<std::u32string> numeric_key(std::u32string_view normalized);
using scantab::levenshtein;  // core/utf8.hpp: Levenshtein over code points, unit costs

// ---------------------------------------------------------------- trees & TEDS
// A labelled ordered tree. For TEDS trees: tag is "table", "tr" or "td"; td
// nodes carry spans and their normalized content. As in the PubTabNet
// reference implementation the content is an attribute of the td node (its
// characters are compared by the rename cost) rather than separate nodes, so
// |T| counts table, tr and td nodes only.
struct Node {
  std::string tag;
  int row_span = 1, col_span = 1;
  std::u32string content;
  std::vector<Node> children;
};

std::size_t tree_size(const Node& tree);
// table > one tr per lattice row (possibly empty when every position is covered
// by a row span from above) > one td per cell whose top-left is in that row.
Node to_tree(const EvalTable& table);
// Zhang–Shasha tree edit distance. Insert/delete cost 1. Rename cost: 1 if
// tags differ; for td vs td 1 if spans differ, else (structure_only ? 0 :
// levenshtein(content)/max length, 0 when both empty); other equal tags 0.
// Time O(|A||B| min(depth,leaves)^2), memory O(|A||B|).
double tree_edit_distance(const Node& a, const Node& b, bool structure_only = false);
// 1 - TED / max(|A|, |B|), in [0, 1].
double teds(const Node& a, const Node& b, bool structure_only = false);
double teds(const EvalTable& truth, const EvalTable& pred, bool structure_only = false);

// ---------------------------------------------------------------- metrics
// Additive counts; every rate is derived from them (micro averages). A rate
// whose denominator is zero is nullopt ("not applicable"), not 1 or 0.
struct Counts {
  int truth_tables = 0, pred_tables = 0, matched_tables = 0;
  double teds_sum = 0, teds_s_sum = 0;  // over truth tables; a missed table adds 0
  // Numeric truth cells: correct + wrong_flagged + wrong_unflagged + missing = numeric.
  long long numeric = 0, numeric_correct = 0;
  long long numeric_wrong_flagged = 0;    // wrong, but the prediction flagged the cell
  long long numeric_wrong_unflagged = 0;  // wrong and unflagged: the dangerous kind
  long long numeric_missing = 0;          // no counterpart cell (incl. missed tables)
  long long numeric_correct_flagged = 0;  // right but flagged (false alarms)
  // Text truth cells (non-empty, non-numeric).
  long long text = 0, text_correct = 0;
  long long text_chars = 0, text_edits = 0;  // CER = edits / truth code points

  Counts& operator+=(const Counts& other);
  std::optional<double> mean_teds() const;    // teds_sum / truth_tables
  std::optional<double> mean_teds_s() const;
  std::optional<double> numeric_rate() const;  // numeric_correct / numeric
  std::optional<double> text_rate() const;
  std::optional<double> cer() const;
  std::optional<double> precision() const;     // matched / pred_tables
  std::optional<double> recall() const;        // matched / truth_tables
};

struct TableScore {
  double teds = 0, teds_s = 0;
  bool same_structure = false;  // cells matched by position, not by alignment
  Counts counts;                // one truth table (matched or missed)
};

// Scores one truth table against its matched prediction (nullptr = missed).
// Same structure (rows, cols and every cell's position and spans equal):
// cells correspond by position. Otherwise rows, then columns, are aligned by
// a monotone DP (Needleman–Wunsch 1970 style, gaps free, maximizing summed
// similarity, where similarity = 1 - normalized Levenshtein): rows on their
// joined texts, columns on the summed cell similarity over the aligned rows.
// A truth cell's counterpart is the predicted cell whose top-left lies at the
// aligned (row, col); truth cells without one count as wrong ("missing").
// Spans are not compared cell by cell (TEDS-S measures structure).
TableScore score_table(const EvalTable& truth, const EvalTable* pred);

struct Options {
  // A truth/pred pair on the same page is matched only if its TEDS is at
  // least this; the pairing itself maximizes summed TEDS (Hungarian method).
  double min_match_teds = 0.0;
};

struct TableMatch {
  int page = 0;
  int truth_index = -1, pred_index = -1;  // within the page; -1 = missed / false positive
  std::string title;                      // truth title, else predicted
  double teds = 0, teds_s = 0;
  bool same_structure = false;
};

struct DocumentReport {
  std::string name;                 // NAME of NAME.truth.json
  std::string profile;              // document profile
  bool prediction_found = false;
  std::string error;                // why the prediction could not be used, if it could not
  Counts counts;                    // whole document
  std::map<std::string, Counts> by_profile;  // per page profile
  std::vector<TableMatch> tables;
};

// pred == nullptr: nothing predicted (every truth table missed).
DocumentReport evaluate(const EvalDocument& truth, const EvalDocument* pred,
                        const Options& options = {});

struct Report {
  std::vector<DocumentReport> documents;    // sorted by name
  std::map<std::string, Counts> profiles;   // summed over pages of that profile
  Counts overall;
};

// Pairs truth_dir/NAME.truth.json with pred_dir/NAME.json. A missing or
// unreadable prediction counts as every table missed (noted in `error`).
// Fails if truth_dir has no *.truth.json or a truth file does not parse.
Result<Report> run(const std::filesystem::path& truth_dir, const std::filesystem::path& pred_dir,
                   const Options& options = {});

std::string to_json(const Report& report);  // pretty JSON; n/a rates are null
std::string to_text(const Report& report);  // fixed-width table; n/a rates are "-"

}  // namespace scantab::eval
