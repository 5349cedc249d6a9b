// grid: partially ruled and unruled tables. See text_columns.hpp for the
// model; every length below is derived from the dpi (millimetres) or from the
// page's median text-line height (TextScale), never fixed pixels.
#include "grid/text_columns.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "grid/gray_evidence.hpp"
#include "grid/lattice.hpp"

namespace scantab::grid::detail {

std::vector<Interval> column_gaps(const std::vector<TextRow>& rows, Interval span, int min_gap, int allowance) {
  const int n = span.hi - span.lo + 1;
  if (n <= 0) return {};
  std::vector<int> diff(std::size_t(n) + 1, 0);
  int first = INT_MAX, last = INT_MIN;
  std::vector<Interval> local;  // every block, clipped, in span coordinates
  for (const TextRow& row : rows)
    for (const Interval& b : row.blocks) {
      const int lo = std::max(b.lo, span.lo) - span.lo, hi = std::min(b.hi, span.hi) - span.lo;
      if (lo > hi) continue;
      ++diff[std::size_t(lo)];
      --diff[std::size_t(hi) + 1];
      first = std::min(first, lo);
      last = std::max(last, hi);
      local.push_back({lo, hi});
    }
  if (first >= last) return {};
  std::vector<Interval> runs;
  int count = 0, start = -1;
  for (int x = 0; x < n; ++x) {
    count += diff[std::size_t(x)];
    const bool gap = x > first && x < last && count <= allowance;
    if (gap && start < 0) start = x;
    if (!gap && start >= 0) {
      runs.push_back({start, x - 1});
      start = -1;
    }
  }
  std::vector<Interval> out;
  for (Interval run : runs) {
    // A block reaching into the run from one side only (a long label in a
    // column of short ones) is no spanning cell: the gap ends where it ends.
    for (bool changed = true; changed && run.lo <= run.hi;) {
      changed = false;
      for (const Interval& b : local) {
        if (b.hi < run.lo || b.lo > run.hi || (b.lo < run.lo && b.hi > run.hi)) continue;  // apart, or across
        if (b.lo < run.lo) {
          run.lo = b.hi + 1;
          changed = true;
        } else if (b.hi > run.hi) {
          run.hi = b.lo - 1;
          changed = true;
        }
      }
    }
    if (run.width() < min_gap) continue;
    // A gap separates columns: some block lies wholly on each side of it
    // (not so the margin beside a column that one row's block overhangs).
    const bool left = std::any_of(local.begin(), local.end(), [&](const Interval& b) { return b.hi < run.lo; });
    const bool right = std::any_of(local.begin(), local.end(), [&](const Interval& b) { return b.lo > run.hi; });
    if (!left || !right) continue;
    // Blocks lying wholly inside the run: a column with ink in a few rows only.
    std::vector<Interval> inner;
    for (const Interval& b : local)
      if (b.lo >= run.lo && b.hi <= run.hi) inner.push_back(b);
    std::sort(inner.begin(), inner.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> merged;
    for (const Interval& b : inner) {
      if (!merged.empty() && b.lo <= merged.back().hi + min_gap)
        merged.back().hi = std::max(merged.back().hi, b.hi);
      else
        merged.push_back(b);
    }
    int cursor = run.lo;
    for (const Interval& b : merged) {
      if (b.lo - cursor >= min_gap) out.push_back({cursor + span.lo, b.lo - 1 + span.lo});
      cursor = b.hi + 1;
    }
    if (run.hi - cursor + 1 >= min_gap) out.push_back({cursor + span.lo, run.hi + span.lo});
  }
  return out;
}

std::vector<TextRow> text_rows(const std::vector<cv::Rect>& glyphs, const cv::Rect& region, const TextScale& s) {
  std::vector<cv::Rect> inside;
  for (const cv::Rect& g : glyphs) {
    const cv::Point c(g.x + g.width / 2, g.y + g.height / 2);
    if (region.contains(c)) inside.push_back(g);
  }
  if (inside.empty()) return {};
  // Vertical projection of the boxes (clipped to the region) -> lines.
  const int y0 = region.y, n = region.height;
  std::vector<int> diff(std::size_t(n) + 1, 0);
  for (const cv::Rect& g : inside) {
    const int lo = std::max(g.y, y0) - y0, hi = std::min(g.y + g.height - 1, y0 + n - 1) - y0;
    ++diff[std::size_t(lo)];
    --diff[std::size_t(hi) + 1];
  }
  std::vector<Interval> lines;
  int count = 0, start = -1;
  for (int y = 0; y <= n; ++y) {
    count += y < n ? diff[std::size_t(y)] : 0;
    const bool ink = y < n && count > 0;
    if (ink && start < 0) start = y;
    if (!ink && start >= 0) {
      lines.push_back({start + y0, y - 1 + y0});
      start = -1;
    }
  }
  // Lines closer than row_gap are one row (the lines of a wrapped cell).
  std::vector<TextRow> rows;
  for (const Interval& line : lines) {
    if (!rows.empty() && line.lo - rows.back().y.hi - 1 < s.row_gap)
      rows.back().y.hi = line.hi;
    else
      rows.push_back(TextRow{line, {}});
  }
  // Blocks: each box goes to the row holding its centre.
  struct Box {
    Interval x;
    bool speck;
  };
  std::vector<std::vector<Box>> boxes(rows.size());
  for (const cv::Rect& g : inside) {
    const int cy = g.y + g.height / 2;
    auto it = std::lower_bound(rows.begin(), rows.end(), cy, [](const TextRow& r, int y) { return r.y.hi < y; });
    if (it == rows.end() || it->y.lo > cy) continue;
    boxes[std::size_t(it - rows.begin())].push_back(
        Box{{std::max(g.x, region.x), std::min(g.x + g.width - 1, region.x + region.width - 1)},
            std::max(g.width, g.height) < s.speck});
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto& b = boxes[r];
    std::sort(b.begin(), b.end(), [](const Box& a, const Box& c) { return a.x.lo < c.x.lo; });
    // reach: the run's extent over all its boxes (for joining); block: over its larger ones.
    std::optional<Interval> reach, block;
    auto flush = [&] {
      if (block) rows[r].blocks.push_back(*block);
      reach.reset();
      block.reset();
    };
    for (const Box& g : b) {
      if (reach && g.x.lo - reach->hi - 1 >= s.word_gap) flush();
      reach = reach ? Interval{reach->lo, std::max(reach->hi, g.x.hi)} : g.x;
      if (!g.speck) block = block ? Interval{block->lo, std::max(block->hi, g.x.hi)} : g.x;
    }
    flush();
  }
  std::erase_if(rows, [](const TextRow& r) { return r.blocks.empty(); });
  return rows;
}

// Column spans shown by centring alone: see text_columns.hpp.
std::vector<std::pair<int, int>> centred_spans(const TextRow& row, const std::vector<Edge>& cols, int tol,
                                               const std::vector<ColumnAlignment>& align) {
  const int n = int(cols.size()) - 1;
  // Per column: the union of the blocks lying inside it (a label may be
  // several blocks), and whether a block crosses one of its edges.
  std::vector<Interval> inside(std::size_t(n), Interval{1, 0});
  std::vector<char> crossed(std::size_t(n), 0);
  for (const Interval& blk : row.blocks)
    for (int c = 0; c < n; ++c) {
      const int x0 = cols[std::size_t(c)].pos, x1 = cols[std::size_t(c) + 1].pos;
      if (blk.hi <= x0 || blk.lo >= x1) continue;
      if (blk.lo >= x0 && blk.hi <= x1) {  // touching an edge is not crossing it
        Interval& in = inside[std::size_t(c)];
        in = in.lo > in.hi ? blk : Interval{std::min(in.lo, blk.lo), std::max(in.hi, blk.hi)};
      } else {
        crossed[std::size_t(c)] = 1;
      }
    }
  auto empty = [&](int c) { return inside[std::size_t(c)].lo > inside[std::size_t(c)].hi && !crossed[std::size_t(c)]; };
  auto mid = [&](int a, int b) { return (cols[std::size_t(a)].pos + cols[std::size_t(b) + 1].pos) / 2.0; };
  std::vector<std::pair<int, int>> out;
  for (int c = 0; c < n; ++c) {
    if (empty(c) || crossed[std::size_t(c)]) continue;
    const Interval& in = inside[std::size_t(c)];
    const double centre = (in.lo + in.hi) / 2.0;
    // Centred in its own column (see the header): in a sparse row the
    // widest symmetric run of empty neighbours whose centre also fits.
    // "Centred" allows 15 % of the column's width there (a rough scan's
    // speck moved a gap-derived edge by 1 mm: a header over 3 columns was
    // then neither within tol of its column's centre nor clearly closer to
    // the span's).
    const double own = std::abs(centre - mid(c, c));
    const int filled = int(std::count_if(inside.begin(), inside.end(), [](const Interval& i) { return i.lo <= i.hi; }));
    const bool sparse = 2 * (n - filled) > n;
    const double own_width = cols[std::size_t(c) + 1].pos - cols[std::size_t(c)].pos;
    if (own <= tol || (sparse && own <= 0.15 * own_width)) {
      std::pair<int, int> best{-1, -1};
      for (int k = 1; sparse && c - k >= 0 && c + k < n && empty(c - k) && empty(c + k); ++k)
        if (std::abs(centre - mid(c - k, c + k)) <=
            std::max<double>(tol, 0.15 * (cols[std::size_t(c + k) + 1].pos - cols[std::size_t(c - k)].pos)))
          best = {c - k, c + k};
      if (best.first >= 0) {
        out.push_back(best);
        continue;
      }
      if (own <= tol) continue;
    }
    if (!align.empty()) {  // content aligned like its column's (a short right-aligned amount) spans nothing
      const ColumnAlignment& a = align[std::size_t(c)];
      if ((a.left && std::abs(in.lo - *a.left) <= tol) || (a.right && std::abs(in.hi - *a.right) <= tol)) continue;
    }
    // Gap-derived edges are uncertain by a few mm: allow 15 % of the span's
    // width, but the span's centre must fit clearly better than the column's.
    auto near_centre = [&](int a, int b) {
      const double d = std::abs(centre - mid(a, b));
      const double width = cols[std::size_t(b) + 1].pos - cols[std::size_t(a)].pos;
      return d <= std::max<double>(tol, 0.15 * width) && d < std::abs(centre - mid(c, c)) - tol;
    };
    int lo = c, hi = c;
    while (lo > 0 && empty(lo - 1)) --lo;
    while (hi + 1 < n && empty(hi + 1)) ++hi;
    std::pair<int, int> best{-1, -1};
    for (int a = lo; a <= c; ++a)
      for (int b = c; b <= hi; ++b)
        if (b > a && near_centre(a, b) && (best.first < 0 || b - a > best.second - best.first)) best = {a, b};
    if (best.first >= 0) out.push_back(best);
  }
  return out;
}

namespace {

int median(std::vector<int> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Glyph boxes of the text: connected components of `text`, without specks
// (under 0.3 mm both ways), blobs taller than 12 mm and thin vertical strokes
// taller than 8 mm (stray rules). (0.6 mm helps on rough scans but drops the
// dots of a fullwidth colon, which moved a caption's blocks into a new column
// on clean pages: whitespace_expenditure TEDS-S 1.0 -> 0.79.)
std::vector<cv::Rect> glyph_boxes(const cv::Mat& text, double px_per_mm) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(text, labels, stats, centroids, 8, CV_32S);
  std::vector<cv::Rect> out;
  const int speck = std::max(2, int(std::lround(0.3 * px_per_mm)));
  for (int l = 1; l < n; ++l) {
    const cv::Rect r(stats.at<int>(l, cv::CC_STAT_LEFT), stats.at<int>(l, cv::CC_STAT_TOP),
                     stats.at<int>(l, cv::CC_STAT_WIDTH), stats.at<int>(l, cv::CC_STAT_HEIGHT));
    if (std::max(r.width, r.height) < speck) continue;
    if (r.height > 12 * px_per_mm) continue;
    if (r.height > 8 * px_per_mm && r.width < 0.8 * px_per_mm) continue;
    out.push_back(r);
  }
  return out;
}

// The boxes at least 1 mm tall or wide: glyphs and parts of glyphs, without
// the specks of a rough scan, which would join the text lines of the vertical
// projection into one (text_scale).
std::vector<cv::Rect> glyph_sized(const std::vector<cv::Rect>& boxes, double px_per_mm) {
  std::vector<cv::Rect> out;
  for (const cv::Rect& r : boxes)
    if (std::max(r.width, r.height) >= px_per_mm) out.push_back(r);
  return out;
}

// `boxes` without specks: a box under s.speck both ways is kept
// only when a larger box lies beside it on its line (its vertical centre
// within that box's rows, at most s.word_gap apart along x): a decimal point,
// the dots of a fullwidth colon, a dot stroke of 冫 stay; the speckle of a
// rough scan in a column gap or between text lines goes. Needs s.word_gap and
// s.speck (text_scale of the larger boxes).
std::vector<cv::Rect> without_isolated_specks(std::vector<cv::Rect> boxes, const TextScale& s) {
  auto is_small = [&](const cv::Rect& r) { return std::max(r.width, r.height) < s.speck; };
  std::vector<cv::Rect> large;
  for (const cv::Rect& r : boxes)
    if (!is_small(r)) large.push_back(r);
  std::sort(large.begin(), large.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  int widest = 0;
  for (const cv::Rect& r : large) widest = std::max(widest, r.width);
  auto beside_text = [&](const cv::Rect& sp) {
    const int cy = sp.y + sp.height / 2;
    // Candidates start at most widest + word_gap left of the speck.
    auto it = std::lower_bound(large.begin(), large.end(), sp.x - s.word_gap - widest,
                               [](const cv::Rect& r, int x) { return r.x < x; });
    for (; it != large.end() && it->x <= sp.x + sp.width + s.word_gap; ++it) {
      if (cy < it->y || cy >= it->y + it->height) continue;
      const int dx = std::max({0, it->x - (sp.x + sp.width), sp.x - (it->x + it->width)});
      if (dx <= s.word_gap) return true;
    }
    return false;
  };
  std::erase_if(boxes, [&](const cv::Rect& r) { return is_small(r) && !beside_text(r); });
  return boxes;
}

// Median ink height of the page's text lines (vertical projection of all
// glyph boxes), among runs 1.5..15 mm tall; 3.5 mm (10.5 pt CJK) if none.
TextScale text_scale(const std::vector<cv::Rect>& glyphs, int page_height, double px_per_mm) {
  std::vector<int> diff(std::size_t(page_height) + 1, 0);
  for (const cv::Rect& g : glyphs) {
    ++diff[std::size_t(std::max(0, g.y))];
    --diff[std::size_t(std::min(page_height, g.y + g.height))];
  }
  std::vector<int> heights;
  int count = 0, start = -1;
  for (int y = 0; y <= page_height; ++y) {
    count += y < page_height ? diff[std::size_t(y)] : 0;
    const bool ink = y < page_height && count > 0;
    if (ink && start < 0) start = y;
    if (!ink && start >= 0) {
      const int h = y - start;
      if (h >= 1.5 * px_per_mm && h <= 15 * px_per_mm) heights.push_back(h);
      start = -1;
    }
  }
  TextScale s;
  s.px_per_mm = px_per_mm;
  s.line_height = heights.empty() ? int(std::lround(3.5 * px_per_mm)) : median(heights);
  s.word_gap = std::max(2, int(std::lround(0.45 * s.line_height)));
  s.row_gap = std::max(1, int(std::lround(0.5 * s.line_height)));
  s.speck = std::max(2, int(std::lround(0.3 * s.line_height)));
  return s;
}

// The edge a column's blocks share, per side, when at least half of them
// (and at least 3) lie within `tol` of the median: left-aligned labels,
// right-aligned amounts. Pixels.
std::vector<ColumnAlignment> column_alignment(const std::vector<const TextRow*>& rows, const std::vector<Edge>& cols,
                                              int tol) {
  std::vector<ColumnAlignment> out(cols.size() - 1);
  for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
    std::vector<int> lefts, rights;
    for (const TextRow* r : rows)
      if (r)
        for (const Interval& b : r->blocks)
          if (b.lo > cols[c].pos && b.hi < cols[c + 1].pos) {
            lefts.push_back(b.lo);
            rights.push_back(b.hi);
          }
    auto shared = [&](std::vector<int> v) -> std::optional<int> {
      if (v.size() < 3) return std::nullopt;
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      const int m = v[v.size() / 2];
      const auto near = std::count_if(v.begin(), v.end(), [&](int x) { return std::abs(x - m) <= tol; });
      return 2 * near >= long(v.size()) ? std::optional<int>(m) : std::nullopt;
    };
    out[c] = {shared(lefts), shared(rights)};
  }
  return out;
}

// The gray page of a partial table's page, for rule stretches that faded out
// of the binary (Options::gray_min_dark_fraction, as for ruled grids in
// grid.cpp). Empty `gray`: none.
struct GrayRules {
  cv::Mat gray;  // CV_8U, 0 = black ink, 255 = paper
  cv::Mat text;  // glyph ink set aside (the text image, grown by settings.grow)
  GraySettings settings;
  bool on() const { return !gray.empty() && settings.on(); }
};

GrayRules gray_rules(const cv::Mat& gray, const cv::Mat& text, double px_per_mm, const Options& o) {
  GrayRules g;
  if (gray.empty()) return g;
  g.gray = gray;
  g.settings = gray_settings(px_per_mm, o);
  const int grow = g.settings.grow;
  cv::dilate(text, g.text, cv::getStructuringElement(cv::MORPH_RECT, {2 * grow + 1, 2 * grow + 1}));
  return g;
}

// Rule stretches the rule mask leaves absent (coverage below `present`) that
// show on the gray page (dark_fraction at least g.settings.min_fraction over the
// stretch between its column edges, ends skipped) are made present: a rough
// scan's faded rule binarizes into dashes or vanishes, and would join the
// cells above and below it. Only rule edges (`rule_edge`) are judged.
void confirm_faded_rules(const GrayRules& g, const std::vector<Edge>& rows, const std::vector<bool>& rule_edge,
                         const std::vector<Edge>& cols, double present, std::vector<std::vector<double>>& cov_h) {
  if (!g.on()) return;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rule_edge[i]) continue;
    for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
      if (cov_h[i][c] >= present) continue;
      const GraySettings& k = g.settings;
      const SegmentWindow w = k.window(true, rows[i].lo, rows[i].hi, cols[c].pos + k.margin, cols[c + 1].pos - k.margin);
      const std::optional<double> dark = dark_fraction(g.gray, g.text, w, k.dark_levels, k.min_used);
      if (dark && *dark >= k.min_fraction) cov_h[i][c] = present;
    }
  }
}

