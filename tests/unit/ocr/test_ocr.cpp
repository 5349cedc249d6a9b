// Unit tests of the ocr stage with the real Tesseract and the installed
// chi_sim/eng models, on cells rendered with pango (render.hpp) at the sizes
// of 10.5pt table text scanned at 200 and 300 dpi.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "ocr/ocr.hpp"
#include "render.hpp"

namespace scantab::ocr {
namespace {

const char* const kFonts[] = {"Noto Serif CJK SC", "WenQuanYi Zen Hei"};
const double kDpis[] = {200.0, 300.0};

// One engine for the whole suite (Init takes ~0.3 s).
Engine& engine() {
  static std::unique_ptr<Engine> e = [] {
    auto created = Engine::create();
    if (!created) {
      ADD_FAILURE() << created.error().message;
      return std::unique_ptr<Engine>();
    }
    return std::move(*created);
  }();
  return *e;
}

// Recognises `text` rendered in every font at every dpi; returns the
// misreadings as "font dpi: want -> got" lines (empty = all exact).
std::string misreadings(const std::vector<std::string>& texts, Hint hint, double blur = 0, double noise = 0) {
  std::string out;
  unsigned seed = 1;
  for (const auto& text : texts)
    for (const char* font : kFonts)
      for (double dpi : kDpis) {
        ocr_test::RenderSpec spec;
        spec.font = font;
        spec.dpi = dpi;
        spec.blur_sigma = blur * dpi / 300.0;
        spec.noise_sigma = noise;
        spec.seed = seed++;
        CellText got = engine().recognize(ocr_test::render(text, spec), dpi, hint);
        if (got.text != text)
          out += std::string(font) + " " + std::to_string(int(dpi)) + ": " + text + " -> " + got.text + "\n";
        else if (got.confidence <= 0.3 || got.confidence > 1.0)
          out += std::string(font) + " " + std::to_string(int(dpi)) + ": " + text + " confidence " +
                 std::to_string(got.confidence) + "\n";
      }
  return out;
}

TEST(OcrEngine, MissingLanguageIsAMissingDependency) {
  Options options;
  options.language = "zz_no_such_language";
  auto created = Engine::create(options);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::kMissingDependency);
  EXPECT_NE(created.error().message.find("zz_no_such_language"), std::string::npos);
  EXPECT_NE(created.error().message.find("apt-get install"), std::string::npos);
}

TEST(OcrEngine, MissingTessdataDirIsAMissingDependency) {
  Options options;
  options.tessdata_dir = "/nonexistent/tessdata";
  auto created = Engine::create(options);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::kMissingDependency);
  EXPECT_NE(created.error().message.find("/nonexistent/tessdata"), std::string::npos);
}

TEST(OcrRecognize, TypicalLabelsExactly) {
  const std::vector<std::string> labels = {
      "机关事业单位基本养老保险缴费支出", "行政运行", "一般公共预算", "基本支出", "项目支出",
      "一般公共服务支出", "党委办公厅（室）及相关机构事务", "一般行政管理事务", "事业运行",
      "社会保障和就业支出", "行政事业单位医疗", "住房公积金", "卫生健康支出", "科目名称",
      "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "公务接待费", "合计", "上年结转",
      "因公出国（境）费", "二十、住房保障支出"};
  EXPECT_EQ(misreadings(labels, Hint::kTextBlock), "");
}

TEST(OcrRecognize, TypicalAmountsAndCodesExactly) {
  const std::vector<std::string> numbers = {
      "1,879.36", "0.9",     "4981.70", "2013101", "201",    "20131",    "9.00",     "4618.17",
      "146.82",   "63.90",   "13.60",   "139.20",  "1277.05", "3,243.60", "97.52",   "6.61",
      "1,722.90", "3258.79", "2080505", "0.55",    "12",     "2210201",  "1,170,000", "57.30"};
  EXPECT_EQ(misreadings(numbers, Hint::kNumber), "");
}

TEST(OcrRecognize, AmountsSurviveScanBlurAndNoise) {
  const std::vector<std::string> numbers = {"1,879.36", "0.9", "4981.70", "2013101", "146.82", "9.00"};
  EXPECT_EQ(misreadings(numbers, Hint::kNumber, /*blur=*/0.6, /*noise=*/12), "");
}

TEST(OcrRecognize, TitleAndCaptionLines) {
  const std::vector<std::string> lines = {"2023年预算支出总表", "部门名称：中国共产党忻州市委员会办公室",
                                          "单位：万元"};
  EXPECT_EQ(misreadings(lines, Hint::kTextLine), "");
}

