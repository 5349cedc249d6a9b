// Small UTF-8 text helpers for label matching (no third-party types).
#pragma once

#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace scantab::forms::text {

using scantab::to_u32;  // core/utf8.hpp
using scantab::to_utf8;
using scantab::levenshtein;  // core/utf8.hpp
// 1 - distance / max(len): 1.0 equal, 0.0 nothing in common.
double similarity(std::string_view a, std::string_view b);
// Label key: drops spaces, colons, "其中", brackets' width differences ((->（), trailing 指标 kept.
std::string label_key(std::string_view s);
// Parentheses and colons to full width, spaces removed: "(2023年度)" -> "（2023年度）".
std::string normalize_title(std::string_view s);
// "运行良好运行良好" -> "运行良好", "A和A" -> "A"; returns the input when not doubled.
// Only whole-cell doubling of a part of >= 2 code points counts.
std::string undouble(std::string_view s);
bool contains(std::string_view hay, std::string_view needle);

}  // namespace scantab::forms::text
