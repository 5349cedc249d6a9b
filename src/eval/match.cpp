// eval matching: truth cells <-> predicted cells within a table, and truth
// tables <-> predicted tables within a page.
#include <algorithm>
#include <limits>
#include <map>

#include "eval/eval.hpp"

namespace scantab::eval {

// ---------------------------------------------------------------- Counts
Counts& Counts::operator+=(const Counts& o) {
  truth_tables += o.truth_tables, pred_tables += o.pred_tables, matched_tables += o.matched_tables;
  teds_sum += o.teds_sum, teds_s_sum += o.teds_s_sum;
  numeric += o.numeric, numeric_correct += o.numeric_correct;
  numeric_wrong_flagged += o.numeric_wrong_flagged, numeric_wrong_unflagged += o.numeric_wrong_unflagged;
  numeric_missing += o.numeric_missing, numeric_correct_flagged += o.numeric_correct_flagged;
  text += o.text, text_correct += o.text_correct;
  text_chars += o.text_chars, text_edits += o.text_edits;
  return *this;
}

namespace {
std::optional<double> ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}
}  // namespace

std::optional<double> Counts::mean_teds() const { return ratio(teds_sum, truth_tables); }
std::optional<double> Counts::mean_teds_s() const { return ratio(teds_s_sum, truth_tables); }
std::optional<double> Counts::numeric_rate() const { return ratio(double(numeric_correct), double(numeric)); }
std::optional<double> Counts::text_rate() const { return ratio(double(text_correct), double(text)); }
std::optional<double> Counts::cer() const { return ratio(double(text_edits), double(text_chars)); }
std::optional<double> Counts::precision() const { return ratio(matched_tables, pred_tables); }
std::optional<double> Counts::recall() const { return ratio(matched_tables, truth_tables); }

// ---------------------------------------------------------------- cells
namespace {

// Index of the cell whose top-left is at each lattice position, else -1.
std::vector<int> top_left_index(const EvalTable& t) {
  std::vector<int> idx(std::size_t(t.rows) * t.cols, -1);
  for (std::size_t i = 0; i < t.cells.size(); ++i) idx[std::size_t(t.cells[i].row) * t.cols + t.cells[i].col] = int(i);
  return idx;
}

bool same_structure(const EvalTable& a, const EvalTable& b) {
  if (a.rows != b.rows || a.cols != b.cols || a.cells.size() != b.cells.size()) return false;
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    const EvalCell &x = a.cells[i], &y = b.cells[i];
    if (x.row != y.row || x.col != y.col || x.row_span != y.row_span || x.col_span != y.col_span) return false;
  }
  return true;
}

double similarity(const std::u32string& a, const std::u32string& b) {
  std::size_t longest = std::max(a.size(), b.size());
  return longest == 0 ? 1.0 : 1.0 - double(levenshtein(a, b)) / double(longest);
}

// Monotone alignment of sequences a (n) and b (m) maximizing the summed
// similarity sim[i*m+j] of paired elements (gaps score 0; ties prefer
// pairing). Returns, per element of a, its partner in b or -1.
std::vector<int> align(std::size_t n, std::size_t m, const std::vector<double>& sim) {
  std::vector<double> S((n + 1) * (m + 1), 0.0);
  auto at = [&](std::size_t i, std::size_t j) -> double& { return S[i * (m + 1) + j]; };
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      at(i, j) = std::max({at(i - 1, j), at(i, j - 1), at(i - 1, j - 1) + sim[(i - 1) * m + (j - 1)]});
  std::vector<int> partner(n, -1);
  for (std::size_t i = n, j = m; i > 0 && j > 0;) {
    if (at(i, j) == at(i - 1, j - 1) + sim[(i - 1) * m + (j - 1)]) {
      partner[i - 1] = int(j - 1);
      --i, --j;
    } else if (at(i, j) == at(i - 1, j)) {
      --i;
    } else {
      --j;
    }
  }
  return partner;
}

// Normalized texts by lattice position: the text of the cell whose top-left
// is there, empty for covered or absent positions.
std::vector<std::u32string> lattice_texts(const EvalTable& t) {
  std::vector<std::u32string> out(std::size_t(t.rows) * t.cols);
  for (const EvalCell& c : t.cells) out[std::size_t(c.row) * t.cols + c.col] = normalize_text(c.text);
  return out;
}

