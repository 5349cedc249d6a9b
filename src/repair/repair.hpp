// repair: makes recognized cell text trustworthy, after OCR and assembly.
//
//  * Decimal: exact amounts (digits + scale), never binary floating point.
//  * normalize_number / normalize_text: Unicode NFKC (ICU) for amounts and
//    codes; the fullwidth Chinese punctuation the documents print for text.
//  * decide_number: several OCR readings of one amount/code cell -> one value,
//    a confidence and, when the readings disagree, an "ocr_disagreement" Issue.
//  * Lexicon: subject codes/names and standard labels (models/lexicon/);
//    near-miss text is corrected with an OCR-aware edit distance, only when
//    the evidence is clear ("repaired" Issue; Cell::ocr_text is never touched).
//  * repair_table / vote_document: the above applied to a Table, and voting
//    across the tables of one document (same subject code -> same name and
//    amounts).
//
// Pure logic on core types; ICU stays inside the .cpp files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace scantab::repair {

// ------------------------------------------------------------ Decimal
// An exact decimal number: value = (negative ? -1 : 1) * digits * 10^-scale,
// and /100 when percent. digits: ASCII, no leading zeros (a lone "0" for zero).
struct Decimal {
  bool negative = false;
  std::string digits = "0";
  int scale = 0;         // digits after the decimal point, as printed
  bool percent = false;  // printed with a trailing %
  // Canonical text without thousands separators: "1879.36", "-0.5", "95%".
  std::string to_string() const;
  // Same value (1.5 == 1.50), same percent flag.
  bool same_value(const Decimal& other) const;
  bool operator==(const Decimal&) const = default;  // same value AND same printed scale
};

// Parses an amount as printed: optional sign (- or −), digits with optional
// thousands separators (only every 3 digits: "1,879.36"; "18,79.36" fails),
// optional fraction, optional trailing %. Full-width forms are accepted
// (the text is NFKC-normalized first). Surrounding spaces are ignored.
// Anything else (letters, two points, empty) gives nullopt.
std::optional<Decimal> parse_decimal(std::string_view text);

// ------------------------------------------------------------ normalization
// For amounts and codes: NFKC (full-width digits, ．，－ and ％ become ASCII),
// ideographic full stop 。 and middle dot · read as '.', all whitespace
// removed. Circled numbers (①②, U+2460..U+24FF) are kept as they are.
std::string normalize_number(std::string_view text);

// For text cells: full-width letters/digits to ASCII (NFKC on those only);
// in a text containing CJK, ASCII ( ) : , ; next to CJK become （ ）：，；
// and straight double quotes become “ ” (opening before, closing after the
// quoted run). Circled numbers and full-width punctuation stay.
std::string normalize_text(std::string_view text);

// ------------------------------------------------------------ numbers
// What a column holds, from its header label.
enum class ColumnKind {
  kUnknown,
  kAmount,  // 合计, 金额, …支出, 预算数, 一般公共预算 …: amounts (万元, two decimals)
  kCode,    // 科目编码, 编码, 代码: subject codes (3, 5 or 7 digits)
  kText,    // 科目名称, 项目, 名称 …: labels
};
ColumnKind classify_header(std::string_view header);

// How well a normalized number text fits the column: 1.0 well formed
// (amount: two decimals with separators only in thousands positions;
// code: 3/5/7 digits), 0.75 plausible (an integer amount, a percentage, one
// decimal), 0.3 malformed (anything else, e.g. "1,87.9", "12.345.6").
double format_score(std::string_view normalized, ColumnKind kind);

// One OCR reading of a cell. source names the engine/setting, for messages.
struct Reading {
  std::string text;
  double confidence = 0.0;  // 0..1
  std::string source;       // e.g. "chi_sim", "eng"
};

struct NumberDecision {
  std::string text;          // normalized number text chosen
  double confidence = 0.0;   // 0..1
  std::vector<Issue> issues;  // "ocr_disagreement" when the readings disagree
};

// Chooses the value of an amount/code cell from >= 1 readings.
// Readings agree when their normalized texts are equal, or parse to the same
// Decimal (then the better formatted text wins). Agreement of k readings
// raises the confidence (1 - prod(1 - c_i), times the format score). When
// they disagree, the reading with the best confidence x format score wins,
// its confidence is halved, and an "ocr_disagreement" Issue lists every
// reading. Empty readings count as disagreement only when another is non-empty.
NumberDecision decide_number(const std::vector<Reading>& readings, ColumnKind kind);

// chi_sim's readings of a digit standing alone in a cell or on a line:
// 了 for 7; ] [ | l I 工 下 for 1; O o 〇 for 0. Exact match of the whole text,
// which may end in one stray mark (， 。 、 , .: 工，).
bool is_lone_digit_misread(std::string_view text);

// True for a reading whose lines ('\n'-separated) are all digits, except
// lines holding only a lone-digit misread: a long number wrapped in a narrow
// cell with its last digit alone on the next line (13985075107 read as
// "1398507510\n了"). Needs at least one misread line and three digits.
bool digit_lines_with_misread_line(std::string_view text);

