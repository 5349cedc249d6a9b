// grid: ruling lines -> lattice -> merged cells. See grid.hpp for the contract.
//
// Pipeline (all lengths derive from the dpi, see Scale):
//  1. ink runs: horizontal / vertical runs longer than any text stroke
//     (= morphological open by a line segment, after bridging tiny gaps),
//     plus broken lines chained from collinear thin dashes that meet two
//     crossing lines (add_chained_lines);
//  2. tables: connected components of (h | v), slightly dilated so that
//     lines stopping a pixel or two short of a crossing still join;
//  3. per table: line pieces (components of each mask), minus over-thick
//     blobs and short pieces not anchored at both ends; 1-D clustering of
//     their positions -> lattice edges (+ a synthetic edge on an open side);
//  4. per lattice segment, the fraction covered by line pixels in a band
//     around the edge; phantom edges (no present segment) are pruned;
//  5. cells joined across absent segments (union-find), cut into rectangles.
// This is the classic lattice approach of ruled-table extractors (e.g.
// Camelot's "lattice" mode, Tabula's ruling lines), with span recovery by
// segment coverage instead of by intersection points.
#include "grid/grid.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"
#include "grid/gray_evidence.hpp"
#include "grid/lattice.hpp"
#include "grid/lines.hpp"
#include "grid/text_columns.hpp"

namespace scantab::grid {
namespace {

using detail::Coverage;
using detail::Edge;
using detail::LineSeg;

// Pixel sizes derived from the dpi. Millimetre figures are for printed
// budget tables: 0.1-0.5 mm lines, rows >= ~5 mm, CJK text 9-12 pt.
struct Scale {
  int min_h_len = 0, min_v_len = 0;  // shortest ruling runs
  int bridge = 1;         // background gap (px) that does not break a run (~0.25 mm)
  int tol = 2;            // clustering tolerance for line positions (~0.8 mm)
  int join = 1;           // dilation radius joining near-touching lines (~0.5 mm)
  int max_thickness = 3;  // thicker "lines" are blobs (~1.5 mm)
  int long_len = 0;       // pieces this long need no anchoring (~15 mm)
  int faint_len = 0;      // shortest dash of a faded line counted as evidence (~1.5 mm)
  int near = 1;           // how close to an edge such dashes must lie (~0.4 mm)
  int max_gap = 2;        // a collinear piece this close continues a broken line (~2 mm)
  int break_gap = 2;      // longest break inside a ruled segment (~6 mm), see measure()
  int open_side = 0;      // lines overshooting the outermost crossing line by
                          // this much mean an open (unruled) table side (~3 mm)
  int min_w = 0, min_h = 0;  // smallest table
  double coverage = 0.6;
  std::optional<detail::ChainParams> chain;  // dash chaining, if on
  int fill_gap = 2;  // chaining gap of the coverage evidence (dash_fill_gap_mm)
  int thin = 3;    // thickest dash of a broken line (~0.8 mm)
  int anchor = 2;  // a chained line's ends lie this close to a crossing line (~1 mm)
  detail::GraySettings gray;  // gray evidence (add_gray_evidence, gray_anchored)
  int gray_faded_levels = 0;   // Options::gray_faded_levels (gray levels)
  int gray_reach = 2;          // a rule piece's end is gray-anchored this far from a crossing line (~8 mm)
  double dash_fill = 0;        // Options::dash_evidence_fill (0: add_dash_evidence off)
  int dash_piece = 2;          // shortest run counted as a piece by add_dash_evidence (~0.5 mm)
  double dash_glyph_share = 0.05;  // most of a segment glyphs may reach, for add_dash_evidence