TEST(OcrRecognize, TwoLineCellKeepsLineOrder) {
  const std::vector<std::string> cells = {"机关事业单位基本养老\n保险缴费支出", "其他巩固脱贫攻坚成果\n衔接乡村振兴支出"};
  EXPECT_EQ(misreadings(cells, Hint::kTextBlock), "");
}

TEST(OcrRecognize, LoneCharacterOnAWrappedLine) {
  // A label wrapped so that one character sits alone on its line: Tesseract's
  // single-line mode returns nothing for it (it used to be dropped).
  const std::vector<std::string> cells = {"开展招商引资次\n数", "国有资本经营收入预\n算", "同类行业中型会议室最\n低"};
  EXPECT_EQ(misreadings(cells, Hint::kTextBlock), "");
}

TEST(OcrRecognize, BoxShapedFirstCharacterIsKept) {
  // 四 at the start of a line was dropped by the single-line mode (read as
  // "、公共安全支出" or "`公共安全支出").
  const std::vector<std::string> cells = {"四、公共安全支出", "四、财政专户管理资金收入"};
  EXPECT_EQ(misreadings(cells, Hint::kTextBlock), "");
}

TEST(OcrRecognize, GlyphTouchingTheCropFrameIsKept) {
  // Text printed close to the cell border reaches into the frame where line
  // remnants are cleared; the glyph must survive, the remnant must not.
  for (double dpi : kDpis) {
    ocr_test::RenderSpec spec;
    spec.dpi = dpi;
    spec.pad_x = 2;
    Image crop = ocr_test::render("低值易耗品", spec);
    for (int y = 0; y < crop.height; ++y) crop.pixels[std::size_t(y) * crop.width] = 0;  // a 1 px line remnant
    EXPECT_EQ(engine().recognize(crop, dpi, Hint::kTextBlock).text, "低值易耗品") << dpi;
  }
}

// Calls f(spec, dpi) for every test font and resolution.
template <class F>
void for_each_font_and_dpi(F&& f) {
  for (const char* font : kFonts)
    for (double dpi : kDpis) {
      ocr_test::RenderSpec spec;
      spec.font = font;
      spec.dpi = dpi;
      f(spec, dpi);
    }
}

TEST(OcrShape, AmountsAndCodesLookLikeDigits) {
  for_each_font_and_dpi([](const ocr_test::RenderSpec& spec, double dpi) {
    const char* font = spec.font.c_str();
    for (const char* number : {"1,879.36", "4981.70", "2013101", "0.9", "-0.5", "30201"})
      EXPECT_TRUE(looks_like_digits(ocr_test::render(number, spec), dpi)) << number << " " << font << " " << dpi;
    for (const char* label : {"合计", "行政运行", "一般公共服务支出", "项目", "12次", "单位：万元"})
      EXPECT_FALSE(looks_like_digits(ocr_test::render(label, spec), dpi)) << label << " " << font << " " << dpi;
  });
  EXPECT_FALSE(looks_like_digits(Image{}, 300));
}

TEST(OcrShape, ComparisonSignsByShape) {
  for_each_font_and_dpi([](const ocr_test::RenderSpec& spec, double dpi) {
    const char* font = spec.font.c_str();
    auto sign = [&](const char* text) { return leading_comparison_sign(ocr_test::render(text, spec), dpi); };
    EXPECT_EQ(sign("≥95%"), U'≥') << font << " " << dpi;
    EXPECT_EQ(sign("≤200万元"), U'≤') << font << " " << dpi;
    EXPECT_EQ(sign(">300次"), U'>') << font << " " << dpi;
    EXPECT_EQ(sign("95%"), char32_t(0)) << font << " " << dpi;
    EXPECT_EQ(sign("之后"), char32_t(0)) << font << " " << dpi;
    EXPECT_EQ(sign("和谐"), char32_t(0)) << font << " " << dpi;
  });
}

