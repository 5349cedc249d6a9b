// Stable process exit codes of the `scantab` CLI (documented in README.md).
// With several inputs, the exit code is that of the first input that failed;
// every other input is still processed.
#pragma once

#include "core/core.hpp"

namespace scantab::app {

enum ExitCode : int {
  kOk = 0,
  kUsage = 2,              // bad command line
  kMissingFile = 3,
  kEmptyFile = 4,
  kUnsupportedFormat = 5,  // neither PDF nor PNG/JPEG/TIFF
  kCorruptInput = 6,       // damaged or truncated PDF/image
  kEncrypted = 7,          // password-protected PDF
  kTooLarge = 8,           // page image over the pixel limit
  kMissingDependency = 9,  // e.g. Tesseract chi_sim data not installed
  kOutputFailure = 10,     // cannot write to the output directory
  kInternal = 11,          // a bug: please report it
};

inline int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMissingFile: return kMissingFile;
    case ErrorCode::kEmptyFile: return kEmptyFile;
    case ErrorCode::kUnsupportedFormat: return kUnsupportedFormat;
    case ErrorCode::kCorruptInput: return kCorruptInput;
    case ErrorCode::kEncrypted: return kEncrypted;
    case ErrorCode::kTooLarge: return kTooLarge;
    case ErrorCode::kMissingDependency: return kMissingDependency;
    case ErrorCode::kOutputFailure: return kOutputFailure;
    case ErrorCode::kInternal: return kInternal;
  }
  return kInternal;
}

}  // namespace scantab::app