  Scale(double dpi, const Options& o) {
    const double mm = dpi / 25.4;
    auto px = [mm](double v, int at_least) { return std::max(at_least, int(std::lround(v * mm))); };
    min_h_len = px(o.min_horizontal_line_mm, 8);
    min_v_len = px(o.min_vertical_line_mm, 8);
    bridge = px(0.25, 1);
    tol = px(0.8, 2);
    join = px(0.5, 1);
    max_thickness = px(1.5, 3);
    long_len = std::max(px(15.0, 16), 2 * std::max(min_h_len, min_v_len));
    max_gap = px(2.0, 2);
    faint_len = o.faint_dash_mm > 0 ? px(o.faint_dash_mm, 2) : 0;
    near = px(0.4, 1);
    open_side = px(3.0, 4);
    break_gap = px(6.0, 4);
    min_w = px(o.min_table_width_mm, 1);
    min_h = px(o.min_table_height_mm, 1);
    coverage = o.min_segment_coverage;
    thin = px(0.8, 3);
    fill_gap = px(o.dash_fill_gap_mm, 2);
    anchor = px(1.0, 2);
    gray = detail::gray_settings(mm, o);
    gray_reach = px(o.dash_max_gap_mm, 2);
    gray_faded_levels = o.gray_faded_levels;
    dash_fill = o.dash_evidence_fill;
    dash_piece = px(0.5, 2);
    if (o.chain_min_mm > 0)
      chain = detail::ChainParams{px(o.dash_min_mm, 3), bridge, px(o.dash_max_gap_mm, 2),
                                  px(o.chain_min_mm, 16), o.chain_min_fill};
  }
};

// One line piece with its component label in the table's piece label map.
struct Piece {
  LineSeg seg;
  int label = 0;
};

// Line pieces of one direction's mask: connected components, each measured
// along and across the line. Pieces thicker than max_thickness are dropped.
std::vector<Piece> pieces_of(const cv::Mat& mask, bool horizontal, const Scale& s, cv::Mat& labels) {
  cv::Mat stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  std::vector<Piece> out;
  for (int l = 1; l < n; ++l) {
    const int x = stats.at<int>(l, cv::CC_STAT_LEFT), y = stats.at<int>(l, cv::CC_STAT_TOP);
    const int w = stats.at<int>(l, cv::CC_STAT_WIDTH), h = stats.at<int>(l, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(l, cv::CC_STAT_AREA);
    const int length = horizontal ? w : h;
    LineSeg seg;
    seg.thickness = double(area) / length;
    if (seg.thickness > s.max_thickness) continue;
    seg.across = horizontal ? centroids.at<double>(l, 1) : centroids.at<double>(l, 0);
    seg.start = horizontal ? x : y;
    seg.end = seg.start + length - 1;
    out.push_back(Piece{seg, l});
  }
  return out;
}

// Whether the end of a line piece is anchored: ink of `other` (the crossing
// direction's mask) within r pixels of the point (along, across), or another
// piece of the same direction continuing the line within `gap` pixels beyond
// the end (a line broken by a scan gap). `dir` is -1 at the start, +1 at the
// end; coordinates are in the frame of a line of this direction.
bool anchored(const cv::Mat& other, const cv::Mat& labels, int own, bool horizontal, int along,
              double across, int dir, int r, int gap) {
  const int a = int(std::lround(across));
  auto window = [&](int along0, int along1, int across0, int across1) {
    const cv::Rect w = horizontal ? cv::Rect(along0, across0, along1 - along0 + 1, across1 - across0 + 1)
                                  : cv::Rect(across0, along0, across1 - across0 + 1, along1 - along0 + 1);
    return w & cv::Rect(0, 0, other.cols, other.rows);
  };
  const cv::Rect cross = window(along - r, along + r, a - r, a + r);
  if (!cross.empty() && cv::countNonZero(other(cross)) > 0) return true;
  const cv::Rect next = dir > 0 ? window(along + 1, along + gap, a - r, a + r)
                                : window(along - gap, along - 1, a - r, a + r);
  for (int y = next.y; y < next.y + next.height; ++y)
    for (int x = next.x; x < next.x + next.width; ++x) {
      const int l = labels.at<int>(y, x);
      if (l != 0 && l != own) return true;
    }
  return false;
}

// The gray page of a table, for judging rule pieces that did not binarize
// (see Options::gray_min_dark_fraction). Empty `gray`: none.
struct GrayPage {
  cv::Mat gray, text;  // text: glyph ink to set aside (detail::dark_fraction)
  // For gray_anchored(): `text` without thin components (at most
  // Scale::thin px across a horizontal / vertical line): the dashes a faded
  // rule binarized into.
  cv::Mat text_h, text_v;
  int glyph_level = -1;  // a dark quantile of the glyph ink (-1: no glyphs), see add_gray_evidence()
  bool on() const { return !gray.empty(); }
};

// Whether a line piece is solid ink: at least 0.8 of the positions along
// it have ink of `own` (CV_8U: its direction's line mask AND the ink) within
// s.gray.search across its centre. A rule piece is; glyph strokes of stacked
// text lines chained into a piece are not (basic_economic rough: 0.38 vs 1.0).
bool solid_piece(const cv::Mat& own, bool horizontal, const LineSeg& g, const Scale& s) {
  const int a = int(std::lround(g.across)), across_size = horizontal ? own.rows : own.cols;
  const int b0 = std::max(0, a - s.gray.search), b1 = std::min(across_size - 1, a + s.gray.search);
  int inked = 0;
  for (int k = g.start; k <= g.end; ++k) {
    bool any = false;
    for (int b = b0; b <= b1 && !any; ++b) any = (horizontal ? own.at<std::uint8_t>(b, k) : own.at<std::uint8_t>(k, b)) != 0;
    inked += any;
  }
  return inked >= 0.8 * (g.end - g.start + 1);
}

// Whether the end of a line piece at `along` (dir -1: its start, +1: its end)
// reaches a crossing line of `other` on the gray page: the first crossing
// ink within s.tol of the line, at most s.gray_reach pixels beyond the end,
// is found, and the gap up to it is dark (detail::dark_fraction at least
// s.gray.min_fraction, the rule's own binarized dashes not set aside) or at
// most s.gray.margin + s.tol long: the piece is part of a rule that faded
// in between.
bool gray_anchored(const GrayPage& page, const cv::Mat& other, bool horizontal, int along, double across,
                   int dir, const Scale& s) {
  const int a = int(std::lround(across));
  const int along_size = horizontal ? other.cols : other.rows, across_size = horizontal ? other.rows : other.cols;
  if (a - s.tol < 0 || a + s.tol >= across_size) return false;
  for (int d = 1; d <= s.gray_reach; ++d) {
    const int k = along + dir * d;
    if (k < 0 || k >= along_size) return false;
    bool crossing = false;
    for (int b = a - s.tol; b <= a + s.tol && !crossing; ++b)
      crossing = (horizontal ? other.at<std::uint8_t>(b, k) : other.at<std::uint8_t>(k, b)) != 0;
    if (!crossing) continue;
    if (d - 1 <= s.gray.margin + s.tol) return true;  // all but touching (~1.6 mm)
    const detail::SegmentWindow w = s.gray.window(horizontal, a, a, std::min(along + dir, k - dir * s.gray.margin),
                                                  std::max(along + dir, k - dir * s.gray.margin));
    const std::optional<double> dark =
        detail::dark_fraction(page.gray, horizontal ? page.text_h : page.text_v, w, s.gray.dark_levels, s.gray.min_used);
    return dark && *dark >= s.gray.min_fraction;
  }
  return false;
}

// Keeps pieces that are long, or anchored at both ends (see anchored();
// with a gray page, also gray_anchored() for a solid_piece(); `own`: the
// ink of the line mask the pieces come from);
// writes the kept pieces into `kept` (255) and returns their measurements.
// This drops a dash or a character stroke glued to one ruling line, while a
// short real segment (between two crossing lines) survives. `thin` receives
// every piece not too thick, kept or not (see Evidence).
std::vector<LineSeg> keep_pieces(const std::vector<Piece>& pieces, const cv::Mat& labels,
                                 const cv::Mat& own, const cv::Mat& other, bool horizontal, const Scale& s,
                                 const GrayPage& page, cv::Mat& kept, cv::Mat& thin) {
  int max_label = 0;
  for (const Piece& p : pieces) max_label = std::max(max_label, p.label);
  std::vector<std::uint8_t> keep_label(std::size_t(max_label) + 1, 0), thin_label(keep_label);
  std::vector<LineSeg> out;
  for (const Piece& p : pieces) {
    const LineSeg& g = p.seg;
    thin_label[p.label] = 255;
    const bool is_long = g.end - g.start + 1 >= s.long_len;
    std::optional<bool> solid;  // solid_piece(), computed when first needed
    auto end_anchored = [&](int along, int dir) {
      if (anchored(other, labels, p.label, horizontal, along, g.across, dir, s.tol, s.max_gap)) return true;
      if (!page.on()) return false;
      if (!solid) solid = solid_piece(own, horizontal, g, s);
      return *solid && gray_anchored(page, other, horizontal, along, g.across, dir, s);
    };
    if (!is_long && !(end_anchored(g.start, -1) && end_anchored(g.end, +1))) continue;
    keep_label[p.label] = 255;
    out.push_back(g);
  }
  kept = cv::Mat::zeros(labels.size(), CV_8UC1);
  thin = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    std::uint8_t *k = kept.ptr<std::uint8_t>(y), *t = thin.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x)
      if (l[x] > 0 && l[x] <= max_label) k[x] = keep_label[l[x]], t[x] = thin_label[l[x]];
  }
  return out;
}

int median(std::vector<int> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Adds a synthetic first/last edge across `edges` when the crossing lines
// run on past the outermost edge on that side: either most of them do
// (median extent; a table without a ruled border on that side) or both
// outermost crossing lines, the table's side borders, do (a border line too
// faint to be detected). `crossing` must be ascending and hold >= 2 edges.
void close_open_sides(std::vector<Edge>& edges, const std::vector<Edge>& crossing, const Scale& s) {
  if (edges.empty() || crossing.size() < 2) return;
  std::vector<int> starts, ends;
  for (const Edge& e : crossing) {
    starts.push_back(e.start);
    ends.push_back(e.end);
  }
  const Edge &first_line = crossing.front(), &last_line = crossing.back();
  int first = median(starts), last = median(ends);
  if (edges.front().lo - first < s.open_side)
    first = std::max(first_line.start, last_line.start);  // the less extended border
  if (last - edges.back().hi < s.open_side) last = std::min(first_line.end, last_line.end);
  auto synthetic = [](int pos) {
    Edge e;
    e.pos = e.lo = e.hi = e.start = e.end = pos;
    e.synthetic = true;
    return e;
  };
  if (edges.front().lo - first >= s.open_side) edges.insert(edges.begin(), synthetic(first));
  if (last - edges.back().hi >= s.open_side) edges.push_back(synthetic(last));
}

// 1-D ink profile along an edge: OR across the rows (or columns) [a0, a1]
// of `mask`, as a 1 x n row.
cv::Mat band_profile(const cv::Mat& mask, bool horizontal, int a0, int a1) {
  const int size = horizontal ? mask.rows : mask.cols;
  a0 = std::max(0, a0);
  a1 = std::min(size - 1, a1);
  cv::Mat profile;
  if (horizontal)
    cv::reduce(mask.rowRange(a0, a1 + 1), profile, 0, cv::REDUCE_MAX);
  else
    cv::reduce(mask.colRange(a0, a1 + 1), profile, 1, cv::REDUCE_MAX);
  return profile.reshape(1, 1);
}

// Line masks of one direction within a table: `lines` are the ruling-line
// pieces (at least min_*_line_mm long, not over-thick), anchored or not: a
// piece of a broken line whose end lies in a break (so keep_pieces did not
// keep it for placing edges) still shows that the segment it lies on is
// ruled; `faint` are shorter ink runs (dashes of a faded or broken line)
// that count as evidence only very close to a lattice edge.
struct Evidence {
  cv::Mat lines, faint;
};

// Fills the gaps of a 0/1 profile that have ink on both sides within
// [lo, hi] and are at most `max_gap` long.
void bridge_gaps(std::vector<std::uint8_t>& ink, int lo, int hi, int max_gap) {
  int last = -1;  // last inked position seen
  for (int k = lo; k <= hi; ++k) {
    if (!ink[k]) continue;
    if (last >= 0 && k - last - 1 <= max_gap) std::fill(ink.begin() + last + 1, ink.begin() + k, 1);
    last = k;
  }
}

// Coverage of every segment of `edges` (lines of this direction) between
// consecutive `crossing` edges. Line pixels count within +-tol of an edge's
// pixel extent (slight residual skew, a line drawn off its cluster centre);
// faint runs only within +-near, so that text beside a line does not count.
// Breaks of a broken or faded rule (synthetic rough scans: up to ~4.5 mm;
// often right at a crossing) are bridged first when they have line ink on
// both sides (the crossing node included) and are at most break_gap and
// under 3/4 of the segment long: an absent segment (a merged cell) has no
// line ink along it at all, so its gap is the whole segment.
std::vector<std::vector<double>> measure(const Evidence& ev, bool horizontal,
                                         const std::vector<Edge>& edges,
                                         const std::vector<Edge>& crossing, const Scale& s) {
  const int margin = s.tol / 2;
  std::vector<std::vector<double>> cov(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    cv::Mat profile = band_profile(ev.lines, horizontal, edges[i].lo - s.tol, edges[i].hi + s.tol);
    if (!ev.faint.empty())
      cv::bitwise_or(profile, band_profile(ev.faint, horizontal, edges[i].lo - s.near, edges[i].hi + s.near), profile);
    std::vector<std::uint8_t> ink(std::size_t(profile.cols));
    for (int k = 0; k < profile.cols; ++k) ink[k] = profile.at<std::uint8_t>(0, k) ? 1 : 0;
    for (std::size_t j = 0; j + 1 < crossing.size(); ++j) {
      int b0 = crossing[j].hi + 1, b1 = crossing[j + 1].lo - 1;  // inside the crossing lines
      std::vector<std::uint8_t> seg = ink;
      const int n0 = std::max(0, crossing[j].lo - s.tol), n1 = std::min(profile.cols - 1, crossing[j + 1].hi + s.tol);
      if (n0 <= n1) bridge_gaps(seg, n0, n1, std::min(s.break_gap, (b1 - b0 + 1) * 3 / 4 - 1));
      if (b1 - b0 + 1 > 2 * margin + 2) {
        b0 += margin;
        b1 -= margin;
      }
      b0 = std::max(b0, 0);
      b1 = std::min(b1, profile.cols - 1);
      const long inked = b1 < b0 ? 0 : std::count(seg.begin() + b0, seg.begin() + b1 + 1, std::uint8_t{1});
      cov[i].push_back(b1 < b0 ? 0.0 : double(inked) / (b1 - b0 + 1));
    }
  }
  return cov;
}

Coverage measure_all(const Evidence& h, const Evidence& v, const std::vector<Edge>& rows,
                     const std::vector<Edge>& cols, const Scale& s) {
  return Coverage{measure(h, true, rows, cols, s), measure(v, false, cols, rows, s)};
}

template <class T>
void erase_indices(std::vector<T>& v, const std::vector<int>& idx) {
  for (auto it = idx.rbegin(); it != idx.rend(); ++it) v.erase(v.begin() + *it);
}

// Interior edges that start no cell (every cell spans across them).
std::vector<int> unused_edges(const std::vector<GridCell>& cells, int n_edges, bool rows) {
  std::vector<char> used(n_edges, 0);
  for (const GridCell& c : cells) used[rows ? c.row : c.col] = 1;
  std::vector<int> out;
  for (int i = 1; i + 1 < n_edges; ++i)
    if (!used[i]) out.push_back(i);
  return out;
}

// Glyph ink: ink that is not in the line masks `h`, `v`, each grown by 1 px
// so that a rule's ragged edge is not glyph ink. CV_8U.
cv::Mat glyph_ink(const cv::Mat& ink, const cv::Mat& h, const cv::Mat& v) {
  cv::Mat lines, glyphs;
  cv::bitwise_or(h, v, lines);
  cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::bitwise_and(ink, ~lines, glyphs);
  return glyphs;
}

// Segments that the line masks leave absent (coverage < s.coverage) but
// whose rule shows on the gray page (detail::dark_fraction() at least
// s.gray.min_fraction) are made present (coverage s.coverage). Only faded
// segments are judged so: the line-mask pixels `h` / `v` within the segment,
// if any, must not be as dark as glyphs (rule_core_gray() at least
// glyph_level + s.gray_faded_levels; glyph_level: a dark quantile of the
// glyph ink, -1 if there is none). A glyph stroke lying on an absent rule's position (the 刂 of
// 划 centred in a merged cell) can be chained into the line masks; it is as
// dark as the other glyphs, a faded rule is lighter. Border edges are left
// alone (they never join cells). All images are in the frame of the edges.
void add_gray_evidence(const cv::Mat& gray, const cv::Mat& text, const cv::Mat& h, const cv::Mat& v,
                       int glyph_level, const std::vector<Edge>& rows, const std::vector<Edge>& cols,
                       const Scale& s, Coverage& cov) {
  auto pass = [&](std::vector<std::vector<double>>& m, const std::vector<Edge>& edges,
                  const std::vector<Edge>& crossing, bool horizontal) {
    for (std::size_t i = 1; i + 1 < edges.size() && i < m.size(); ++i) {
      if (edges[i].synthetic) continue;
      for (std::size_t j = 0; j + 1 < crossing.size() && j < m[i].size(); ++j) {
        if (m[i][j] >= s.coverage) continue;
        const detail::SegmentWindow w = s.gray.window(horizontal, edges[i].lo, edges[i].hi,
                                                      crossing[j].hi + 1 + s.gray.margin,
                                                      crossing[j + 1].lo - 1 - s.gray.margin);
        const int rule_level = detail::rule_core_gray(gray, horizontal ? h : v, w);
        if (rule_level >= 0 && glyph_level >= 0 && rule_level < glyph_level + s.gray_faded_levels) continue;  // not faded
        const std::optional<double> dark = detail::dark_fraction(gray, text, w, s.gray.dark_levels, s.gray.min_used);
        if (dark && *dark >= s.gray.min_fraction) m[i][j] = s.coverage;
      }
    }
  };
  pass(cov.h, rows, cols, true);
  pass(cov.v, cols, rows, false);
}

// The binarized page of a table split for add_dash_evidence(), per
// direction: ink outside the crossing direction's line mask (grown by 1 px)
// into thin pieces (dash_h / dash_v: components at most Scale::thin px
// across a horizontal / vertical line: rule dashes, and the line mask's own
// pieces) and the rest, glyph strokes (glyph_h / glyph_v). All CV_8U in the
// frame of the table's masks.
struct DashPage {
  cv::Mat dash_h, dash_v, glyph_h, glyph_v;
  bool on() const { return !dash_h.empty(); }
};

DashPage dash_page(const cv::Mat& ink, const cv::Mat& h, const cv::Mat& v, const Scale& s) {
  DashPage d;
  const cv::Mat grow = cv::getStructuringElement(cv::MORPH_RECT, {3, 3});
  for (const bool horizontal : {true, false}) {
    cv::Mat crossing, free;
    cv::dilate(horizontal ? v : h, crossing, grow);
    cv::bitwise_and(ink, ~crossing, free);
    cv::Mat& dash = horizontal ? d.dash_h : d.dash_v;
    dash = detail::thin_components(free, horizontal, s.thin);
    cv::bitwise_and(free, ~dash, horizontal ? d.glyph_h : d.glyph_v);
  }
  return d;
}

// Segments the line masks leave absent (coverage < s.coverage) but along
// which the binarized page shows what is left of a dashed or broken rule
// are made present (coverage s.coverage). Rough scans lose a rule segment
// when its dashes are too short or too sparse to chain (dash_min_mm,
// chain_min_fill); the cell then spans two rows or columns, and its two
// numbers are read as one ("2013150\n208"). A segment counts as ruled when,
// within +-s.tol of its edge and between its crossing lines (s.gray.margin
// off each end):
//  - thin pieces (DashPage::dash_*) cover at least s.dash_fill of it, in at
//    least two runs of s.dash_piece px or more; and
//  - glyph strokes (DashPage::glyph_*) reach within +-s.near of the edge at
//    no more than s.dash_glyph_share of it: a merged cell's text centred on
//    the absent rule's position crosses it, two rows' text stays clear of
//    a rule between them.
// A genuine merged cell has paper where the rule would be, and its text, if
// centred on that position, is set aside by the second test. Border edges
// are left alone. All images are in the frame of the edges.
void add_dash_evidence(const DashPage& page, const std::vector<Edge>& rows, const std::vector<Edge>& cols,
                       const Scale& s, Coverage& cov) {
  auto pass = [&](std::vector<std::vector<double>>& m, const std::vector<Edge>& edges,
                  const std::vector<Edge>& crossing, bool horizontal) {
    const cv::Mat& dash = horizontal ? page.dash_h : page.dash_v;
    const cv::Mat& glyph = horizontal ? page.glyph_h : page.glyph_v;
    for (std::size_t i = 1; i + 1 < edges.size() && i < m.size(); ++i) {
      if (edges[i].synthetic) continue;
      const cv::Mat dashes = band_profile(dash, horizontal, edges[i].lo - s.tol, edges[i].hi + s.tol);
      const cv::Mat glyphs = band_profile(glyph, horizontal, edges[i].lo - s.near, edges[i].hi + s.near);
      for (std::size_t j = 0; j + 1 < crossing.size() && j < m[i].size(); ++j) {
        if (m[i][j] >= s.coverage) continue;
        const int b0 = std::max(0, crossing[j].hi + 1 + s.gray.margin);
        const int b1 = std::min(dashes.cols - 1, crossing[j + 1].lo - 1 - s.gray.margin);
        if (b1 - b0 + 1 < 2 * s.dash_piece) continue;
        int inked = 0, crossed = 0, pieces = 0, run = 0;
        for (int k = b0; k <= b1 + 1; ++k) {
          const bool d = k <= b1 && dashes.at<std::uint8_t>(0, k) != 0;
          if (d) {
            ++inked;
            ++run;
          } else {
            if (run >= s.dash_piece) ++pieces;
            run = 0;
          }
          if (k <= b1 && glyphs.at<std::uint8_t>(0, k) != 0) ++crossed;
        }
        const double length = b1 - b0 + 1;
        if (pieces >= 2 && inked >= s.dash_fill * length && crossed <= s.dash_glyph_share * length)
          m[i][j] = s.coverage;
      }
    }
  };
  pass(cov.h, rows, cols, true);
  pass(cov.v, cols, rows, false);
}

// Analyzes one candidate table: `h` and `v` are the line masks restricted to
// one connected component, in the frame of its bounding box whose top-left is
// `origin` on the page. On success also returns the kept line pixels.
std::optional<Grid> analyze(const cv::Mat& h, const cv::Mat& v, const cv::Mat& ev_h, const cv::Mat& ev_v,
                            const cv::Mat& ink, const cv::Mat& gray, cv::Point origin,
                            const Scale& s, cv::Mat& kept_h, cv::Mat& kept_v) {
  GrayPage page;
  if (!gray.empty() && s.gray.on()) {
    page.gray = gray;
    page.text = glyph_ink(ink, h, v);
    page.glyph_level = detail::quantile_gray(gray, page.text, 0.25);
    const cv::Mat grow = cv::getStructuringElement(cv::MORPH_RECT, {2 * s.gray.grow + 1, 2 * s.gray.grow + 1});
    cv::bitwise_and(page.text, ~detail::thin_components(page.text, true, s.thin), page.text_h);
    cv::bitwise_and(page.text, ~detail::thin_components(page.text, false, s.thin), page.text_v);
    for (cv::Mat* m : {&page.text, &page.text_h, &page.text_v}) cv::dilate(*m, *m, grow);
  }

  const DashPage dashes = s.dash_fill > 0 ? dash_page(ink, h, v, s) : DashPage{};
  cv::Mat h_ink, v_ink;  // line-mask pixels that are ink (chains are written with their gaps)
  if (page.on()) {
    cv::bitwise_and(h, ink, h_ink);
    cv::bitwise_and(v, ink, v_ink);
  }
  cv::Mat h_labels, v_labels;
  const std::vector<Piece> h_pieces = pieces_of(h, true, s, h_labels);
  const std::vector<Piece> v_pieces = pieces_of(v, false, s, v_labels);
  cv::Mat thin_h, thin_v;
  const std::vector<LineSeg> h_segs = keep_pieces(h_pieces, h_labels, h_ink, v, true, s, page, kept_h, thin_h);
  const std::vector<LineSeg> v_segs = keep_pieces(v_pieces, v_labels, v_ink, h, false, s, page, kept_v, thin_v);

  std::vector<Edge> rows = detail::cluster_lines(h_segs, s.tol);
  std::vector<Edge> cols = detail::cluster_lines(v_segs, s.tol);
  if (rows.size() < 2 || cols.size() < 2) return std::nullopt;  // lone lines, underlines
  const std::vector<Edge> real_rows = rows;
  close_open_sides(rows, cols, s);
  close_open_sides(cols, real_rows, s);

  Evidence h_ev, v_ev;  // thin pieces, with long chain gaps left open
  cv::bitwise_and(thin_h, ev_h, h_ev.lines);
  cv::bitwise_and(thin_v, ev_v, v_ev.lines);
  if (s.faint_len > 0) {
    h_ev.faint = detail::long_horizontal_runs(ink, s.faint_len, s.bridge);
    v_ev.faint = detail::long_vertical_runs(ink, s.faint_len, s.bridge);
  }

  // Prune phantom edges until stable; each pass removes at least one edge.
  Coverage cov;
  std::vector<GridCell> cells;
  for (;;) {
    cov = measure_all(h_ev, v_ev, rows, cols, s);
    if (page.on()) add_gray_evidence(page.gray, page.text, h, v, page.glyph_level, rows, cols, s, cov);
    if (dashes.on()) add_dash_evidence(dashes, rows, cols, s, cov);
    std::vector<int> dead_rows = detail::empty_interior_rows(cov, s.coverage);
    std::vector<int> dead_cols = detail::empty_interior_cols(cov, s.coverage);
    if (dead_rows.empty() && dead_cols.empty()) {
      cells = detail::merge_cells(cov, s.coverage);
      dead_rows = unused_edges(cells, int(rows.size()), true);
      dead_cols = unused_edges(cells, int(cols.size()), false);
      if (dead_rows.empty() && dead_cols.empty()) break;
    }
    erase_indices(rows, dead_rows);
    erase_indices(cols, dead_cols);
  }
  if (rows.size() < 2 || cols.size() < 2 || cells.size() < 2) return std::nullopt;
  Grid g;
  // A side closed by a synthetic edge was not ruled (e.g. no outer vertical borders).
  const auto open = [](const std::vector<Edge>& e) { return e.front().synthetic || e.back().synthetic; };
  g.kind = open(rows) || open(cols) ? "partial" : "ruled";
  g.bounds = Rect{origin.x + cols.front().lo, origin.y + rows.front().lo,
                  cols.back().hi - cols.front().lo + 1, rows.back().hi - rows.front().lo + 1};
  if (g.bounds.width < s.min_w || g.bounds.height < s.min_h) return std::nullopt;
  for (const Edge& e : rows) g.row_edges.push_back(origin.y + e.pos);
  for (const Edge& e : cols) g.col_edges.push_back(origin.x + e.pos);
  for (GridCell c : cells) {
    // Inside of the bounding lines: first pixel after the left/top line up to
    // (exclusive) the first pixel of the right/bottom line.
    const int x0 = cols[c.col].hi + 1, x1 = cols[c.col + c.col_span].lo;
    const int y0 = rows[c.row].hi + 1, y1 = rows[c.row + c.row_span].lo;
    c.box = Rect{origin.x + x0, origin.y + y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
    g.cells.push_back(c);
  }
  g.confidence = detail::clean_fraction(cov, rows, cols);
  return g;
}

// No rule runs through a merged cell, so line pixels inside one, more than
// `margin` px from its sides, are glyph strokes chained onto a rule that
// ends there (the bottom stroke of 产出指标 centred in a six-row cell of a
// performance sheet, in line with the row rules beside it): they are taken
// out of `line_mask` (page frame), so that erasing the lines for OCR does not
// cut the text.
void clear_merged_interiors(const Grid& grid, int margin, cv::Mat& line_mask) {
  for (const GridCell& c : grid.cells) {
    if (c.row_span == 1 && c.col_span == 1) continue;
    const cv::Rect inner =
        cv::Rect(c.box.x + margin, c.box.y + margin, c.box.width - 2 * margin, c.box.height - 2 * margin) &
        cv::Rect(0, 0, line_mask.cols, line_mask.rows);
    if (inner.width > 0 && inner.height > 0) line_mask(inner).setTo(0);
  }
}

// Chained pieces of `chains` (one direction) that meet at least two crossing
// lines of `crossing` (within `reach` pixels, ends included): a ruling line
// runs between crossing lines, a row of strokes inside a cell meets none.
// A kept piece is clipped at its outermost crossing lines unless it runs on
// beyond them by at least `overshoot` pixels (the rules of a table without
// side borders do): a short run-on is glyph strokes chained onto the line
// end (a column rule "continuing" into the text of a merged header cell).
cv::Mat anchored_chains(const cv::Mat& chains, const cv::Mat& crossing, bool horizontal, int reach,
                        int overshoot) {
  // Per component: extent along and across the line, and the sums giving
  // its centroid across (as cv::connectedComponentsWithStats would).
  struct Extent {
    int along0 = INT_MAX, along1 = INT_MIN;
    long long area = 0, across_sum = 0;
  };
  const detail::RunLabels cc = detail::label_runs(chains);
  std::vector<Extent> ext(std::size_t(cc.count));
  for (std::size_t i = 0; i < cc.runs.size(); ++i) {
    const detail::RunLabels::Run& r = cc.runs[i];
    Extent& e = ext[cc.component[i]];
    const long long len = r.x1 - r.x0 + 1;
    e.along0 = std::min(e.along0, horizontal ? r.x0 : r.y);
    e.along1 = std::max(e.along1, horizontal ? r.x1 : r.y);
    e.area += len;
    e.across_sum += horizontal ? r.y * len : (long long)(r.x0 + r.x1) * len / 2;
  }
  // Kept part of each component along the line: [keep_lo, keep_hi] (empty if lo > hi).
  std::vector<int> keep_lo(ext.size(), 1), keep_hi(ext.size(), 0);
  const int along_size = horizontal ? chains.cols : chains.rows, across_size = horizontal ? chains.rows : chains.cols;
  std::vector<std::uint8_t> near;
  for (std::size_t c = 0; c < ext.size(); ++c) {
    const Extent& e = ext[c];
    const int across =
        std::clamp(int(std::lround(double(e.across_sum) / double(e.area))), 0, across_size - 1);
    // Along the component's middle line: whether a crossing-line pixel lies
    // within `reach` (in both directions) of each position.
    near.assign(std::size_t(e.along1 - e.along0 + 1), 0);
    const int b0 = std::max(0, across - reach), b1 = std::min(across_size - 1, across + reach);
    for (int a = std::max(0, e.along0 - reach); a <= std::min(along_size - 1, e.along1 + reach); ++a) {
      bool any = false;
      for (int b = b0; b <= b1 && !any; ++b)
        any = horizontal ? crossing.at<std::uint8_t>(b, a) != 0 : crossing.at<std::uint8_t>(a, b) != 0;
      if (!any) continue;
      for (int k = std::max(e.along0, a - reach); k <= std::min(e.along1, a + reach); ++k) near[k - e.along0] = 1;
    }
    int meets = 0, first = -1, last = -1;  // crossing-line neighbourhoods along the middle line
    for (int k = 0; k < int(near.size()); ++k) {
      if (!near[k]) continue;
      if (k == 0 || !near[k - 1]) ++meets;
      if (first < 0) first = k;
      last = k;
    }
    if (meets < 2) continue;
    keep_lo[c] = first >= overshoot ? e.along0 : e.along0 + first;
    keep_hi[c] = int(near.size()) - 1 - last >= overshoot ? e.along1 : e.along0 + last;
  }
  cv::Mat out = cv::Mat::zeros(chains.size(), CV_8UC1);
  for (std::size_t i = 0; i < cc.runs.size(); ++i) {
    const detail::RunLabels::Run& r = cc.runs[i];
    const int c = cc.component[i];
    const int x0 = horizontal ? std::max(r.x0, keep_lo[c]) : r.x0;
    const int x1 = horizontal ? std::min(r.x1, keep_hi[c]) : r.x1;
    const bool row_kept = horizontal || (r.y >= keep_lo[c] && r.y <= keep_hi[c]);
    if (row_kept && x0 <= x1) std::memset(out.ptr<std::uint8_t>(r.y) + x0, 255, std::size_t(x1 - x0 + 1));
  }
  return out;
}

// Candidates for broken / faded / dashed ruling lines: ink components thin
// across the line, after removing every run of the crossing direction longer
// than that thickness (so a dash crossing or touching a crossing line or a
// stub of one stays a thin dash). `horizontal`: dashes of horizontal lines.
struct ThinDashes {
  cv::Mat horizontal, vertical;
};

ThinDashes thin_dashes(const cv::Mat& ink, const Scale& s) {
  // Unbridged runs are ink, so removing them from the ink is an exclusive or.
  cv::Mat no_v, no_h;
  cv::bitwise_xor(ink, detail::long_vertical_runs(ink, s.thin + 1, 0), no_v);
  cv::bitwise_xor(ink, detail::long_horizontal_runs(ink, s.thin + 1, 0), no_h);
  return {detail::thin_components(no_v, true, s.thin), detail::thin_components(no_h, false, s.thin)};
}

// Adds broken / faded / dashed ruling lines to the long-run masks h and v:
// the thin dashes chained by detail::chained_*_runs, kept only when they meet
// two crossing lines (plain or chained): a ruling line runs between borders,
// a row of 一-like strokes inside a cell or in running text does not.
// `max_gap` is the chaining gap in pixels (ChainParams::max_gap).
void add_chained_lines(const ThinDashes& dashes, const Scale& s, int max_gap, cv::Mat& h, cv::Mat& v) {
  detail::ChainParams p = *s.chain;
  p.max_gap = max_gap;
  const cv::Mat hc = detail::chained_horizontal_runs(dashes.horizontal, p);
  const cv::Mat vc = detail::chained_vertical_runs(dashes.vertical, p);
  cv::Mat all_h, all_v;
  cv::bitwise_or(h, hc, all_h);
  cv::bitwise_or(v, vc, all_v);
  cv::bitwise_or(h, anchored_chains(hc, all_v, true, s.anchor, std::max(s.min_h_len, s.min_v_len)), h);
  cv::bitwise_or(v, anchored_chains(vc, all_h, false, s.anchor, std::max(s.min_h_len, s.min_v_len)), v);
}

Detection run(const Image& binary, const Image* gray_page, double dpi, const Options& options) {
  const Scale s(dpi, options);
  const cv::Mat gray = gray_page ? as_mat(*gray_page) : cv::Mat();
  cv::Mat ink;
  cv::compare(as_mat(binary), 127, ink, cv::CMP_GT);
  cv::Mat h = detail::long_horizontal_runs(ink, s.min_h_len, s.bridge);
  cv::Mat v = detail::long_vertical_runs(ink, s.min_v_len, s.bridge);
  // Lines for placing lattice edges (h, v: chains with long gaps) and for
  // segment coverage (ev_h, ev_v: chains with short gaps only), see
  // Options::dash_fill_gap_mm.
  cv::Mat ev_h = h.clone(), ev_v = v.clone();
  if (s.chain) {
    const ThinDashes dashes = thin_dashes(ink, s);
    add_chained_lines(dashes, s, s.chain->max_gap, h, v);
    add_chained_lines(dashes, s, s.fill_gap, ev_h, ev_v);
  }

  cv::Mat joined;
  cv::bitwise_or(h, v, joined);
  cv::dilate(joined, joined, cv::getStructuringElement(cv::MORPH_RECT, {2 * s.join + 1, 2 * s.join + 1}));
  const detail::RunLabels cc = detail::label_runs(joined);
  std::vector<cv::Rect> boxes(std::size_t(cc.count));
  std::vector<std::vector<int>> runs_of(std::size_t(cc.count));
  for (std::size_t i = 0; i < cc.runs.size(); ++i) {
    const detail::RunLabels::Run& r = cc.runs[i];
    const int c = cc.component[i];
    const cv::Rect run(r.x0, r.y, r.x1 - r.x0 + 1, 1);
    boxes[c] = runs_of[c].empty() ? run : (boxes[c] | run);
    runs_of[c].push_back(int(i));
  }

  Detection out;
  out.line_mask = Image(binary.width, binary.height, 1, 0);
  cv::Mat line_mask = as_mat(out.line_mask);
  for (int c = 0; c < cc.count; ++c) {
    const cv::Rect box = boxes[c];
    if (box.width < s.min_w || box.height < s.min_h) continue;
    cv::Mat component = cv::Mat::zeros(box.size(), CV_8UC1);
    for (int i : runs_of[c]) {
      const detail::RunLabels::Run& r = cc.runs[i];
      std::memset(component.ptr<std::uint8_t>(r.y - box.y) + (r.x0 - box.x), 255, std::size_t(r.x1 - r.x0 + 1));
    }
    cv::Mat th, tv, kept_h, kept_v;
    cv::bitwise_and(h(box), component, th);
    cv::bitwise_and(v(box), component, tv);
    cv::Mat eh, ev;
    cv::bitwise_and(ev_h(box), component, eh);
    cv::bitwise_and(ev_v(box), component, ev);
    std::optional<Grid> grid =
        analyze(th, tv, eh, ev, ink(box), gray.empty() ? gray : gray(box), box.tl(), s, kept_h, kept_v);
    if (!grid) continue;
    cv::Mat roi = line_mask(box);
    cv::bitwise_or(roi, kept_h, roi);
    cv::bitwise_or(roi, kept_v, roi);
    clear_merged_interiors(*grid, s.tol, line_mask);
    out.tables.push_back(std::move(*grid));
  }
  // Tables without (all) their vertical rules, and whitespace tables: text_columns.hpp.
  detail::add_text_tables(ink, h, gray, dpi, options, out);
  std::sort(out.tables.begin(), out.tables.end(), [](const Grid& a, const Grid& b) {
    return std::pair(a.bounds.y, a.bounds.x) < std::pair(b.bounds.y, b.bounds.x);
  });
  return out;
}

// detect_checked with an optional gray page (null: binary only).
Result<Detection> checked(const Image& binary, const Image* gray, double dpi, const Options& options) {
  if (binary.empty() || binary.channels != 1 ||
      binary.pixels.size() != std::size_t(binary.width) * binary.height)
    return fail(ErrorCode::kInternal, "grid::detect: expected a non-empty 1-channel binary image");
  if (gray && (gray->channels != 1 || gray->width != binary.width || gray->height != binary.height ||
               gray->pixels.size() != std::size_t(gray->width) * gray->height))
    return fail(ErrorCode::kInternal, "grid::detect: the gray page must be 1-channel and the size of the binary");
  if (!(dpi > 0 && dpi < 10000))
    return fail(ErrorCode::kInternal, "grid::detect: dpi must be positive");
  try {
    return run(binary, gray, dpi, options);
  } catch (const cv::Exception& e) {
    return fail(ErrorCode::kInternal, std::string("grid::detect: OpenCV: ") + e.what());
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("grid::detect: ") + e.what());
  }
}

Detection or_empty(Result<Detection> r, const Image& binary) {
  if (r) return std::move(*r);
  Detection empty;
  if (binary.width > 0 && binary.height > 0) empty.line_mask = Image(binary.width, binary.height, 1, 0);
  return empty;
}

}  // namespace

Result<Detection> detect_checked(const Image& binary, double dpi, const Options& options) {
  return checked(binary, nullptr, dpi, options);
}

Result<Detection> detect_checked(const Image& binary, const Image& gray, double dpi, const Options& options) {
  return checked(binary, &gray, dpi, options);
}

Detection detect(const Image& binary, double dpi, const Options& options) {
  return or_empty(checked(binary, nullptr, dpi, options), binary);
}

Detection detect(const Image& binary, const Image& gray, double dpi, const Options& options) {
  return or_empty(checked(binary, &gray, dpi, options), binary);
}

}  // namespace scantab::grid