// Builds a grid from row edges (with, per lattice row, its text row or null),
// column edges and the horizontal rule mask (for rowSpan: a rule edge whose
// stretch over a column is missing joins the cells above and below; text
// edges never join). `rule_edge[i]` says whether row edge i is a drawn rule.
Grid build_grid(const std::vector<Edge>& rows, const std::vector<bool>& rule_edge,
                const std::vector<const TextRow*>& row_text, const std::vector<Edge>& cols,
                const cv::Mat& h_rules, const GrayRules& gray, int tol, int centre_tol, const char* kind) {
  Coverage cov;
  const int n_rows = int(rows.size()) - 1, n_cols = int(cols.size()) - 1;
  cov.h.assign(rows.size(), std::vector<double>(std::size_t(n_cols), 1.0));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rule_edge[i]) continue;
    const int a0 = std::max(0, rows[i].lo - tol), a1 = std::min(h_rules.rows - 1, rows[i].hi + tol);
    cv::Mat profile;
    cv::reduce(h_rules.rowRange(a0, a1 + 1), profile, 0, cv::REDUCE_MAX);
    for (int c = 0; c < n_cols; ++c) {
      const int x0 = std::max(0, cols[std::size_t(c)].pos + tol), x1 = std::min(h_rules.cols - 1, cols[std::size_t(c) + 1].pos - tol);
      if (x1 < x0) continue;
      cov.h[i][std::size_t(c)] = double(cv::countNonZero(profile.colRange(x0, x1 + 1))) / (x1 - x0 + 1);
    }
  }
  constexpr double kPresent = 0.6;  // merge_cells threshold below
  confirm_faded_rules(gray, rows, rule_edge, cols, kPresent, cov.h);
  cov.v.assign(cols.size(), std::vector<double>(std::size_t(n_rows), 1.0));
  const std::vector<ColumnAlignment> align = column_alignment(row_text, cols, centre_tol);
  for (int r = 0; r < n_rows; ++r) {
    const TextRow* t = row_text[std::size_t(r)];
    if (!t) continue;
    for (int j = 1; j < n_cols; ++j) {  // a block across a column edge
      const int x = cols[std::size_t(j)].pos;
      for (const Interval& b : t->blocks)
        if (b.lo <= x && b.hi >= x) cov.v[std::size_t(j)][std::size_t(r)] = 0.0;
    }
    for (const auto& [a, b] : centred_spans(*t, cols, centre_tol, align))
      for (int j = a + 1; j <= b; ++j) cov.v[std::size_t(j)][std::size_t(r)] = 0.0;
  }
  Grid g;
  g.kind = kind;
  g.bounds = Rect{cols.front().lo, rows.front().lo, cols.back().hi - cols.front().lo + 1,
                  rows.back().hi - rows.front().lo + 1};
  for (const Edge& e : rows) g.row_edges.push_back(e.pos);
  for (const Edge& e : cols) g.col_edges.push_back(e.pos);
  for (GridCell c : merge_cells(cov, kPresent)) {
    const int x0 = cols[std::size_t(c.col)].hi + 1, x1 = cols[std::size_t(c.col + c.col_span)].lo;
    const int y0 = rows[std::size_t(c.row)].hi + 1, y1 = rows[std::size_t(c.row + c.row_span)].lo;
    c.box = Rect{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
    g.cells.push_back(c);
  }
  g.confidence = 0.5;  // alignment evidence, weaker than ruling lines
  return g;
}

