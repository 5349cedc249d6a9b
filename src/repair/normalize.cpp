// repair: Unicode normalization (ICU NFKC) and Chinese punctuation.
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

#include "repair/internal.hpp"
#include "repair/repair.hpp"

namespace scantab::repair {
namespace detail {

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF);
}

}  // namespace detail

namespace {

bool is_circled(char32_t c) { return c >= 0x2460 && c <= 0x24FF; }

// NFKC of one code point (ICU); the code point itself when ICU fails.
std::u32string nfkc(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return std::u32string(1, c);
  icu::UnicodeString out = n->normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
  if (U_FAILURE(status)) return std::u32string(1, c);
  std::string utf8;
  out.toUTF8String(utf8);
  return detail::to_u32(utf8);
}

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000 || c == 0xA0; }

}  // namespace

std::string normalize_number(std::string_view text) {
  std::u32string out;
  for (char32_t c : detail::to_u32(text)) {
    if (is_space(c)) continue;
    if (is_circled(c)) {
      out.push_back(c);
      continue;
    }
    if (c == U'。' || c == U'·' || c == U'・') c = U'.';
    if (c == U'−' || c == U'—' || c == U'–') c = U'-';
    for (char32_t k : nfkc(c))
      if (!is_space(k)) out.push_back(k);
  }
  return detail::to_utf8(out);
}

std::string normalize_text(std::string_view text) {
  std::u32string s;
  for (char32_t c : detail::to_u32(text)) {
    // Full-width ASCII letters and digits only; full-width punctuation stays.
    if ((c >= U'０' && c <= U'９') || (c >= U'Ａ' && c <= U'Ｚ') || (c >= U'ａ' && c <= U'ｚ')) {
      s += nfkc(c);
      continue;
    }
    s.push_back(c);
  }
  if (std::none_of(s.begin(), s.end(), detail::is_cjk)) return detail::to_utf8(s);
  auto ascii_alnum = [](char32_t c) { return c < 0x80 && std::isalnum(int(c)); };
  auto wide = [](char32_t c) { return detail::is_cjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) || is_circled(c); };
  bool quote_open = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char32_t prev = i > 0 ? s[i - 1] : U' ', next = i + 1 < s.size() ? s[i + 1] : U' ';
    const bool inside_ascii = ascii_alnum(prev) && ascii_alnum(next);
    const bool touches_wide = wide(prev) || wide(next);
    switch (s[i]) {
      case U'(': if (!inside_ascii && touches_wide) s[i] = U'（'; break;
      case U')': if (!inside_ascii && touches_wide) s[i] = U'）'; break;
      case U':': if (!inside_ascii && touches_wide) s[i] = U'：'; break;
      case U';': if (!inside_ascii && touches_wide) s[i] = U'；'; break;
      case U',': if (!inside_ascii && touches_wide) s[i] = U'，'; break;
      case U'"':
        if (touches_wide) s[i] = quote_open ? U'”' : U'“';
        quote_open = !quote_open;
        break;
      case U'“': quote_open = true; break;
      case U'”': quote_open = false; break;
      default: break;
    }
  }
  // "1 .为领导…": no space inside a list number.
  for (std::size_t i = 1; i + 1 < s.size(); ++i)
    if (s[i] == U' ' && s[i - 1] >= U'0' && s[i - 1] <= U'9' && s[i + 1] == U'.') s.erase(i--, 1);
  // 其中 introduces a breakdown and is always followed by a colon in these
  // forms; OCR reads it as ， or ；.
  static const std::u32string kNamely = U"其中";
  for (std::size_t i = s.find(kNamely); i != std::u32string::npos; i = s.find(kNamely, i + 1)) {
    const std::size_t p = i + kNamely.size();
    if (p + 1 < s.size() && (s[p] == U'，' || s[p] == U'；' || s[p] == U',' || s[p] == U';') && detail::is_cjk(s[p + 1]))
      s[p] = U'：';
  }
  return detail::to_utf8(s);
}

}  // namespace scantab::repair
