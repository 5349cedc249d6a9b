// bench_ocr: exact-match rate and time per cell of ocr::Engine on labels and
// amounts taken from a real disclosure (seed 000), rendered with pango at
// table-cell sizes. Used to tune ocr::Options; not a test.
//
//   bench_ocr [--n 200] [--target PX] [--number-target PX] [--margin F] [--gray]
//             [--lang L] [--number-lang L]
//             [--clean] [--all] [--seed PATH] [--show-failures] [--one TEXT [--number]]
#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ocr/ocr.hpp"
#include "render.hpp"

using namespace scantab;

namespace {

bool is_number(const std::string& s) {
  static const std::regex re(R"(^[0-9][0-9,]*(\.[0-9]+)?$)");
  return std::regex_match(s, re);
}
bool has_cjk(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0xE4 && c <= 0xE9) return true;  // lead byte of U+4E00..U+9FFF
  return false;
}
std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
// Fullwidth （）：；， folded to ASCII: the seed's own text mixes both forms.
std::string fold(std::string s) {
  const std::pair<const char*, const char*> pairs[] = {{"（", "("}, {"）", ")"}, {"：", ":"}, {"；", ";"}, {"，", ","}};
  for (auto [wide, narrow] : pairs)
    for (std::size_t p; (p = s.find(wide)) != std::string::npos;) s.replace(p, std::strlen(wide), narrow);
  return s;
}
std::string with_thousands(const std::string& s) {
  auto dot = s.find('.');
  std::string int_part = s.substr(0, dot), rest = dot == std::string::npos ? "" : s.substr(dot);
  std::string out;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) out += ',';
    out += int_part[i];
  }
  return out + rest;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 200;
  ocr::Options options;
  bool clean = false, show = false, all = false;  // --all: every item in all 4 font/dpi variants
  std::string one;  // --one TEXT: recognise just TEXT in every font/dpi, dump PGMs to /tmp
  ocr::Hint one_hint = ocr::Hint::kTextBlock;
  std::string seed = std::string(SCANTAB_SHARED_DIR) + "/seeds/000_92fd1f6cae8b94f5.txt";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
    if (a == "--n") n = std::stoi(next());
    else if (a == "--target") options.text_line_height_px = std::stoi(next());
    else if (a == "--number-target") options.number_line_height_px = std::stoi(next());
    else if (a == "--number-lang") options.number_language = next();
    else if (a == "--gray") options.binarize = false;
    else if (a == "--margin") options.margin_fraction = std::stod(next());
    else if (a == "--lang") options.language = next();
    else if (a == "--clean") clean = true;
    else if (a == "--all") all = true;
    else if (a == "--seed") seed = next();
    else if (a == "--show-failures") show = true;
    else if (a == "--one") one = next();
    else if (a == "--number") one_hint = ocr::Hint::kNumber;
  }

  // Distinct table fields of the seed: labels (CJK, <= 24 chars) and numbers.
  std::ifstream in(seed);
  if (!in) {
    std::cerr << "cannot read " << seed << "\n";
    return 2;
  }
  std::set<std::string> label_set, number_set;
  for (std::string line; std::getline(in, line);) {
    if (line.find('\t') == std::string::npos) continue;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, '\t');) {
      if (f.empty()) continue;
      if (is_number(f)) number_set.insert(f);
      else if (has_cjk(f) && utf8_length(f) <= 24 && f.find(' ') == std::string::npos &&
               f.find("..") == std::string::npos)  // not table-of-contents lines
        label_set.insert(f);
    }
  }
  std::vector<std::string> labels(label_set.begin(), label_set.end());
  std::vector<std::string> numbers(number_set.begin(), number_set.end());
  std::mt19937 rng(42);
  std::shuffle(labels.begin(), labels.end(), rng);
  std::shuffle(numbers.begin(), numbers.end(), rng);
  labels.resize(std::min<std::size_t>(labels.size(), std::size_t(n / 2)));
  numbers.resize(std::min<std::size_t>(numbers.size(), std::size_t(n - int(labels.size()))));
  for (std::size_t i = 0; i < numbers.size(); i += 4)  // a quarter with thousands separators
    numbers[i] = with_thousands(numbers[i]);

  auto engine = ocr::Engine::create(options);
  if (!engine) {
    std::cerr << engine.error().message << "\n";
    return 2;
  }
  const char* fonts[] = {"Noto Serif CJK SC", "WenQuanYi Zen Hei"};
  const double dpis[] = {200.0, 300.0};
  if (!one.empty()) {
    for (const char* font : fonts)
      for (double dpi : dpis) {
        ocr_test::RenderSpec spec;
        spec.font = font;
        spec.dpi = dpi;
        spec.blur_sigma = clean ? 0 : 0.5 * dpi / 300.0;
        spec.noise_sigma = clean ? 0 : 10;
        Image img = ocr_test::render(one, spec);
        std::string path = "/tmp/ocr_one_" + std::to_string(int(dpi)) + "_" + font[0] + ".pgm";
        if (FILE* f = std::fopen(path.c_str(), "wb")) {
          std::fprintf(f, "P5 %d %d 255\n", img.width, img.height);
          std::fwrite(img.pixels.data(), 1, img.pixels.size(), f);
          std::fclose(f);
        }
        CellText got = (*engine)->recognize(img, dpi, one_hint);
        std::printf("%-18s %3.0f  %dx%d  got '%s' conf %.2f\n", font, dpi, img.width, img.height, got.text.c_str(),
                    got.confidence);
      }
    return 0;
  }
  std::map<std::string, std::pair<int, int>> tally;  // group -> (exact, total)
  double seconds = 0;
  int folded_exact = 0;
  int cells = 0;
  auto run = [&](const std::vector<std::string>& items, ocr::Hint hint, const char* kind) {
    for (std::size_t k = 0; k < items.size() * (all ? 4 : 1); ++k) {
      const std::size_t i = all ? k / 4 : k, v = all ? k % 4 : k;  // item, font/dpi variant
      ocr_test::RenderSpec spec;
      spec.font = fonts[v % 2];
      spec.dpi = dpis[(v / 2) % 2];
      if (!clean) {
        spec.blur_sigma = 0.5 * spec.dpi / 300.0;
        spec.noise_sigma = 10;
        spec.seed = unsigned(k + 1);
      }
      Image img = ocr_test::render(items[i], spec);
      auto t0 = std::chrono::steady_clock::now();
      CellText got = (*engine)->recognize(img, spec.dpi, hint);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      ++cells;
      bool ok = got.text == items[i];
      folded_exact += fold(got.text) == fold(items[i]);
      for (std::string g : {std::string(kind), std::string(kind) + " " + spec.font + " " +
                                                   std::to_string(int(spec.dpi))}) {
        tally[g].first += ok;
        tally[g].second += 1;
      }
      if (!ok && show)
        std::printf("  MISS %-6s %-18s %3.0f  want %s  got %s  (conf %.2f)\n", kind, spec.font.c_str(), spec.dpi,
                    items[i].c_str(), got.text.c_str(), got.confidence);
    }
  };
  run(labels, ocr::Hint::kTextBlock, "label");
  run(numbers, ocr::Hint::kNumber, "number");
  int exact = 0, total = 0;
  for (auto& [group, t] : tally) {
    std::printf("%-34s %3d/%3d  %.1f%%\n", group.c_str(), t.first, t.second, 100.0 * t.first / t.second);
    if (group == "label" || group == "number") exact += t.first, total += t.second;
  }
  std::printf("ALL exact up to fullwidth/ASCII punctuation %d/%d = %.1f%%\n", folded_exact, total,
              100.0 * folded_exact / total);
  std::printf(
      "ALL exact %d/%d = %.1f%%   %.0f ms/cell   (text %d px, number %d px, margin %.2f, binarize %d, lang %s, "
      "numbers %s, %s)\n",
      exact, total, 100.0 * exact / total, 1000.0 * seconds / cells, options.text_line_height_px,
      options.number_line_height_px, options.margin_fraction, int(options.binarize), options.language.c_str(),
      options.number_language.c_str(), clean ? "clean" : "degraded");
  return 0;
}