// How far a centred block's centre may lie from its span's centre: 1.5 mm
// or half a line height, whichever is more.
int centre_tolerance(const TextScale& s) {
  return std::max(int(std::lround(1.5 * s.px_per_mm)), s.line_height / 2);
}

Edge edge_at(int pos) {
  Edge e;
  e.pos = e.lo = e.hi = e.start = e.end = pos;
  e.synthetic = true;
  return e;
}

// Column edges from the gaps of `rows` within [x0, x1]: x0, the middle of
// every gap, x1.
std::vector<Edge> column_edges(const std::vector<TextRow>& rows, int x0, int x1, const TextScale& s) {
  int n_rows = 0;
  for (const TextRow& r : rows) n_rows += !r.blocks.empty();
  std::vector<Edge> cols{edge_at(x0)};
  for (const Interval& gap : column_gaps(rows, {x0, x1}, s.word_gap, n_rows / 4))
    cols.push_back(edge_at((gap.lo + gap.hi) / 2));
  cols.push_back(edge_at(x1));
  return cols;
}

// A horizontal rule outside every ruled grid: its extent and band.
struct Rule {
  int x0 = 0, x1 = 0, y = 0, lo = 0, hi = 0;
};

bool inside_any(const std::vector<Grid>& grids, cv::Point p, int margin) {
  for (const Grid& g : grids) {
    const cv::Rect r(g.bounds.x - margin, g.bounds.y - margin, g.bounds.width + 2 * margin,
                     g.bounds.height + 2 * margin);
    if (r.contains(p)) return true;
  }
  return false;
}

