// repair: helpers shared by the stage's .cpp files (not public API).
#pragma once

#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace scantab::repair::detail {

using scantab::to_u32;  // core/utf8.hpp
using scantab::to_utf8;
bool is_cjk(char32_t c);  // ideographs (URO, Ext A, compatibility)

}  // namespace scantab::repair::detail
