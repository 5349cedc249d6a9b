#include "pipeline/pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <span>
#include <thread>

#include "core/cv_image.hpp"
#include "core/utf8.hpp"
#include "repair/repair.hpp"
#include "structure/structure.hpp"

namespace scantab::pipeline {
namespace {

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// The gray page with ruling-line pixels (slightly dilated) painted white, so
// crops for OCR hold only text. Frame: prepared page.
Image erase_lines(const Image& gray, const Image& line_mask) {
  Image text = gray;
  if (line_mask.empty()) return text;
  cv::Mat mask;
  cv::dilate(as_mat(line_mask), mask, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  as_mat(text).setTo(255, mask);
  return text;
}

Image crop(const Image& image, const Rect& box) {
  Rect r = intersect(box, Rect{0, 0, image.width, image.height});
  if (r.empty()) return Image{};
  return to_image(as_mat(image)(cv::Rect(r.x, r.y, r.width, r.height)));
}

// A cell's box shrunk by about 0.3 mm on every side, so that ruling-line
// remnants at the border do not reach OCR.
Rect inner_box(const Rect& box, double dpi) {
  int inset = std::max(1, static_cast<int>(0.3 * dpi / 25.4));
  Rect r{box.x + inset, box.y + inset, box.width - 2 * inset, box.height - 2 * inset};
  return r.empty() ? box : r;
}

// Number of CJK ideographs in UTF-8 text, counted by their lead bytes
// (0xE4..0xE9 start U+4000..U+9FFF).
int cjk_count(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) n += c >= 0xE4 && c <= 0xE9;
  return n;
}

bool looks_numeric(const std::string& text) {
  if (text.empty() || cjk_count(text) > 0) return false;
  int digits = 0;
  for (unsigned char c : text)
    if (std::isdigit(c)) ++digits;
  return digits > 0;
}

// One unit of OCR work: a crop of the line-free page plus how to read it.
// kCell: a table cell. When its glyphs look like digits it is read as a
//   number straight away (kNumberCell); otherwise as text, and when that
//   reading looks like a number, cross-checked as one. kNumberCell: an amount
//   or code cell (from its shape, its first reading or its column header):
//   read by both models unless the number model alone is trusted (see
//   read_number), decided by repair::decide_number. kLine: a caption line.
struct Job {
  enum class Kind { kCell, kNumberCell, kLine };
  Rect box;
  Kind kind;
  repair::ColumnKind column = repair::ColumnKind::kUnknown;
  CellText result;
  std::string raw;              // the chosen reading as OCR produced it
  std::vector<Issue> issues;    // e.g. ocr_disagreement
  std::vector<repair::Reading> readings;  // readings already made (later passes reuse them)
  // Whether the crop holds ink, once mark_number_columns has looked (cells);
  // unknown (caption lines) until run_jobs looks.
  std::optional<bool> blank;
  // The crop and its ink analysis, shared by the shape tests and every
  // reading; made by mark_number_columns (inked cells) or run_jobs, and
  // dropped once the job is done.
  std::optional<ocr::Crop> crop;
  // Set by read_number when a reading begins with "-": whether the crop's
  // first glyph is only a speck, not a minus sign (ocr::begins_with_dash).
  bool speck_before_number = false;
};

// Reading sources, as named in repair::Reading::source and in messages.
constexpr const char* kTextModel = "chi_sim";
constexpr const char* kNumberModel = "eng";

// A number model reading at least this confident, and well formed for its
// column (repair::format_score 1.0: two decimals, or a 3/5/7-digit code), is
// taken without the text model's second opinion. Chosen on the synthetic
// corpus (BENCHMARKS.md): above it, the number model's single readings agreed
// with the full cross-check on every cell measured.
constexpr double kTrustSingleReading = 0.90;

bool has_reading(const Job& job, std::string_view source) {
  return std::any_of(job.readings.begin(), job.readings.end(),
                     [&](const repair::Reading& r) { return r.source == source; });
}

// True when the cell needs no further reading: its only reading is the
// number model's, confident and well formed for the column.
bool trusted_single_reading(const Job& job) {
  if (job.readings.size() != 1 || job.readings[0].source != kNumberModel) return false;
  const repair::Reading& r = job.readings[0];
  const std::string text = repair::normalize_number(r.text);
  return !text.empty() && r.confidence >= kTrustSingleReading && repair::format_score(text, job.column) >= 1.0;
}

// OCR reads a speck before an amount (rough scans) as a minus sign: a
// decided number that begins with "-" where the crop's first glyph is only a
// speck (Job::speck_before_number) loses it, recorded as a stray mark.
void decide(Job& job) {
  const auto& rs = job.readings;
  repair::NumberDecision d = repair::decide_number(rs, job.column);
  if (job.speck_before_number && d.text.starts_with('-')) {
    const std::string signed_text = d.text;
    d.text.erase(0, 1);
    d.issues.push_back({"stray_mark", fmt::format("'{}' begins with a speck read as a minus sign; read as '{}'",
                                                  signed_text, d.text)});
  }
  job.result = CellText{d.text, d.confidence};
  job.issues = std::move(d.issues);
  job.raw = rs.empty() ? "" : rs[0].text;
  for (const auto& r : rs)
    if (repair::normalize_number(r.text) == d.text) {
      job.raw = r.text;
      break;
    }
}

// chi_sim reads ≥ and ≤ before a number (≥95%, ≤200万元) as 之, 乏, 和, 乐,
// 过, 二, 么 or ">>". When a text reading starts with such a token followed
// by a digit and the first glyph's shape names the sign
// (ocr::leading_comparison_sign), the token is replaced. (A sign chi_sim
// drops altogether, ≥2次 -> 2次, is not restored: the shape test takes a 4
// for a <.) chi_sim also reads the % after the sign as 9, g, 0 or
// 9% (≥95% -> 之959, ≥950%): the ink right of the sign is read again by the
// number model, and its reading is taken when it is a percentage whose
// number chi_sim's reading starts with, chi_sim having one or two
// characters more where the % is. job.raw keeps the reading; an Issue gives
// each reason.
void fix_comparison_sign(ocr::Engine& engine, const ocr::Crop& piece, Job& job) {
  static constexpr std::u32string_view kMisreads = U"之乏和乐过二么科系兰立衬=><》《≥≤";
  const std::u32string text = to_u32(job.result.text);
  std::size_t n = 0;
  while (n < text.size() && n < 2 && kMisreads.find(text[n]) != std::u32string_view::npos) ++n;
  if (n == 0 || n >= text.size() || text[n] < U'0' || text[n] > U'9') return;
  int sign_end = 0;
  const char32_t sign = ocr::leading_comparison_sign(piece, &sign_end);
  if (sign == 0) return;
  const std::string before = to_utf8(text.substr(0, n)), after = to_utf8(std::u32string(1, sign));
  std::string rest = to_utf8(text.substr(n));
  if (!(n == 1 && text[0] == sign))
    job.issues.push_back({"glyph_repair", fmt::format("OCR read '{}' before the number; the glyph's shape is '{}'", before, after)});
  static const std::regex percentage(R"(\d+(\.\d+)?%)");
  const Image& pixels = piece.image();
  if (cjk_count(rest) == 0 && sign_end < pixels.width) {
    const Image tail = crop(pixels, Rect{sign_end, 0, pixels.width - sign_end, pixels.height});
    const CellText number = engine.read_once(tail, piece.dpi(), ocr::Hint::kNumber, ocr::Engine::Model::kNumber);
    const std::string core = number.text.empty() ? "" : number.text.substr(0, number.text.size() - 1);
    if (std::regex_match(number.text, percentage) && number.confidence >= 0.8 && rest != number.text &&
        rest.starts_with(core) && rest.size() > core.size() && rest.size() <= core.size() + 2) {
      job.issues.push_back({"number_reread", fmt::format("'{}' after the sign read again by the number model: '{}'",
                                                         rest, number.text)});
      rest = number.text;
    }
  }
  job.result.text = after + rest;
}

// Reads an amount/code cell and decides (see repair::decide_number), making
// only the readings the job does not have yet. The number model reads first;
// the cheap case ends there (trusted_single_reading). Otherwise the text
// model reads too; when the two disagree, two more readings (text model with
// the digit whitelist, number model at 1.3x scale) break the tie. When the
// text model's reading shows the cell is text after all (a one-character
// label shaped like a digit), the job becomes a kCell with that reading.
void read_number(ocr::Engine& engine, const ocr::Crop& piece, Job& job) {
  auto reading = [](const CellText& t, const char* source) {
    return repair::Reading{t.text, t.confidence, source};
  };
  auto& rs = job.readings;
  // A cell sent here by its shape alone (no reading yet) gets one plain
  // number-model reading, not recognize()'s retries: when the shape test
  // was wrong (a label), the retries would all fail and cost four readings.
  if (!has_reading(job, kNumberModel))
    rs.push_back(reading(rs.empty() ? engine.read_once(piece, ocr::Hint::kNumber, ocr::Engine::Model::kNumber)
                                    : engine.recognize(piece, ocr::Hint::kNumber),
                         kNumberModel));
  if (!trusted_single_reading(job) && !has_reading(job, kTextModel)) {
    CellText text = engine.recognize(piece, ocr::Hint::kTextBlock);
    if (!text.text.empty() && !looks_numeric(text.text)) {
      job.kind = Job::Kind::kCell;
      job.readings.clear();
      job.result = text;
      job.raw = text.text;
      fix_comparison_sign(engine, piece, job);
      return;
    }
    rs.push_back(reading(text, kTextModel));
  }
  if (rs.size() == 2 && repair::normalize_number(rs[0].text) != repair::normalize_number(rs[1].text)) {
    rs.push_back(reading(engine.read_once(piece, ocr::Hint::kNumber, ocr::Engine::Model::kText), "chi_sim+digits"));
    rs.push_back(reading(engine.read_once(piece, ocr::Hint::kNumber, ocr::Engine::Model::kNumber, 1.3), "eng@1.3"));
  }
  if (std::any_of(rs.begin(), rs.end(), [](const repair::Reading& r) { return r.text.starts_with('-'); }))
    job.speck_before_number = ocr::begins_with_dash(piece) == false;
  decide(job);
}

// Reads one job's crop (blank crops get an empty, sure result).
void run_job(ocr::Engine& engine, const Image& text_page, double dpi, Job& job) {
  if (job.blank == true) {
    job.result = CellText{"", 1.0};
    return;
  }
  if (!job.crop) job.crop.emplace(crop(text_page, job.box), dpi);
  const ocr::Crop& piece = *job.crop;
  if (!job.blank.has_value() && ocr::is_blank(piece)) {
    job.result = CellText{"", 1.0};
    return;
  }
  if (job.kind == Job::Kind::kLine) {
    job.result = engine.recognize(piece, ocr::Hint::kTextLine);
    job.raw = job.result.text;
    return;
  }
  if (job.kind == Job::Kind::kCell) {
    job.result = engine.recognize(piece, ocr::Hint::kTextBlock);
    job.raw = job.result.text;
    if (!looks_numeric(job.result.text)) {
      fix_comparison_sign(engine, piece, job);
      return;
    }
    job.readings.push_back({job.result.text, job.result.confidence, kTextModel});
    job.kind = Job::Kind::kNumberCell;
  }
  read_number(engine, piece, job);
}

// Runs every job on up to `threads` workers, each leasing one engine for its
// life. The first worker waits for an engine; the others start only on an
// engine that is idle right now (ocr::EnginePool::try_acquire), so that pages
// converted at the same time share the pool's engines without waiting for
// each other.
Result<void> run_jobs(std::vector<Job>& jobs, const Image& text_page, double dpi, ocr::EnginePool& pool,
                      int threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  Error first_error;
  std::mutex error_mutex;
  auto worker = [&](bool first) {
    if (next >= jobs.size()) return;
    auto got = [&]() -> Result<std::optional<ocr::EnginePool::Lease>> {
      if (!first) return pool.try_acquire();
      auto waited = pool.acquire();
      if (!waited) return std::unexpected(waited.error());
      return std::optional<ocr::EnginePool::Lease>(std::move(*waited));
    }();
    if (!got) {
      std::lock_guard lock(error_mutex);
      if (!failed.exchange(true)) first_error = got.error();
      return;
    }
    if (!*got) return;  // no idle engine: the other workers do the jobs
    ocr::EnginePool::Lease& lease = **got;
    for (std::size_t i = next++; i < jobs.size() && !failed; i = next++) {
      run_job(*lease, text_page, dpi, jobs[i]);
      jobs[i].crop.reset();  // the pixels are no longer needed
    }
  };
  int n = std::clamp<int>(threads, 1, std::max<int>(1, static_cast<int>(jobs.size())));
  std::vector<std::jthread> workers;
  for (int t = 0; t < n; ++t) workers.emplace_back(worker, t == 0);
  workers.clear();  // joins
  if (failed) return std::unexpected(first_error);
  return {};
}

// Sends the cells of amount and code columns straight to the number path
// (jobs[i] belongs to grid.cells[i]), judged from glyph shapes before any
// reading: a column counts as numeric when at least two of its cells, and at
// least 40 % of its non-blank cells from the first such cell down, look like
// digits (ocr::looks_like_digits); its non-blank cells from that row down
// become kNumberCell. Column-wise, because a single cell's shape test fails
// often on thin serif digits broken by the scan, while a column of amounts
// always has a few clear ones. A label sent this way is read by the text
// model after all (read_number), at the cost of one extra reading.
void mark_number_columns(const Grid& grid, const Image& text_page, double dpi, std::span<Job> jobs) {
  const int cols = std::max(0, int(grid.col_edges.size()) - 1);
  std::vector<int> first_row(std::size_t(cols), INT32_MAX);
  std::vector<char> digits(jobs.size(), 0);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ocr::Crop& piece = jobs[i].crop.emplace(crop(text_page, jobs[i].box), dpi);
    jobs[i].blank = ocr::is_blank(piece);
    digits[i] = !*jobs[i].blank && ocr::looks_like_digits(piece);
    if (*jobs[i].blank) jobs[i].crop.reset();
    const GridCell& c = grid.cells[i];
    if (digits[i] && c.col_span == 1 && c.col < cols) first_row[std::size_t(c.col)] = std::min(first_row[std::size_t(c.col)], c.row);
  }
  std::vector<int> filled(std::size_t(cols), 0), digit_like(std::size_t(cols), 0);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const GridCell& c = grid.cells[i];
    if (c.col_span != 1 || c.col >= cols || *jobs[i].blank || c.row < first_row[std::size_t(c.col)]) continue;
    ++filled[std::size_t(c.col)];
    digit_like[std::size_t(c.col)] += digits[i];
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const GridCell& c = grid.cells[i];
    if (*jobs[i].blank) continue;
    const bool numeric_column = c.col_span == 1 && c.col < cols && c.row >= first_row[std::size_t(c.col)] &&
                                digit_like[std::size_t(c.col)] >= 2 &&
                                digit_like[std::size_t(c.col)] * 10 >= filled[std::size_t(c.col)] * 4;
    if (digits[i] || numeric_column) jobs[i].kind = Job::Kind::kNumberCell;
  }
}