TEST(OcrShape, MinusSignByShapeNotASpeck) {
  for_each_font_and_dpi([](ocr_test::RenderSpec spec, double dpi) {
    const char* font = spec.font.c_str();
    spec.pad_x = int(dpi / 4);
    EXPECT_EQ(begins_with_dash(Crop(ocr_test::render("-637.43", spec), dpi)), true) << font << " " << dpi;
    EXPECT_EQ(begins_with_dash(Crop(ocr_test::render("-0.5", spec), dpi)), true) << font << " " << dpi;
    EXPECT_EQ(begins_with_dash(Crop(ocr_test::render("637.43", spec), dpi)), false) << font << " " << dpi;
    // A 2-3 px speck at mid-height left of the amount (rough scans; OCR
    // reads it as "-637.43").
    Image specked = ocr_test::render("637.43", spec);
    const int d = std::max(2, int(dpi / 100));
    for (int dy = 0; dy < d; ++dy)
      for (int dx = 0; dx < d + 1; ++dx)
        specked.pixels[std::size_t(specked.height / 2 + dy) * specked.width + std::size_t(spec.pad_x / 2 + dx)] = 0;
    EXPECT_EQ(begins_with_dash(Crop(specked, dpi)), false) << font << " " << dpi;
  });
  EXPECT_EQ(begins_with_dash(Crop(Image{}, 300)), std::nullopt);
}

TEST(OcrRecognize, NoSpacesBetweenChineseCharacters) {
  // Wide gaps between characters (as in justified header cells) make
  // Tesseract emit separate words; the output must not contain spaces.
  ocr_test::RenderSpec spec;
  CellText got = engine().recognize(ocr_test::render("项  目  支  出", spec), spec.dpi, Hint::kTextBlock);
  EXPECT_EQ(got.text, "项目支出");
  got = engine().recognize(ocr_test::render("2023 年 预算", spec), spec.dpi, Hint::kTextLine);
  EXPECT_EQ(got.text, "2023年预算");
}

TEST(OcrRecognize, NumberWhitelistAppliesInLstmMode) {
  // Letters that look like digits must come out as digits or number
  // punctuation only: the whitelist is honoured by the LSTM decoder.
  ocr_test::RenderSpec spec;
  CellText got = engine().recognize(ocr_test::render("l2O.5S", spec), spec.dpi, Hint::kNumber);
  ASSERT_FALSE(got.text.empty());
  const std::string allowed = "0123456789.,-%><";
  for (std::size_t i = 0; i < got.text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(got.text[i]);
    if (c >= 0x80) {  // only ≥ ≤ are allowed beyond ASCII
      EXPECT_TRUE(got.text.compare(i, 3, "≥") == 0 || got.text.compare(i, 3, "≤") == 0) << got.text;
      i += 2;
    } else {
      EXPECT_NE(allowed.find(char(c)), std::string::npos) << "'" << char(c) << "' in " << got.text;
    }
  }
  // Without the whitelist (text hint) the letters are read as letters.
  CellText as_text = engine().recognize(ocr_test::render("ABC", spec), spec.dpi, Hint::kTextBlock);
  EXPECT_NE(as_text.text.find_first_of("ABC"), std::string::npos) << as_text.text;
}

TEST(OcrRecognize, BlankCropsAreEmptyWithFullConfidence) {
  Image white(120, 60, 1, 255);
  EXPECT_TRUE(is_blank(white, 300));
  CellText got = engine().recognize(white, 300, Hint::kTextBlock);
  EXPECT_EQ(got.text, "");
  EXPECT_DOUBLE_EQ(got.confidence, 1.0);

  // Scan speckles and a remnant of a ruling line along the crop's edge.
  Image speckled(120, 60, 1, 255);
  speckled.row(20)[30] = 0;
  speckled.row(41)[77] = 40;
  for (int x = 0; x < speckled.width; ++x) speckled.row(0)[x] = speckled.row(1)[x] = 0;
  for (int y = 0; y < speckled.height; ++y) speckled.row(y)[119] = 0;
  EXPECT_TRUE(is_blank(speckled, 300));
  got = engine().recognize(speckled, 300, Hint::kNumber);
  EXPECT_EQ(got.text, "");
  EXPECT_DOUBLE_EQ(got.confidence, 1.0);

  Image empty;
  EXPECT_TRUE(is_blank(empty));
  EXPECT_EQ(engine().recognize(empty, 300, Hint::kTextBlock).text, "");
}

TEST(OcrRecognize, SmallestContentIsNotBlank) {
  for (double dpi : kDpis) {
    ocr_test::RenderSpec spec;
    spec.dpi = dpi;
    EXPECT_FALSE(is_blank(ocr_test::render("0.9", spec), dpi));
    EXPECT_FALSE(is_blank(ocr_test::render("-", spec), dpi));
    EXPECT_FALSE(is_blank(ocr_test::render("一", spec), dpi));
  }
}

