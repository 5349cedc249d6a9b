// score_dir TRUTH_DIR PRED_DIR: prints the eval report (text) of
// PRED_DIR/NAME.json against TRUTH_DIR/NAME.truth.json. Exit 1 on error.
#include <iostream>

#include "eval/eval.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: score_dir TRUTH_DIR PRED_DIR\n";
    return 2;
  }
  auto report = scantab::eval::run(argv[1], argv[2]);
  if (!report) {
    std::cerr << report.error().message << "\n";
    return 1;
  }
  std::cout << scantab::eval::to_text(*report);
  const auto& k = report->overall;
  std::cout << "numeric " << k.numeric << " correct " << k.numeric_correct << " wrong_flagged "
            << k.numeric_wrong_flagged << " wrong_unflagged " << k.numeric_wrong_unflagged << " missing "
            << k.numeric_missing << " correct_flagged " << k.numeric_correct_flagged << " | text " << k.text
            << " correct " << k.text_correct << "\n";
  return 0;
}