void write_debug_images(const std::filesystem::path& dir, const std::string& stem, int page_index,
                        const preprocess::PreparedPage& prepared, const grid::Detection& detection) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto base = dir / fmt::format("{}_p{}", stem, page_index + 1);
  cv::imwrite(base.string() + "_1_binary.png", as_mat(prepared.binary));
  if (!detection.line_mask.empty()) cv::imwrite(base.string() + "_2_lines.png", as_mat(detection.line_mask));
  cv::Mat cells;
  cv::cvtColor(as_mat(prepared.gray), cells, cv::COLOR_GRAY2BGR);
  for (const Grid& g : detection.tables) {
    cv::rectangle(cells, cv::Rect(g.bounds.x, g.bounds.y, g.bounds.width, g.bounds.height), {0, 0, 255}, 3);
    for (const GridCell& c : g.cells)
      cv::rectangle(cells, cv::Rect(c.box.x, c.box.y, c.box.width, c.box.height), {0, 160, 0}, 1);
  }
  cv::imwrite(base.string() + "_3_cells.png", cells);
}

}  // namespace

Converter::Converter(Options options)
    : options_(std::move(options)),
      engines_(std::make_unique<ocr::EnginePool>(options_.ocr, resolve_threads(options_.threads))) {
  // Orientation fallback for pages whose layout cues are ambiguous: Tesseract
  // OSD (src/ocr), given the binary page inverted to gray.
  if (!options_.preprocess.orientation_fallback)
    options_.preprocess.orientation_fallback = [dir = options_.ocr.tessdata_dir](const Image& binary, double dpi)
        -> std::optional<preprocess::OrientationVote> {
      Image gray = binary;
      for (auto& p : gray.pixels) p = std::uint8_t(255 - p);
      auto guess = ocr::detect_orientation(gray, dpi, dir);
      if (!guess) return std::nullopt;
      return preprocess::OrientationVote{guess->rotation_degrees, guess->confidence};
    };
}

