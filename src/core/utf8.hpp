// UTF-8 <-> code points and the plain edit distance, shared by every stage that compares or edits text
// character by character (edit distances, CJK spacing, lexicon repair).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scantab {

// Decodes UTF-8; an invalid or truncated sequence becomes U+FFFD (one per bad byte).
std::u32string to_u32(std::string_view utf8);
// Encodes code points as UTF-8.
std::string to_utf8(std::u32string_view text);
// Levenshtein (1966) distance over code points, unit costs.
std::size_t levenshtein(std::u32string_view a, std::u32string_view b);

}  // namespace scantab
