// repair: lexicon of subject names and standard labels, and OCR-aware
// correction against it.
//
// Distance: Levenshtein (1966) edit distance with weighted operations, the
// usual way to make string matching aware of OCR confusions (e.g. Kukich,
// "Techniques for automatically correcting words in text", 1992): a
// substitution between glyphs the LSTM is known to confuse is cheap.
#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <regex>
#include <set>

#include "repair/internal.hpp"
#include "repair/repair.hpp"

namespace scantab::repair {
namespace {

using detail::to_u32;
using detail::to_utf8;

// Observed OCR confusions (chi_sim LSTM on scans); symmetric.
constexpr std::array<std::pair<char32_t, char32_t>, 22> kConfusions{{
    {U'厅', U'打'}, {U'固', U'国'}, {U'遣', U'遗'}, {U'①', U'@'}, {U'②', U'@'}, {U'末', U'未'},
    {U'0', U'O'},   {U'1', U'l'},   {U'1', U'I'},   {U'己', U'已'}, {U'戊', U'戌'}, {U'土', U'士'},
    {U'人', U'入'}, {U'日', U'曰'}, {U'拔', U'拨'}, {U'侯', U'候'}, {U'干', U'千'}, {U'工', U'エ'},
    {U'口', U'囗'}, {U'“', U'"'},   {U'”', U'"'},   {U'（', U'('},
}};

// '@' is not punctuation here: in these documents it is a misread ①/②.
bool is_punct(char32_t c) {
  return (c < 0x80 && c != U'@' && std::ispunct(int(c))) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20);
}

bool is_circled(char32_t c) { return c >= 0x2460 && c <= 0x2473; }  // ①..⑳

double sub_cost(char32_t a, char32_t b) {
  if (a == b) return 0;
  for (auto [x, y] : kConfusions)
    if ((a == x && b == y) || (a == y && b == x)) return 0.25;
  if (is_punct(a) && is_punct(b)) return 0.3;
  // chi_sim reads circled numbers (①②) as arbitrary glyphs (@, 包, 凶 seen).
  if (is_circled(a) || is_circled(b)) return 0.5;
  return 1;
}
double indel_cost(char32_t c) { return is_punct(c) ? 0.3 : 1; }

// ...or as two narrow glyphs ("GD" for ①): ASCII letters, digits, @,
// punctuation.
bool narrow_glyph(char32_t c) { return (c < 0x80 && std::isgraph(int(c))) || is_punct(c); }
constexpr double kCircledAsTwo = 0.5;  // ① <-> two narrow glyphs, a 1:2 substitution

// Weighted Levenshtein over code points, with the 1:2 substitution above in
// either direction. Rows i-2, i-1, i of the DP are kept for it.
double distance_u32(const std::u32string& a, const std::u32string& b) {
  std::vector<double> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 1; j <= b.size(); ++j) prev[j] = prev[j - 1] + indel_cost(b[j - 1]);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = prev[0] + indel_cost(a[i - 1]);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + indel_cost(a[i - 1]), cur[j - 1] + indel_cost(b[j - 1]),
                         prev[j - 1] + sub_cost(a[i - 1], b[j - 1])});
      if (j >= 2 && is_circled(a[i - 1]) && narrow_glyph(b[j - 2]) && narrow_glyph(b[j - 1]))
        cur[j] = std::min(cur[j], prev[j - 2] + kCircledAsTwo);
      if (i >= 2 && is_circled(b[j - 1]) && narrow_glyph(a[i - 2]) && narrow_glyph(a[i - 1]))
        cur[j] = std::min(cur[j], prev2[j - 1] + kCircledAsTwo);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// "2023年…" -> {"2023年", "…"}: a leading year is not compared.
std::pair<std::string, std::string> split_year(std::string_view text) {
  static const std::regex year(R"(^(\d{4}年(度)?)(.*)$)");
  std::string s(text);
  std::smatch m;
  if (std::regex_match(s, m, year)) return {m[1], m[3]};
  return {"", s};
}

