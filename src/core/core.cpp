#include "core/core.hpp"

#include <algorithm>

namespace scantab {

Rect intersect(const Rect& a, const Rect& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  if (x1 <= x0 || y1 <= y0) return Rect{};
  return Rect{x0, y0, x1 - x0, y1 - y0};
}

Rect unite(const Rect& a, const Rect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  int x1 = std::max(a.right(), b.right()), y1 = std::max(a.bottom(), b.bottom());
  return Rect{x0, y0, x1 - x0, y1 - y0};
}

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMissingFile: return "missing_file";
    case ErrorCode::kEmptyFile: return "empty_file";
    case ErrorCode::kUnsupportedFormat: return "unsupported_format";
    case ErrorCode::kCorruptInput: return "corrupt_input";
    case ErrorCode::kEncrypted: return "encrypted";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kMissingDependency: return "missing_dependency";
    case ErrorCode::kOutputFailure: return "output_failure";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace scantab
