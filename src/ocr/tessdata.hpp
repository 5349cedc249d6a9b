// ocr internal: where Tesseract's language data lives.
#pragma once

#include <filesystem>
#include <string>

#include "core/core.hpp"

namespace scantab::ocr::detail {

// The tessdata directory that holds every "+"-separated language of
// `language` (e.g. "chi_sim", "osd"): `tessdata_dir` when given, else
// $TESSDATA_PREFIX (and its tessdata/), else the system locations. Fails with
// kMissingDependency naming the places looked in.
Result<std::filesystem::path> find_tessdata(const std::filesystem::path& tessdata_dir, const std::string& language);

}  // namespace scantab::ocr::detail