// Partial tables: stacks of long horizontal rules with overlapping extents.
// `rules_grown`: h_rules with its fringe, added to the line mask (erased before OCR).
void add_partial_tables(const cv::Mat& h_rules, const cv::Mat& rules_grown, const std::vector<cv::Rect>& glyphs,
                        const GrayRules& gray, const TextScale& s, const Options& options, Detection& out) {
  const std::size_t first_candidate = out.tables.size();
  const double mm = s.px_per_mm;
  const int tol = std::max(2, int(std::lround(0.8 * mm)));
  const int min_w = std::max(1, int(std::lround(options.min_table_width_mm * mm)));
  const int long_len = std::max(16, int(std::lround(15 * mm)));
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(h_rules, labels, stats, centroids, 8, CV_32S);
  // Every rule piece outside the ruled grids, then pieces of one broken or
  // faded rule (same y within tol, gaps up to 8 mm) joined into one rule.
  std::vector<Rule> all;
  for (int l = 1; l < n; ++l) {
    const int x = stats.at<int>(l, cv::CC_STAT_LEFT), y = stats.at<int>(l, cv::CC_STAT_TOP);
    const int w = stats.at<int>(l, cv::CC_STAT_WIDTH), h = stats.at<int>(l, cv::CC_STAT_HEIGHT);
    if (h > 1.5 * mm) continue;
    const cv::Point c(int(centroids.at<double>(l, 0)), int(centroids.at<double>(l, 1)));
    if (inside_any(out.tables, c, int(2 * mm))) continue;
    all.push_back(Rule{x, x + w - 1, c.y, y, y + h - 1});
  }
  std::sort(all.begin(), all.end(), [](const Rule& a, const Rule& b) { return a.x0 < b.x0; });
  const int max_gap = int(std::lround(8 * mm));
  std::vector<Rule> joined;
  for (const Rule& r : all) {
    bool merged = false;
    for (Rule& j : joined)
      if (std::abs(j.y - r.y) <= tol && r.x0 - j.x1 <= max_gap) {
        j = Rule{j.x0, std::max(j.x1, r.x1), j.y, std::min(j.lo, r.lo), std::max(j.hi, r.hi)};
        merged = true;
        break;
      }
    if (!merged) joined.push_back(r);
  }
  std::vector<Rule> seeds, pieces;
  for (const Rule& r : joined) {
    const int w = r.x1 - r.x0 + 1;
    if (w >= min_w)
      seeds.push_back(r);
    else if (w >= long_len)
      pieces.push_back(r);
  }
  std::sort(seeds.begin(), seeds.end(), [](const Rule& a, const Rule& b) { return a.y < b.y; });
  // Stack rules whose extents overlap by most of the shorter one.
  std::vector<std::vector<Rule>> groups;
  std::vector<Interval> extent;
  for (const Rule& r : seeds) {
    int found = -1;
    for (int g = int(groups.size()) - 1; g >= 0 && found < 0; --g) {
      const int overlap = std::min(r.x1, extent[std::size_t(g)].hi) - std::max(r.x0, extent[std::size_t(g)].lo) + 1;
      if (overlap >= 0.6 * std::min(r.x1 - r.x0 + 1, extent[std::size_t(g)].width())) found = g;
    }
    if (found < 0) {
      groups.push_back({r});
      extent.push_back({r.x0, r.x1});
    } else {
      groups[std::size_t(found)].push_back(r);
      extent[std::size_t(found)] = {std::min(r.x0, extent[std::size_t(found)].lo),
                                    std::max(r.x1, extent[std::size_t(found)].hi)};
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<Rule> rules = groups[g];
    const int gx0 = extent[g].lo, gx1 = extent[g].hi;
    const int top = rules.front().y, bottom = rules.back().y;
    for (const Rule& p : pieces)  // shorter stretches (a row edge broken by rowSpan cells)
      if (p.y > top && p.y < bottom && p.x0 >= gx0 - tol && p.x1 <= gx1 + tol) rules.push_back(p);
    std::vector<LineSeg> segs;
    for (const Rule& r : rules) segs.push_back(LineSeg{double(r.y), double(r.hi - r.lo + 1), r.x0, r.x1});
    const std::vector<Edge> rule_edges = cluster_lines(segs, tol);
    if (rule_edges.size() < 2) continue;

    // Bands between rules -> text rows -> lattice rows.
    std::vector<std::vector<TextRow>> band_rows;
    std::vector<int> band_heights;
    for (std::size_t k = 0; k + 1 < rule_edges.size(); ++k) {
      const cv::Rect band(gx0, rule_edges[k].hi + 1, gx1 - gx0 + 1, rule_edges[k + 1].lo - rule_edges[k].hi - 1);
      band_rows.push_back(band.height > 0 ? text_rows(glyphs, band, s) : std::vector<TextRow>{});
      band_heights.push_back(band.height);
    }
    // Two tables stacked (rules of both in one stack): cut at a band much
    // taller than the others holding few text rows (title, caption, notes).
    const int typical = median(band_heights);
    std::size_t first_band = 0;
    auto emit = [&](std::size_t b0, std::size_t b1) {  // bands [b0, b1)
      if (b1 <= b0) return;
      std::vector<Edge> rows;
      std::vector<bool> rule_edge;
      std::vector<const TextRow*> row_text;
      std::vector<TextRow> texts;
      for (std::size_t k = b0; k < b1; ++k) {
        rows.push_back(rule_edges[k]);
        rule_edge.push_back(true);
        const auto& tr = band_rows[k];
        if (tr.empty()) row_text.push_back(nullptr);
        for (std::size_t i = 0; i < tr.size(); ++i) {
          if (i > 0) {
            rows.push_back(edge_at((tr[i - 1].y.hi + tr[i].y.lo) / 2));
            rule_edge.push_back(false);
          }
          row_text.push_back(&tr[i]);
          texts.push_back(tr[i]);
        }
      }
      rows.push_back(rule_edges[b1]);
      rule_edge.push_back(true);
      if (texts.size() < 2) return;
      std::vector<Edge> cols = column_edges(texts, gx0, gx1, s);
      const int n_cols = int(cols.size()) - 1;
      if (n_cols < 2 || (b1 - b0 == 1 && n_cols < 3)) return;  // no columns: rules over prose
      Grid grid = build_grid(rows, rule_edge, row_text, cols, h_rules, gray, tol, centre_tolerance(s), "partial");
      if (grid.bounds.height < options.min_table_height_mm * mm) return;
      cv::Rect box(grid.bounds.x - tol, grid.bounds.y - tol, grid.bounds.width + 2 * tol,
                   grid.bounds.height + 2 * tol);
      box &= cv::Rect(0, 0, h_rules.cols, h_rules.rows);
      cv::Mat mask(out.line_mask.height, out.line_mask.width, CV_8UC1, out.line_mask.pixels.data());
      cv::Mat roi = mask(box);
      cv::bitwise_or(roi, rules_grown(box), roi);
      out.tables.push_back(std::move(grid));
    };
    for (std::size_t k = 0; k < band_rows.size(); ++k)
      if (band_heights[k] > 3 * typical && band_rows[k].size() <= 3 && band_rows.size() > 2) {
        emit(first_band, k);
        first_band = k + 1;
      }
    emit(first_band, band_rows.size());
  }
  // A faded rule can leave part of a table to the ruled-grid search and the
  // whole of it to this one (seen on a rough scan: a 2-column grid found by
  // its vertical rules inside the right half of a 5-column partial table
  // whose columns, guessed from the sparse text of an empty table, were
  // wrong): the grid found by its rules stays.
  drop_overlapped_candidates(out.tables, first_candidate);
}

// Whether a top or bottom row of a candidate whitespace table is no table
// row: against the columns `cols` it leaves at least 40 % of them empty (a
// 部门名称：… 单位：万元 caption line, a footnote). A block centred over several
// columns fills them all (a header over its sub-columns is no caption).
bool caption_like(const TextRow& r, const std::vector<Edge>& cols, const TextScale& s) {
  const int n_cols = int(cols.size()) - 1;
  if (n_cols < 1) return false;
  std::vector<char> filled(std::size_t(n_cols), 0);
  for (int c = 0; c < n_cols; ++c)
    for (const Interval& b : r.blocks)
      if (b.lo < cols[std::size_t(c) + 1].pos && b.hi > cols[std::size_t(c)].pos) filled[std::size_t(c)] = 1;
  for (const auto& [a, b] : centred_spans(r, cols, centre_tolerance(s), {}))
    for (int c = a; c <= b; ++c) filled[std::size_t(c)] = 1;
  const auto blank = std::count(filled.begin(), filled.end(), 0);
  return blank >= std::max(1, (2 * n_cols + 4) / 5);
}

// Column edges of whitespace-table rows: column_edges over their extent,
// half a line height beyond it on both sides.
std::vector<Edge> whitespace_edges(const std::vector<TextRow>& rows, const TextScale& s) {
  int x0 = INT_MAX, x1 = INT_MIN;
  for (const TextRow& r : rows) {
    x0 = std::min(x0, r.blocks.front().lo);
    x1 = std::max(x1, r.blocks.back().hi);
  }
  const int margin = std::max(1, s.line_height / 2);
  return column_edges(rows, x0 - margin, x1 + margin, s);
}

}  // namespace