// For each truth cell, the index of its counterpart in pred or -1. Rows are
// aligned first, on the similarity of whole-row signatures (texts joined by
// '|'); columns then on the mean cell similarity over the aligned row pairs.
std::vector<int> counterparts_by_alignment(const EvalTable& truth, const EvalTable& pred) {
  const auto tt = lattice_texts(truth), pt = lattice_texts(pred);
  const std::size_t tr = truth.rows, pr = pred.rows, tc = truth.cols, pc = pred.cols;
  auto row_signature = [](const std::vector<std::u32string>& texts, std::size_t r, std::size_t cols) {
    std::u32string sig;
    for (std::size_t c = 0; c < cols; ++c) sig += (c ? U"|" : U"") + texts[r * cols + c];
    return sig;
  };
  std::vector<std::u32string> trs, prs;
  for (std::size_t r = 0; r < tr; ++r) trs.push_back(row_signature(tt, r, tc));
  for (std::size_t r = 0; r < pr; ++r) prs.push_back(row_signature(pt, r, pc));
  std::vector<double> row_sim(tr * pr);
  for (std::size_t i = 0; i < tr; ++i)
    for (std::size_t j = 0; j < pr; ++j) row_sim[i * pr + j] = similarity(trs[i], prs[j]);
  const std::vector<int> row_map = align(tr, pr, row_sim);

  std::vector<double> col_sim(tc * pc, 0.0);
  for (std::size_t r = 0; r < tr; ++r) {
    if (row_map[r] < 0) continue;
    const std::size_t q = std::size_t(row_map[r]);
    for (std::size_t i = 0; i < tc; ++i)
      for (std::size_t j = 0; j < pc; ++j) col_sim[i * pc + j] += similarity(tt[r * tc + i], pt[q * pc + j]);
  }
  const std::vector<int> col_map = align(tc, pc, col_sim);  // a sum ranks like a mean

  const std::vector<int> ptl = top_left_index(pred);
  std::vector<int> out(truth.cells.size(), -1);
  for (std::size_t i = 0; i < truth.cells.size(); ++i) {
    int r = row_map[truth.cells[i].row], c = col_map[truth.cells[i].col];
    if (r >= 0 && c >= 0) out[i] = ptl[std::size_t(r) * pc + c];
  }
  return out;
}

std::vector<int> iota(int n) {
  std::vector<int> v(std::size_t(std::max(n, 0)));
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Adds one truth cell's outcome; pred == nullptr means no counterpart.
void score_cell(const EvalCell& truth, const EvalCell* pred, Counts& k) {
  const std::u32string t = normalize_text(truth.text);
  if (t.empty()) return;
  const std::u32string p = pred ? normalize_text(pred->text) : std::u32string();
  if (auto key = numeric_key(t)) {
    ++k.numeric;
    if (!pred) {
      ++k.numeric_missing;
      return;
    }
    std::u32string pkey = p;
    std::erase(pkey, U',');
    if (pkey == *key) {
      ++k.numeric_correct;
      if (pred->flagged) ++k.numeric_correct_flagged;
    } else if (pred->flagged) {
      ++k.numeric_wrong_flagged;
    } else {
      ++k.numeric_wrong_unflagged;
    }
    return;
  }
  ++k.text;
  k.text_chars += (long long)t.size();
  k.text_edits += (long long)levenshtein(t, p);  // == |t| when there is no counterpart
  if (pred && p == t) ++k.text_correct;
}

// score_table, reusing a TEDS already computed for the pairing.
TableScore score_pair(const EvalTable& truth, const EvalTable* pred, std::optional<double> known_teds) {
  TableScore s;
  s.counts.truth_tables = 1;
  if (!pred) {
    for (const EvalCell& c : truth.cells) score_cell(c, nullptr, s.counts);
    return s;
  }
  s.counts.pred_tables = s.counts.matched_tables = 1;
  const Node ta = to_tree(truth), tb = to_tree(*pred);
  s.teds = known_teds ? *known_teds : teds(ta, tb, false);
  s.teds_s = teds(ta, tb, true);
  s.counts.teds_sum = s.teds;
  s.counts.teds_s_sum = s.teds_s;
  s.same_structure = same_structure(truth, *pred);
  std::vector<int> partner;
  if (s.same_structure) {
    partner = iota(int(truth.cells.size()));  // identical, identically sorted lattices
  } else {
    partner = counterparts_by_alignment(truth, *pred);
  }
  for (std::size_t i = 0; i < truth.cells.size(); ++i)
    score_cell(truth.cells[i], partner[i] >= 0 ? &pred->cells[partner[i]] : nullptr, s.counts);
  return s;
}
}  // namespace

TableScore score_table(const EvalTable& truth, const EvalTable* pred) { return score_pair(truth, pred, std::nullopt); }