Converter::~Converter() = default;

Result<PageResult> Converter::convert_page(const PageImage& page, const std::string& stem,
                                           const preprocess::Options& preprocess_options,
                                           const std::filesystem::path& debug_dir, bool* orientation_unsure) {
  auto prepared = preprocess::prepare(page, preprocess_options);
  if (!prepared) return std::unexpected(prepared.error());
  if (orientation_unsure) *orientation_unsure = prepared->orientation_unsure;
  const double dpi = prepared->dpi;

  PageResult result;
  result.page_index = page.page_index;
  result.width = prepared->gray.width;
  result.height = prepared->gray.height;
  result.dpi = dpi;
  result.skew_degrees = prepared->skew_degrees;
  result.rotation_degrees = prepared->rotation_degrees;
  if (prepared->orientation_from_fallback)
    result.notes.push_back(fmt::format("orientation {}° from Tesseract OSD (layout cues ambiguous)", result.rotation_degrees));

  grid::Detection detection = grid::detect(prepared->binary, prepared->gray, dpi, options_.grid);
  if (!debug_dir.empty()) write_debug_images(debug_dir, stem, page.page_index, *prepared, detection);
  if (detection.tables.empty()) {
    result.notes.push_back("no table found on this page");
    return result;
  }

  // Collect every OCR job of the page: cells, then caption lines.
  const Image text_page = erase_lines(prepared->gray, detection.line_mask);
  if (!debug_dir.empty())
    cv::imwrite((debug_dir / fmt::format("{}_p{}_4_text.png", stem, page.page_index + 1)).string(),
                as_mat(text_page));
  std::vector<Job> jobs;
  std::vector<std::size_t> cell_start;
  for (const Grid& g : detection.tables) {
    cell_start.push_back(jobs.size());
    for (const GridCell& c : g.cells) jobs.push_back(Job{inner_box(c.box, dpi), Job::Kind::kCell});
    mark_number_columns(g, text_page, dpi, std::span(jobs).subspan(cell_start.back()));
  }
  auto regions = structure::caption_regions(detection.tables, result.width, result.height, dpi);
  struct LineRef {
    std::size_t table, job;
    bool above;
  };
  std::vector<LineRef> line_refs;
  const int pad = std::max(2, static_cast<int>(0.8 * dpi / 25.4));
  for (std::size_t t = 0; t < regions.size(); ++t) {
    for (bool above : {true, false}) {
      const Rect& region = above ? regions[t].above : regions[t].below;
      for (const Rect& seg : structure::find_text_segments(prepared->binary, detection.line_mask, region, dpi)) {
        Rect padded{seg.x - pad, seg.y - pad, seg.width + 2 * pad, seg.height + 2 * pad};
        line_refs.push_back({t, jobs.size(), above});
        jobs.push_back(Job{padded, Job::Kind::kLine});
      }
    }
  }
  if (auto ok = run_jobs(jobs, text_page, dpi, *engines_, resolve_threads(options_.threads)); !ok)
    return std::unexpected(ok.error());

  // Pass 2: cells in amount/code columns (known from the assembled header)
  // whose first reading did not look like a number get the number cross-check.
  auto build = [&](std::size_t t) {
    const Grid& g = detection.tables[t];
    std::vector<CellText> texts;
    for (std::size_t i = 0; i < g.cells.size(); ++i) texts.push_back(jobs[cell_start[t] + i].result);
    return structure::assemble(g, texts, page.page_index);
  };
  std::vector<std::size_t> second;
  for (std::size_t t = 0; t < detection.tables.size(); ++t) {
    const Table draft = build(t);
    const std::vector<repair::ColumnKind> kinds = repair::column_kinds(draft);
    const std::vector<GridCell>& cells = detection.tables[t].cells;
    int first_number_row = draft.rows;
    std::vector<int> number_cells(std::size_t(std::max(0, draft.cols)), 0);  // per column
    // Per row: cells read as a one- or two-digit integer (a numbering row:
    // 栏次 1, 2, 3 … under the header).
    std::vector<int> small_integers(std::size_t(std::max(0, draft.rows)), 0);
    static const std::regex small_integer(R"(\d{1,2})");
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (jobs[cell_start[t] + i].kind == Job::Kind::kNumberCell) {
        first_number_row = std::min(first_number_row, cells[i].row);
        if (cells[i].col < draft.cols) ++number_cells[std::size_t(cells[i].col)];
      }
      if (cells[i].row < draft.rows && std::regex_match(jobs[cell_start[t] + i].result.text, small_integer))
        ++small_integers[std::size_t(cells[i].row)];
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      Job& job = jobs[cell_start[t] + i];
      // A numbering row (three or more cells of the row read as small
      // integers: 栏次 1 2 3 … under the header) holds integers whatever its
      // columns' headers say, so an amount column's format does not apply
      // there ("2," is a numbering "2" with a speck, not a cut-off amount).
      const bool numbering_row = cells[i].row < draft.rows && small_integers[std::size_t(cells[i].row)] >= 3;
      const auto kind = numbering_row ? repair::ColumnKind::kUnknown
                        : cells[i].col < int(kinds.size()) ? kinds[std::size_t(cells[i].col)]
                                                           : repair::ColumnKind::kUnknown;
      job.column = kind;
      const bool number_column = kind == repair::ColumnKind::kAmount || kind == repair::ColumnKind::kCode;
      if (job.kind == Job::Kind::kNumberCell) {
        // Re-decide with the column's format now that it is known; a single
        // reading that is no longer trusted gets the cross-check.
        if (number_column) decide(job);
        if (job.readings.size() == 1 && !trusted_single_reading(job)) second.push_back(cell_start[t] + i);
        continue;
      }
      // A reading with two or more CJK characters, or one read with some
      // confidence (12次), is text, whatever the header says.
      const int cjk = cjk_count(job.result.text);
      // chi_sim's readings of a lone digit (了 for 7; ] 工 下 for 1; 〇 for 0),
      // below the header in a column where other cells are digits (序号 1, 2,
      // 3 …), or in a numbering row (three or more cells of the row read as
      // small integers), get the cross-check too, whatever the column's header;
      // so does a wrapped number whose last digit was misread alone on its
      // line (repair::digit_lines_with_misread_line).
      const bool below_header = cells[i].row > first_number_row;
      const bool digit_column = cells[i].col < draft.cols && number_cells[std::size_t(cells[i].col)] >= 2;
      const bool lone_digit_misread = (((digit_column && below_header) || numbering_row) &&
                                       repair::is_lone_digit_misread(job.result.text)) ||
                                      repair::digit_lines_with_misread_line(job.result.text);
      const bool number_reading = number_column && below_header && (cjk == 0 || (cjk == 1 && job.result.confidence < 0.75));
      if ((number_reading || lone_digit_misread) && !job.result.text.empty()) {
        job.readings.push_back({job.result.text, job.result.confidence, kTextModel});
        job.kind = Job::Kind::kNumberCell;
        second.push_back(cell_start[t] + i);
      }
    }
  }
  if (!second.empty()) {
    std::vector<Job> again;
    for (std::size_t k : second) again.push_back(std::move(jobs[k]));  // moved back below
    if (auto ok = run_jobs(again, text_page, dpi, *engines_, resolve_threads(options_.threads)); !ok)
      return std::unexpected(ok.error());
    for (std::size_t k = 0; k < second.size(); ++k) jobs[second[k]] = std::move(again[k]);
  }

  const repair::Lexicon& lexicon = repair::Lexicon::builtin();
  for (std::size_t t = 0; t < detection.tables.size(); ++t) {
    Table table = build(t);
    // Carry each cell's raw reading and OCR findings over (grid cells and
    // table cells are matched by lattice position).
    const std::vector<GridCell>& cells = detection.tables[t].cells;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      Job& job = jobs[cell_start[t] + i];
      for (Cell& c : table.cells)
        if (c.row == cells[i].row && c.col == cells[i].col) {
          c.ocr_text = job.raw;
          c.issues.insert(c.issues.end(), job.issues.begin(), job.issues.end());
        }
    }
    std::vector<structure::TextLine> above, below;
    for (const LineRef& ref : line_refs)
      if (ref.table == t)
        (ref.above ? above : below).push_back({jobs[ref.job].box, structure::join_cell_lines(jobs[ref.job].result.text)});
    structure::apply_captions(table, above, below);
    repair::repair_table(table, lexicon, options_.repair);
    result.tables.push_back(std::move(table));
  }
  return result;
}