// See text_columns.hpp.
void drop_overlapped_candidates(std::vector<Grid>& tables, std::size_t first) {
  // Whether the smaller of two tables lies half or more inside the other.
  auto nested = [&](std::size_t i, std::size_t j) {
    const long long smaller = std::min(tables[i].bounds.area(), tables[j].bounds.area());
    return 2 * intersect(tables[i].bounds, tables[j].bounds).area() >= smaller;
  };
  std::vector<bool> drop(tables.size(), false);
  for (std::size_t i = first; i < tables.size(); ++i) {
    for (std::size_t j = 0; j < first && !drop[i]; ++j) drop[i] = nested(i, j);
    for (std::size_t j = first; j < tables.size() && !drop[i]; ++j) {
      const long long a = tables[i].bounds.area(), b = tables[j].bounds.area();
      if (j == i || b < a || (b == a && j > i)) continue;
      drop[i] = nested(i, j);
    }
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (drop[i]) continue;
    if (k != i) tables[k] = std::move(tables[i]);
    ++k;
  }
  tables.resize(k);
}

std::vector<Edge> whitespace_columns(std::vector<TextRow>& rows, const TextScale& s) {
  for (;;) {
    if (rows.size() < 4) return {};
    const std::vector<TextRow> below(rows.begin() + 1, rows.end()), above(rows.begin(), rows.end() - 1);
    if (caption_like(rows.front(), whitespace_edges(below, s), s)) {
      rows.erase(rows.begin());
      continue;
    }
    if (caption_like(rows.back(), whitespace_edges(above, s), s)) {
      rows.pop_back();
      continue;
    }
    return whitespace_edges(rows, s);
  }
}

