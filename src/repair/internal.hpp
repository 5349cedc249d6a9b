// repair: helpers shared by the stage's .cpp files (not public API).
#pragma once

#include <string>
#include <string_view>

namespace scantab::repair::detail {

std::u32string to_u32(std::string_view utf8);  // invalid bytes are skipped
std::string to_utf8(std::u32string_view text);
bool is_cjk(char32_t c);  // ideographs (URO, Ext A, compatibility)

}  // namespace scantab::repair::detail