// ---------------------------------------------------------------- tables
namespace {

// Hungarian method (Kuhn 1955; Munkres 1957), O(n^2 m) potentials form:
// minimum-cost assignment of each of n rows to a distinct column, n <= m.
std::vector<int> assign_rows(const std::vector<std::vector<double>>& cost, int n, int m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);  // p[j]: row (1-based) holding column j
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      int i0 = p[j0], j1 = 0;
      double delta = inf;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) minv[j] = cur, way[j] = j0;
        if (minv[j] < delta) delta = minv[j], j1 = j;
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) u[p[j]] += delta, v[j] -= delta;
        else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (int j = 1; j <= m; ++j)
    if (p[j] > 0) row_to_col[p[j] - 1] = j - 1;
  return row_to_col;
}

struct Pairing {
  std::vector<int> partner;                // per truth table: predicted partner or -1
  std::vector<std::vector<double>> score;  // TEDS, truth x pred
};

// Pairing of truth tables to predicted tables maximizing summed TEDS.
Pairing pair_tables(const std::vector<const EvalTable*>& truth, const std::vector<const EvalTable*>& pred,
                    double min_teds) {
  const int n = int(truth.size()), m = int(pred.size());
  std::vector<int> partner(n, -1);
  if (n == 0 || m == 0) return {partner, {}};
  std::vector<Node> ptrees;
  for (const EvalTable* p : pred) ptrees.push_back(to_tree(*p));
  std::vector<std::vector<double>> score(n, std::vector<double>(m));
  for (int i = 0; i < n; ++i) {
    const Node t = to_tree(*truth[i]);
    for (int j = 0; j < m; ++j) score[i][j] = teds(t, ptrees[j]);
  }
  const bool transpose = n > m;
  std::vector<std::vector<double>> cost(transpose ? m : n, std::vector<double>(transpose ? n : m));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) (transpose ? cost[j][i] : cost[i][j]) = 1.0 - score[i][j];
  auto rows = assign_rows(cost, transpose ? m : n, transpose ? n : m);
  for (int r = 0; r < int(rows.size()); ++r) {
    if (rows[r] < 0) continue;
    int i = transpose ? rows[r] : r, j = transpose ? r : rows[r];
    if (score[i][j] >= min_teds) partner[i] = j;
  }
  return {partner, score};
}

struct PageTables {
  std::string profile;
  std::vector<const EvalTable*> truth, pred;
};

}  // namespace

DocumentReport evaluate(const EvalDocument& truth, const EvalDocument* pred, const Options& options) {
  DocumentReport rep;
  rep.profile = truth.profile;
  rep.prediction_found = pred != nullptr;

  // Gather tables by page number (duplicate page entries are merged).
  std::map<int, PageTables> pages;
  for (const EvalPage& p : truth.pages) {
    PageTables& pt = pages[p.page];
    if (pt.profile.empty()) pt.profile = p.profile.empty() ? truth.profile : p.profile;
    for (const EvalTable& t : p.tables) pt.truth.push_back(&t);
  }
  if (pred) {
    for (const EvalPage& p : pred->pages) {
      PageTables& pt = pages[p.page];
      if (pt.profile.empty()) pt.profile = truth.profile;  // page absent from the truth
      for (const EvalTable& t : p.tables) pt.pred.push_back(&t);
    }
  }

  for (const auto& [number, pt] : pages) {
    Counts page;
    const Pairing pairing = pair_tables(pt.truth, pt.pred, options.min_match_teds);
    const std::vector<int>& partner = pairing.partner;
    std::vector<char> used(pt.pred.size(), 0);
    for (std::size_t i = 0; i < pt.truth.size(); ++i) {
      const EvalTable* p = partner[i] >= 0 ? pt.pred[partner[i]] : nullptr;
      if (partner[i] >= 0) used[partner[i]] = 1;
      TableScore s = p ? score_pair(*pt.truth[i], p, pairing.score[i][partner[i]]) : score_table(*pt.truth[i], nullptr);
      page += s.counts;
      rep.tables.push_back(TableMatch{.page = number,
                                      .truth_index = int(i),
                                      .pred_index = partner[i],
                                      .title = pt.truth[i]->title,
                                      .teds = s.teds,
                                      .teds_s = s.teds_s,
                                      .same_structure = s.same_structure});
    }
    for (std::size_t j = 0; j < pt.pred.size(); ++j) {
      if (used[j]) continue;
      ++page.pred_tables;  // false positive
      rep.tables.push_back(TableMatch{.page = number, .pred_index = int(j), .title = pt.pred[j]->title});
    }
    rep.by_profile[pt.profile] += page;
    rep.counts += page;
  }
  return rep;
}

}  // namespace scantab::eval