// "十一、城乡社区支出" -> {"十一、", "城乡社区支出"}: a leading list ordinal
// (一、 十一、 1. 1． （一） (1)) is the document's own numbering, which
// differs between documents; only the rest is compared with the lexicon, and
// the ordinal is kept as read.
std::pair<std::u32string, std::u32string> split_ordinal(const std::u32string& s) {
  auto numeral = [](char32_t c) {
    return std::u32string_view(U"一二三四五六七八九十").find(c) != std::u32string_view::npos || (c >= U'0' && c <= U'9');
  };
  std::size_t i = 0;
  const bool bracketed = !s.empty() && (s[0] == U'（' || s[0] == U'(');
  if (bracketed) ++i;
  const std::size_t digits_from = i;
  while (i < s.size() && numeral(s[i])) ++i;
  if (i == digits_from || i >= s.size()) return {U"", s};
  const char32_t mark = s[i];
  const bool closes = bracketed ? (mark == U'）' || mark == U')') : (mark == U'、' || mark == U'.' || mark == U'．');
  if (!closes || i + 1 >= s.size()) return {U"", s};
  return {s.substr(0, i + 1), s.substr(i + 1)};
}

}  // namespace

double ocr_distance(std::string_view a, std::string_view b) { return distance_u32(to_u32(a), to_u32(b)); }

void Lexicon::add_subject(const std::string& code, const std::string& name) {
  auto& names = by_code_[code];
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  add_phrase(name);
}

void Lexicon::add_phrase(const std::string& phrase) {
  std::string p = split_year(phrase).second;
  if (!p.empty() && std::find(entries_.begin(), entries_.end(), p) == entries_.end()) entries_.push_back(p);
}

std::vector<std::string> Lexicon::names_for(const std::string& code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> Lexicon::codes_for(const std::string& name) const {
  std::vector<std::string> codes;
  for (const auto& [code, names] : by_code_)
    if (std::find(names.begin(), names.end(), name) != names.end()) codes.push_back(code);
  return codes;
}

bool Lexicon::knows_text(std::string_view text) const {
  std::string body = split_year(text).second;
  return std::find(entries_.begin(), entries_.end(), body) != entries_.end();
}

Result<Lexicon> Lexicon::load(const std::filesystem::path& dir) {
  Lexicon lex;
  bool any = false;
  if (std::ifstream in(dir / "subjects.tsv"); in) {
    any = true;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      auto end = line.find('\t', tab + 1);
      lex.add_subject(line.substr(0, tab), line.substr(tab + 1, end == std::string::npos ? end : end - tab - 1));
    }
  }
  if (std::ifstream in(dir / "phrases.txt"); in) {
    any = true;
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') lex.add_phrase(line.substr(0, line.find('\t')));
  }
  if (!any) return fail(ErrorCode::kMissingDependency, "repair: no lexicon files in " + dir.string());
  return lex;
}

const Lexicon& Lexicon::builtin() {
  static const Lexicon lex = [] {
    auto loaded = load(SCANTAB_LEXICON_DIR);
    return loaded ? std::move(*loaded) : Lexicon{};
  }();
  return lex;
}

std::optional<Correction> Lexicon::correct(std::string_view text, std::string_view code) const {
  auto [year, body] = split_year(text);
  if (body.empty()) return std::nullopt;
  const auto [ordinal, t] = split_ordinal(to_u32(body));
  if (t.empty()) return std::nullopt;
  const std::vector<std::string>* candidates = &entries_;
  std::vector<std::string> names;
  if (!code.empty()) {
    names = names_for(std::string(code));
    if (!names.empty()) candidates = &names;
  }
  // The edit budget grows with the text's length, the ordinal included (its
  // characters count as read correctly).
  const double length = double(ordinal.size() + t.size());
  const double limit = std::min(3.0, std::max(0.5, (candidates == &names ? 0.25 : 0.12) * length));
  double best = 1e9, second = 1e9;
  std::u32string winner;
  for (const std::string& e : *candidates) {
    // Read with an ordinal: compared with the entries' bodies (so "十一、…"
    // is not "corrected" to another document's "十二、…"); read without one:
    // with whole entries (the ordinal may be what OCR garbled).
    const std::u32string u = ordinal.empty() ? to_u32(e) : split_ordinal(to_u32(e)).second;
    if (u == t) return std::nullopt;  // known as read
    // Length alone already rules most entries out.
    if (std::abs(double(u.size()) - double(t.size())) > limit + 1) continue;
    double d = distance_u32(t, u);
    if (d < best) {
      second = best;
      best = d;
      winner = u;
    } else if (d < second && u != winner) {
      second = d;
    }
  }
  if (winner.empty() || best > limit || second - best < 0.7) return std::nullopt;
  return Correction{year + to_utf8(ordinal + winner), best};
}

}  // namespace scantab::repair
