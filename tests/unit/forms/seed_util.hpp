// Shared by the forms tests: load templates and seed documents.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "forms/forms.hpp"
#include "ingest/ingest.hpp"

namespace scantab::test {

inline forms::TemplateSet templates() {
  auto set = forms::load_templates(std::filesystem::path(SCANTAB_SOURCE_DIR) / "models" / "forms");
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message);
  return set ? *set : forms::TemplateSet{};
}

// Seed by number prefix ("000"), or nullopt when ../shared is absent.
inline std::optional<ingest::Document> seed(const std::string& prefix) {
  std::filesystem::path dir = std::filesystem::path(SCANTAB_SHARED_DIR) / "seeds";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().filename().string().starts_with(prefix)) {
      auto doc = ingest::read_file(e.path());
      if (doc) return *doc;
    }
  return std::nullopt;
}

}  // namespace scantab::test