namespace {

// Whether at least two columns hold >= 4 single-column blocks of which >= 70 %
// share a left or a right edge (within 1 mm): what tells a table's columns
// from text that merely has gaps.
bool has_aligned_columns(const std::vector<TextRow>& rows, const std::vector<Edge>& cols, const TextScale& s) {
  const int tol = std::max(2, int(std::lround(1.0 * s.px_per_mm)));
  int aligned = 0;
  for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
    std::vector<int> lefts, rights;
    for (const TextRow& r : rows)
      for (const Interval& b : r.blocks)
        if (b.lo > cols[c].pos && b.hi < cols[c + 1].pos) {
          lefts.push_back(b.lo);
          rights.push_back(b.hi);
        }
    if (lefts.size() < 4) continue;
    auto share = [&](const std::vector<int>& v) {
      const int m = median(v);
      return std::count_if(v.begin(), v.end(), [&](int x) { return std::abs(x - m) <= tol; }) * 10 >=
             int(v.size()) * 7;
    };
    if (share(lefts) || share(rights)) ++aligned;
  }
  return aligned >= 2;
}

// Whitespace tables: runs of consecutive text rows with several blocks.
void add_whitespace_tables(const std::vector<cv::Rect>& glyphs, const cv::Size& page, const TextScale& s,
                           const Options& options, Detection& out) {
  const std::vector<TextRow> rows = text_rows(glyphs, cv::Rect(0, 0, page.width, page.height), s);
  const int max_gap = 3 * s.line_height;
  auto multi = [&](std::size_t i) { return rows[i].blocks.size() >= 2; };
  std::size_t i = 0;
  while (i < rows.size()) {
    if (!multi(i)) {
      ++i;
      continue;
    }
    // Extend while rows stay close; one single-block row may sit between multi-block rows.
    std::size_t j = i;
    while (j + 1 < rows.size() && rows[j + 1].y.lo - rows[j].y.hi <= max_gap) {
      if (multi(j + 1)) {
        ++j;
      } else if (j + 2 < rows.size() && multi(j + 2) && rows[j + 2].y.lo - rows[j + 1].y.hi <= max_gap) {
        j += 2;
      } else {
        break;
      }
    }
    std::vector<TextRow> run(rows.begin() + std::ptrdiff_t(i), rows.begin() + std::ptrdiff_t(j) + 1);
    i = j + 1;
    std::vector<Edge> cols = whitespace_columns(run, s);
    if (cols.size() < 4 || run.size() < 4) continue;  // >= 3 columns, >= 4 rows
    const auto wide = std::count_if(run.begin(), run.end(), [](const TextRow& r) { return r.blocks.size() >= 3; });
    if (wide < 3 || !has_aligned_columns(run, cols, s)) continue;
    // Row edges: halfway between rows; the outer ones half a typical gap out.
    std::vector<int> gaps;
    for (std::size_t k = 1; k < run.size(); ++k) gaps.push_back(run[k].y.lo - run[k - 1].y.hi);
    const int pad = std::max(1, std::min(median(gaps), s.line_height) / 2);
    std::vector<Edge> row_edges{edge_at(std::max(0, run.front().y.lo - pad))};
    std::vector<const TextRow*> row_text;
    for (std::size_t k = 0; k < run.size(); ++k) {
      if (k > 0) row_edges.push_back(edge_at((run[k - 1].y.hi + run[k].y.lo) / 2));
      row_text.push_back(&run[k]);
    }
    row_edges.push_back(edge_at(std::min(page.height - 1, run.back().y.hi + pad)));
    const std::vector<bool> rule_edge(row_edges.size(), false);
    Grid grid = build_grid(row_edges, rule_edge, row_text, cols, cv::Mat(), GrayRules{}, 0, centre_tolerance(s), "whitespace");
    if (grid.bounds.width < options.min_table_width_mm * s.px_per_mm) continue;
    out.tables.push_back(std::move(grid));
  }
}

}  // namespace