// ------------------------------------------------------------ lexicon
// Weighted Levenshtein distance for OCR output: substituting a known OCR
// confusion (厅/打, 固/国, 遣/遗, ①/@, 末/未, 0/O, 1/l, “/" …) costs 0.25,
// inserting/deleting/substituting punctuation or quotes 0.3, substituting a
// circled number ①..⑳ by any one glyph, or by two consecutive ASCII or
// punctuation characters (① read as "GD"), 0.5, anything else 1.
double ocr_distance(std::string_view a, std::string_view b);

struct Correction {
  std::string text;   // the lexicon entry
  double distance = 0;
};

class Lexicon {
 public:
  // Loads dir/subjects.tsv (code<TAB>name[<TAB>…], '#' comments) and
  // dir/phrases.txt (one label/title a line). Fails with kMissingDependency
  // when neither file can be read.
  static Result<Lexicon> load(const std::filesystem::path& dir);
  // The lexicon shipped in the repository's models/lexicon (compiled-in path),
  // loaded once; empty when it is missing.
  static const Lexicon& builtin();

  void add_subject(const std::string& code, const std::string& name);
  void add_phrase(const std::string& phrase);

  // Every name known for a subject code (empty when the code is unknown).
  std::vector<std::string> names_for(const std::string& code) const;
  // Every code that has `name` among its names (empty when none has).
  std::vector<std::string> codes_for(const std::string& name) const;
  bool knows_text(std::string_view text) const;  // exact name or phrase
  std::size_t size() const { return entries_.size(); }

  // The entry `text` was most likely meant to be, when the evidence is clear:
  // the text is not itself an entry; the best entry is unique (the runner-up
  // is at least 0.7 farther) and close: distance <= 0.12 x length (at least
  // 0.5, so a single confusion substitution always qualifies, and at most
  // 3). A leading year "2023年" is kept and not compared. With a known
  // `code`, only that code's names are candidates and the limit is 0.25 x
  // length (code and name must agree).
  std::optional<Correction> correct(std::string_view text, std::string_view code = {}) const;

 private:
  std::vector<std::string> entries_;                           // names and phrases, unique
  std::map<std::string, std::vector<std::string>> by_code_;  // code -> names
};

// ------------------------------------------------------------ tables
struct Options {
  // Cells whose confidence is below this get a "low_confidence" Issue.
  double low_confidence = 0.6;
};

// Column kinds of a table from its header rows (the rows above the first
// row that holds a number); kUnknown for a column without a header.
std::vector<ColumnKind> column_kinds(const Table& table);

// ------------------------------------------------------------ list ordinals
// The value of a leading list ordinal: a Chinese numeral 1..99 (一 … 九, 十,
// 十一 … 十九, 二十, 二十一 … 九十九) immediately followed by 、. "十一、城乡
// 社区支出" -> 11; "由、…", "一十、…", "（一）…", "1、…" -> nullopt.
std::optional<int> list_ordinal(std::string_view text);

// Restores list ordinals OCR garbled ('由、公共安全支出', '“财政专户管理资金',
// '二“政府性基金…', '十四“、资源…'), column by column (cells with equal col,
// by row; empty cells skipped). A cell without a valid ordinal is rewritten
// only when its value is certain from the column's list_ordinal values:
//   * the nearest non-empty cell above is a、 and the one below (a+2)、;
//   * or it is the last non-empty cell and the two above are (a-1)、 a、;
//   * or it is the first non-empty cell, the two below are b、 (b+1)、, b >= 2;
// and only when it begins with a garbled prefix followed by a CJK ideograph:
// one or two characters other than the expected numeral then 、 (由、); the
// expected numeral then one or two marks “ ” ‘ ’ " ' ` ， , . · ： : and an
// optional 、 (二“, 十四“、); or one such mark and an optional 、 at the very
// start (“). A quote opened in the prefix and closed in the rest ("“三公”经费")
// is left alone. The prefix becomes "<numeral>、" and a "repaired" Issue names
// the old text and the neighbours. Cell::ocr_text is not touched; existing
// Issues do not matter. Idempotent. Returns the number of cells repaired.
int repair_list_ordinals(Table& table);

// Subject codes checked against the names beside them: in a row with one
// subject code (kCode column) and one name (kText column), a code whose
// lexicon names do not include the row's name is replaced by the code the
// lexicon gives that name, when exactly one such code differs from the read
// one in a single digit ("2101104" beside 行政单位医疗 -> "2101101": rough
// scans read the last 1 as 4). Recorded as "repaired" with the read code.
// Returns the number of codes changed.
int repair_codes_from_names(Table& table, const Lexicon& lexicon);

// Normalizes every cell (numbers in amount/code columns or that parse as a
// number; text otherwise), repairs list ordinals (repair_list_ordinals, before
// the lexicon, which keeps an ordinal as read), corrects text against the
// lexicon (title too; not cells that had a "repaired" Issue before this
// call), then subject codes against their names (repair_codes_from_names),
// and adds "low_confidence" Issues. Idempotent. Never throws on odd input.
void repair_table(Table& table, const Lexicon& lexicon, const Options& options = {});

// Cross-table voting within one document: for every subject code (a cell in
// a kCode column), the names beside it and the amounts in columns with the
// same header label are compared across tables; a minority reading is
// replaced by the majority (ties: the more confident one) and gets a
// "voted" Issue naming the other readings. Returns the number of changes.
int vote_document(DocumentResult& document);

}  // namespace scantab::repair