namespace {

// Mean OCR confidence over the non-empty cells of a page's tables, or
// nullopt when no cell has text. Upright Chinese reads at ~0.85 or more;
// the same page upside down at well under 0.5.
std::optional<double> reading_confidence(const PageResult& page) {
  double sum = 0;
  int n = 0;
  for (const Table& table : page.tables)
    for (const Cell& cell : table.cells)
      if (!cell.ocr_text.empty()) {
        sum += cell.confidence;
        ++n;
      }
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace

// The page-level orientation cues cannot always tell a page from its 180°
// turn (or 90° from 270°) when it has few digits. Tesseract is the judge of
// last resort (the role OSD plays elsewhere): when the cells of a page read
// with a mean confidence under kUpsideDownSuspect, the page is read again
// turned by a further 180°, and the more confident reading is kept, with a
// page note saying so. Costs nothing on pages that read well.
Result<PageResult> Converter::convert_page_upright(const PageImage& page, const std::string& stem) {
  constexpr double kUpsideDownSuspect = 0.6;
  // Up/down left open by the page cues is settled by the cells' reading
  // confidence below; the orientation oracle (OSD) is asked about it only
  // for a page without cells to judge by.
  preprocess::Options cues_first = options_.preprocess;
  cues_first.fallback_for_upside_down = false;
  bool unsure = false;
  const std::filesystem::path& debug_dir = options_.debug_dir;
  auto first = convert_page(page, stem, cues_first, debug_dir, &unsure);
  if (!first || !options_.preprocess.fix_orientation) return first;
  auto confidence = reading_confidence(*first);
  if (!confidence) {
    if (!unsure || !options_.preprocess.orientation_fallback || !options_.preprocess.fallback_for_upside_down)
      return first;
    auto asked = convert_page(page, stem, options_.preprocess, debug_dir);
    return asked ? asked : first;
  }
  if (*confidence >= kUpsideDownSuspect) return first;

  const int turn = (first->rotation_degrees + 180) % 360;
  PageImage turned{preprocess::rotate_quadrant(page.image, turn), page.dpi, page.page_index};
  preprocess::Options fixed = options_.preprocess;
  fixed.fix_orientation = false;
  // The turned attempt's pictures wait in a folder of their own and replace
  // the first attempt's only when the turned reading wins.
  const std::filesystem::path turned_dir =
      debug_dir.empty() ? debug_dir : debug_dir / fmt::format(".{}_p{}_turned", stem, page.page_index + 1);
  auto second = convert_page(turned, stem, fixed, turned_dir);
  auto second_confidence = second ? reading_confidence(*second) : std::nullopt;
  const bool second_wins = second_confidence && *second_confidence > *confidence;
  if (!turned_dir.empty()) {
    std::error_code ec;
    if (second_wins)
      for (const auto& entry : std::filesystem::directory_iterator(turned_dir, ec))
        std::filesystem::rename(entry.path(), debug_dir / entry.path().filename(), ec);
    std::filesystem::remove_all(turned_dir, ec);
  }
  if (!second_wins) return first;
  second->rotation_degrees = turn;
  second->notes.push_back(fmt::format(
      "orientation corrected by OCR confidence: {:.2f} when turned {}° against {:.2f} when turned {}°",
      *second_confidence, turn, *confidence, first->rotation_degrees));
  return second;
}

namespace {

// One input of convert_all while its pages are in flight.
struct InFlight {
  std::size_t index = 0;                      // into convert_all's inputs
  std::unique_ptr<raster::Document> source;   // rendering is not thread-safe: render_mutex
  std::mutex render_mutex;
  DocumentResult result;
  std::vector<std::optional<Result<PageResult>>> pages;  // by page index, filled as pages finish
  int remaining = 0;                          // pages not finished yet (guarded by the batch mutex)
  bool delivered = false;                     // on_done called (guarded by the batch mutex)
};

// The document from its pages, in page order: a page that failed alone
// becomes a page note and a document issue. (A page that failed for missing
// language data has failed its document already: see convert_all.)
DocumentResult finish_document(InFlight& doc) {
  DocumentResult& result = doc.result;
  for (std::size_t i = 0; i < doc.pages.size(); ++i) {
    Result<PageResult>& page = *doc.pages[i];
    if (page) {
      result.pages.push_back(std::move(*page));
      continue;
    }
    PageResult failed;
    failed.page_index = int(i);
    std::string message =
        fmt::format("page {}: {} ({})", i + 1, page.error().message, to_string(page.error().code));
    failed.notes.push_back(message);
    result.issues.push_back(Issue{"page_failed", message});
    result.pages.push_back(std::move(failed));
  }
  structure::stitch_continued_tables(result.pages);
  repair::vote_document(result);
  return std::move(result);
}

}  // namespace

Result<PageResult> Converter::convert_one_page(raster::Document& source, std::mutex& render_mutex, int index,
                                               const std::string& stem) {
  try {
    Result<PageImage> page = [&] {
      std::lock_guard lock(render_mutex);
      return source.render_page(index);
    }();
    if (!page) return std::unexpected(page.error());
    return convert_page_upright(*page, stem);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, e.what());
  }
}

void Converter::convert_all(const std::vector<std::filesystem::path>& inputs, const DocumentDone& on_done) {
  std::mutex batch_mutex;     // guards the fields below and InFlight::remaining
  std::size_t next_input = 0;
  std::shared_ptr<InFlight> current;  // the document whose pages are being handed out
  int next_page = 0;
  bool stop = false;          // language data missing: start nothing more
  std::mutex done_mutex;      // one on_done call at a time

  auto deliver = [&](std::size_t index, Result<DocumentResult> result) {
    std::lock_guard lock(done_mutex);
    on_done(index, std::move(result));
  };
  struct Task {
    std::shared_ptr<InFlight> doc;
    int page = -1;
  };
  // The next page to convert (no document: nothing left), opening documents
  // as needed; an input that cannot be opened, or has no pages, is
  // delivered at once.
  auto take = [&]() -> Task {
    std::unique_lock lock(batch_mutex);
    while (!stop) {
      if (current && next_page < int(current->pages.size())) return {current, next_page++};
      current.reset();
      if (next_input >= inputs.size()) break;
      auto doc = std::make_shared<InFlight>();
      doc->index = next_input++;
      const std::filesystem::path& input = inputs[doc->index];
      auto source = raster::open(input, options_.raster);
      if (!source) {
        lock.unlock();
        deliver(doc->index, std::unexpected(source.error()));
        lock.lock();
        continue;
      }
      doc->source = std::move(*source);
      doc->result.source = input.string();
      doc->result.name = input.stem().string();
      doc->pages.resize(std::size_t(std::max(0, doc->source->page_count())));
      doc->remaining = int(doc->pages.size());
      if (doc->pages.empty()) {
        lock.unlock();
        deliver(doc->index, finish_document(*doc));
        lock.lock();
        continue;
      }
      current = std::move(doc);
      next_page = 0;
    }
    return {};
  };
  auto worker = [&] {
    for (Task task = take(); task.doc; task = take()) {
      InFlight& doc = *task.doc;
      Result<PageResult> page = convert_one_page(*doc.source, doc.render_mutex, task.page, doc.result.name);
      // Missing language data: this document fails now (its other pages
      // would fail alike), and nothing more is started.
      std::optional<Error> fatal;
      if (!page && page.error().code == ErrorCode::kMissingDependency) fatal = page.error();
      bool finish = false, fail_now = false;
      {
        std::lock_guard lock(batch_mutex);
        doc.pages[std::size_t(task.page)] = std::move(page);
        const bool last = --doc.remaining == 0;
        if (fatal) stop = true;
        if (!doc.delivered && (last || fatal)) {
          doc.delivered = true;
          (fatal ? fail_now : finish) = true;
        }
      }
      if (fail_now) deliver(doc.index, std::unexpected(*fatal));
      if (finish) {
        doc.source.reset();
        deliver(doc.index, finish_document(doc));
      }
    }
  };
  const int n = resolve_threads(options_.threads);
  std::vector<std::jthread> workers;
  for (int t = 1; t < n; ++t) workers.emplace_back(worker);
  worker();
  workers.clear();  // joins
}

Result<DocumentResult> Converter::convert(const std::filesystem::path& input) {
  std::optional<Result<DocumentResult>> out;
  convert_all({input}, [&](std::size_t, Result<DocumentResult> result) { out = std::move(result); });
  if (!out) return fail(ErrorCode::kInternal, "convert: no result for " + input.string());
  return std::move(*out);
}

}  // namespace scantab::pipeline