void add_text_tables(const cv::Mat& ink, const cv::Mat& h_rules, const cv::Mat& gray, double dpi,
                     const Options& options, Detection& out) {
  const double mm = dpi / 25.4;
  // Rules grown by 0.4 mm across: the ragged fringe of a blurred, JPEG-ed
  // rule is no run long enough for h_rules, yet must not become "text" (a
  // flat fragment along a rule joins the blocks of neighbouring columns).
  cv::Mat rules;
  const int fringe = std::max(1, int(std::lround(0.4 * mm)));
  cv::dilate(h_rules, rules, cv::getStructuringElement(cv::MORPH_RECT, {1, 2 * fringe + 1}));
  cv::Mat text;
  cv::bitwise_and(ink, ~rules, text);
  if (!out.line_mask.empty()) {
    const cv::Mat lines(out.line_mask.height, out.line_mask.width, CV_8UC1, out.line_mask.pixels.data());
    text.setTo(0, lines);
  }
  for (const Grid& g : out.tables) {  // text of ruled grids is theirs
    const int m = int(std::lround(1.0 * mm));
    cv::Rect r(g.bounds.x - m, g.bounds.y - m, g.bounds.width + 2 * m, g.bounds.height + 2 * m);
    r &= cv::Rect(0, 0, text.cols, text.rows);
    text(r).setTo(0);
  }
  std::vector<cv::Rect> glyphs = glyph_boxes(text, mm);
  if (glyphs.empty()) return;
  const TextScale s = text_scale(glyph_sized(glyphs, mm), text.rows, mm);
  glyphs = without_isolated_specks(std::move(glyphs), s);
  add_partial_tables(h_rules, rules, glyphs, gray_rules(gray, text, mm, options), s, options, out);
  if (out.tables.empty()) add_whitespace_tables(glyphs, text.size(), s, options, out);
}

}  // namespace scantab::grid::detail