TEST(OcrRecognize, ColourCropIsAccepted) {
  Image gray = ocr_test::render("4981.70");
  Image bgr(gray.width, gray.height, 3);
  for (int y = 0; y < gray.height; ++y)
    for (int x = 0; x < gray.width; ++x)
      for (int c = 0; c < 3; ++c) bgr.row(y)[3 * x + c] = gray.row(y)[x];
  EXPECT_EQ(engine().recognize(bgr, 300, Hint::kNumber).text, "4981.70");
}

TEST(OcrRecognize, DegenerateInputsDoNotCrash) {
  Image tiny(3, 2, 1, 0);  // all ink, smaller than the frame
  CellText got = engine().recognize(tiny, 300, Hint::kTextBlock);
  EXPECT_EQ(got.text, "");
  Image bad(10, 10, 1);
  bad.pixels.resize(5);  // inconsistent buffer
  EXPECT_EQ(engine().recognize(bad, 300, Hint::kTextBlock).text, "");
  Image black(200, 80, 1, 0);  // a solid blob, e.g. a redaction bar
  got = engine().recognize(black, 0.0 /* unknown dpi */, Hint::kTextBlock);
  EXPECT_GE(got.confidence, 0.0);
  EXPECT_LE(got.confidence, 1.0);
}

TEST(OcrRecognize, LoneSpecksAreNotReadButDecimalPointsAre) {
  // Rough scans sprinkle specks over cells; one away from the text read as a
  // stray . , ” or - (".31.08", "146.82,") or as a line of junk below it.
  for (double dpi : kDpis) {
    ocr_test::RenderSpec spec;
    spec.dpi = dpi;
    spec.pad_x = int(dpi / 4);
    spec.pad_y = int(dpi / 6);
    for (const std::string amount : {"31.08", "1,879.36", "146.82"}) {
      Image crop = ocr_test::render(amount, spec);
      const int d = std::max(2, int(dpi / 150));  // a 2-3 px speck
      auto speck = [&](int x, int y) {
        for (int dy = 0; dy < d; ++dy)
          for (int dx = 0; dx < d; ++dx) crop.pixels[std::size_t(y + dy) * crop.width + std::size_t(x + dx)] = 0;
      };
      speck(crop.width / 12, crop.height / 2);          // left of the amount
      speck(crop.width - crop.width / 12, crop.height / 2);  // right of it
      speck(crop.width / 2, crop.height - crop.height / 8);  // below it, a line of its own
      EXPECT_EQ(engine().recognize(crop, dpi, Hint::kNumber).text, amount) << dpi;
      // (The text model drops the thousands comma of 1,879.36 with or
      // without specks; amounts are the number model's job.)
      if (amount.find(',') == std::string::npos)
        EXPECT_EQ(engine().recognize(crop, dpi, Hint::kTextBlock).text, amount) << dpi;
    }
  }
}

TEST(OcrRecognize, FaintThinDigitStaysOneLine) {
  // A light, thin digit: only parts of its strokes are darker than the ink
  // threshold, so the rest used to split it into two "lines" (a 2 read as
  // "2\n人" in a header's column-number row).
  for (double dpi : kDpis)
    for (const char* digit : {"2", "3", "5"}) {
      ocr_test::RenderSpec spec;
      spec.font = "AR PL UMing CN";
      spec.dpi = dpi;
      spec.pad_x = int(dpi / 5);
      Image crop = ocr_test::render(digit, spec);
      for (auto& v : crop.pixels) v = std::uint8_t(255 - (255 - v) * 45 / 100);  // darkest ink 140
      EXPECT_EQ(engine().recognize(crop, dpi, Hint::kTextBlock).text, digit) << dpi;
      EXPECT_TRUE(looks_like_digits(crop, dpi)) << digit << " " << dpi;
    }
}

