// Crash-safe file output: data goes to "<path>.tmp-<pid>" first, is flushed,
// then renamed over <path>, so a reader never sees a half-written file.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/core.hpp"

namespace scantab {

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view data);

}  // namespace scantab
