#include "grid/lattice.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace scantab::grid::detail {

std::vector<Edge> cluster_lines(std::vector<LineSeg> segs, int tol) {
  std::sort(segs.begin(), segs.end(),
            [](const LineSeg& a, const LineSeg& b) { return a.across < b.across; });
  std::vector<Edge> edges;
  std::size_t i = 0;
  while (i < segs.size()) {
    std::size_t j = i + 1;
    while (j < segs.size() && segs[j].across - segs[j - 1].across <= tol) ++j;
    double weight = 0, sum = 0, lo = 1e18, hi = -1e18;
    int start = segs[i].start, end = segs[i].end;
    for (std::size_t k = i; k < j; ++k) {
      const LineSeg& s = segs[k];
      const double len = std::max(1, s.end - s.start + 1);
      weight += len;
      sum += len * s.across;
      lo = std::min(lo, s.across - s.thickness / 2);
      hi = std::max(hi, s.across + s.thickness / 2);
      start = std::min(start, s.start);
      end = std::max(end, s.end);
    }
    Edge e;
    e.pos = int(std::lround(sum / weight));
    // A line of thickness t centred at c occupies pixels [c - t/2 + 0.5, c + t/2 - 0.5].
    e.lo = std::min(e.pos, int(std::lround(lo + 0.5)));
    e.hi = std::max(e.pos, int(std::lround(hi - 0.5)));
    e.start = start;
    e.end = end;
    edges.push_back(e);
    i = j;
  }
  return edges;
}

namespace {

std::vector<int> empty_interior(const std::vector<std::vector<double>>& cov, double threshold) {
  std::vector<int> out;
  for (int i = 1; i + 1 < int(cov.size()); ++i) {
    const auto& segs = cov[i];
    if (std::none_of(segs.begin(), segs.end(), [&](double c) { return c >= threshold; }))
      out.push_back(i);
  }
  return out;
}

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  }
  void unite(int a, int b) { parent[find(a)] = find(b); }
};

}  // namespace

std::vector<int> empty_interior_rows(const Coverage& cov, double threshold) {
  return empty_interior(cov.h, threshold);
}
std::vector<int> empty_interior_cols(const Coverage& cov, double threshold) {
  return empty_interior(cov.v, threshold);
}

std::vector<GridCell> merge_cells(const Coverage& cov, double threshold) {
  const int rows = cov.rows(), cols = cov.cols();
  if (rows <= 0 || cols <= 0) return {};
  auto id = [cols](int r, int c) { return r * cols + c; };

  UnionFind uf(rows * cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (c + 1 < cols && cov.v[c + 1][r] < threshold) uf.unite(id(r, c), id(r, c + 1));
      if (r + 1 < rows && cov.h[r + 1][c] < threshold) uf.unite(id(r, c), id(r + 1, c));
    }
  }

  std::vector<int> group(rows * cols);
  for (int k = 0; k < rows * cols; ++k) group[k] = uf.find(k);
  std::vector<char> taken(rows * cols, 0);
  auto free_in = [&](int r, int c, int g) { return !taken[id(r, c)] && group[id(r, c)] == g; };

  std::vector<GridCell> cells;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (taken[id(r, c)]) continue;
      const int g = group[id(r, c)];
      int w = 1;
      while (c + w < cols && free_in(r, c + w, g)) ++w;
      int h = 1;
      while (r + h < rows) {
        bool full = true;
        for (int k = 0; k < w && full; ++k) full = free_in(r + h, c + k, g);
        if (!full) break;
        ++h;
      }
      for (int dr = 0; dr < h; ++dr)
        for (int dc = 0; dc < w; ++dc) taken[id(r + dr, c + dc)] = 1;
      cells.push_back(GridCell{r, c, h, w, Rect{}});
    }
  }
  return cells;
}

double clean_fraction(const Coverage& cov, const std::vector<Edge>& row_edges,
                      const std::vector<Edge>& col_edges, double low, double high) {
  int total = 0, clean = 0;
  auto count = [&](const std::vector<std::vector<double>>& m, const std::vector<Edge>& edges) {
    for (std::size_t i = 0; i < m.size() && i < edges.size(); ++i) {
      if (edges[i].synthetic) continue;
      for (double c : m[i]) {
        ++total;
        if (c <= low || c >= high) ++clean;
      }
    }
  };
  count(cov.h, row_edges);
  count(cov.v, col_edges);
  return total == 0 ? 0.0 : double(clean) / total;
}

}  // namespace scantab::grid::detail