// A Crop analyses its ink once and shares it; whatever order its questions
// come in, it answers as the one-call Image functions do. Covered: dark print
// (one layout serves with and without faint strokes), faint print (the two
// layouts differ), a comparison sign, a blank crop and a BGR crop.
TEST(OcrCrop, AnswersAsTheImageCallsInAnyOrder) {
  struct Case {
    std::string name;
    Image image;
    double dpi;
  };
  std::vector<Case> crops;
  for (double dpi : kDpis) {
    ocr_test::RenderSpec spec;
    spec.font = "AR PL UMing CN";
    spec.dpi = dpi;
    spec.pad_x = int(dpi / 5);
    for (const char* text : {"4981.70", "行政运行", "≥95%"}) crops.push_back({text, ocr_test::render(text, spec), dpi});
    Image faint = ocr_test::render("2", spec);
    for (auto& v : faint.pixels) v = std::uint8_t(255 - (255 - v) * 45 / 100);
    crops.push_back({"faint 2", faint, dpi});
    crops.push_back({"blank", Image(120, 40, 1, 250), dpi});
  }
  const Image gray = ocr_test::render("1,879.36");  // the default spec: 300 dpi
  Image bgr(gray.width, gray.height, 3);
  for (std::size_t i = 0; i < gray.pixels.size(); ++i)
    for (int c = 0; c < 3; ++c) bgr.pixels[3 * i + std::size_t(c)] = gray.pixels[i];
  crops.push_back({"bgr", bgr, 300.0});

  for (const auto& [name, image, dpi] : crops) {
    const bool blank = is_blank(image, dpi), digits = looks_like_digits(image, dpi);
    const char32_t sign = leading_comparison_sign(image, dpi);
    const CellText text = engine().recognize(image, dpi, Hint::kTextBlock);
    const CellText number = engine().read_once(image, dpi, Hint::kNumber, Engine::Model::kNumber);
    for (int order = 0; order < 2; ++order) {  // shape tests first, then readings first
      Crop crop(image, dpi);
      if (order == 1) {
        EXPECT_EQ(engine().read_once(crop, Hint::kNumber, Engine::Model::kNumber).text, number.text) << name;
        EXPECT_EQ(engine().recognize(crop, Hint::kTextBlock).text, text.text) << name;
      }
      EXPECT_EQ(is_blank(crop), blank) << name;
      EXPECT_EQ(looks_like_digits(crop), digits) << name;
      EXPECT_EQ(leading_comparison_sign(crop), sign) << name;
      const CellText t = engine().recognize(crop, Hint::kTextBlock);
      EXPECT_EQ(t.text, text.text) << name;
      EXPECT_DOUBLE_EQ(t.confidence, text.confidence) << name;
      EXPECT_EQ(engine().read_once(crop, Hint::kNumber, Engine::Model::kNumber).text, number.text) << name;
    }
  }
}

TEST(OcrEnginePool, TryAcquireNeverWaits) {
  EnginePool pool(Options{}, 1);
  auto first = pool.try_acquire();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(first->has_value());  // the pool may create its one engine
  auto second = pool.try_acquire();
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->has_value());  // all leased: nothing, at once
  first->reset();                     // the lease ends, the engine is idle
  auto third = pool.try_acquire();
  ASSERT_TRUE(third.has_value());
  EXPECT_TRUE(third->has_value());
}

TEST(OcrEnginePool, TwoThreadsShareAPoolOfTwo) {
  EnginePool pool(Options{}, 2);
  const std::vector<std::string> amounts = {"1,879.36", "4981.70", "146.82", "2013101", "0.9"};
  std::atomic<int> exact{0}, total{0};
  auto worker = [&](int id) {
    for (int round = 0; round < 3; ++round) {
      auto lease = pool.acquire();
      ASSERT_TRUE(lease.has_value()) << lease.error().message;
      for (const auto& a : amounts) {
        ocr_test::RenderSpec spec;
        spec.dpi = kDpis[(id + round) % 2];
        spec.font = kFonts[id % 2];
        CellText got = (*lease)->recognize(ocr_test::render(a, spec), spec.dpi, Hint::kNumber);
        exact += got.text == a;
        ++total;
      }
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(total.load(), 30);
  EXPECT_EQ(exact.load(), 30);
}

TEST(OcrEnginePool, PoolOfOneSerialisesTwoThreads) {
  EnginePool pool(Options{}, 1);
  std::atomic<int> inside{0}, max_inside{0}, done{0};
  auto worker = [&] {
    for (int i = 0; i < 4; ++i) {
      auto lease = pool.acquire();
      ASSERT_TRUE(lease.has_value());
      int now = ++inside;
      max_inside = std::max(max_inside.load(), now);
      CellText got = (**lease).recognize(ocr_test::render("行政运行"), 300, Hint::kTextBlock);
      EXPECT_EQ(got.text, "行政运行");
      --inside;
      ++done;
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  EXPECT_EQ(done.load(), 8);
  EXPECT_EQ(max_inside.load(), 1);
}

TEST(OcrEnginePool, FailedCreationIsReportedAndFreesTheSlot) {
  Options options;
  options.language = "zz_no_such_language";
  EnginePool pool(options, 1);
  for (int i = 0; i < 2; ++i) {  // a second attempt must not block forever
    auto lease = pool.acquire();
    ASSERT_FALSE(lease.has_value());
    EXPECT_EQ(lease.error().code, ErrorCode::kMissingDependency);
  }
}

}  // namespace
}  // namespace scantab::ocr
