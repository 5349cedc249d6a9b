// eval TEDS: table trees and the Zhang–Shasha tree edit distance.
//
// Zhang & Shasha (1989): number the nodes in postorder, let l(i) be the
// leftmost leaf descendant of node i, and call a node a keyroot if it is the
// root or has a left sibling (equivalently: the highest-numbered node with its
// l value). For every pair of keyroots (i, j) a forest-distance table over the
// postorder ranges l(i)..i x l(j)..j is filled; entries where both prefixes
// are whole subtrees give the tree distance td(x, y), which later keyroot
// pairs reuse. Each (x, y) rename cost is evaluated exactly once.
#include <algorithm>
#include <vector>

#include "eval/eval.hpp"

namespace scantab::eval {
namespace {

struct Flat {
  std::vector<const Node*> nodes;  // postorder
  std::vector<int> lml;            // leftmost leaf descendant, postorder index
  std::vector<int> keyroots;       // ascending
};

int flatten(const Node& node, Flat& f) {
  int leftmost = -1;
  for (const Node& child : node.children) {
    int c = flatten(child, f);
    if (leftmost < 0) leftmost = f.lml[c];
  }
  f.nodes.push_back(&node);
  int self = int(f.nodes.size()) - 1;
  f.lml.push_back(leftmost < 0 ? self : leftmost);
  return self;
}

Flat flatten(const Node& root) {
  Flat f;
  flatten(root, f);
  std::vector<char> seen(f.nodes.size(), 0);
  for (int i = int(f.nodes.size()) - 1; i >= 0; --i) {
    if (!seen[f.lml[i]]) {
      seen[f.lml[i]] = 1;
      f.keyroots.push_back(i);
    }
  }
  std::reverse(f.keyroots.begin(), f.keyroots.end());
  return f;
}

double rename_cost(const Node& a, const Node& b, bool structure_only) {
  if (a.tag != b.tag) return 1.0;
  if (a.tag != "td") return 0.0;
  if (a.row_span != b.row_span || a.col_span != b.col_span) return 1.0;
  if (structure_only) return 0.0;
  std::size_t longest = std::max(a.content.size(), b.content.size());
  if (longest == 0) return 0.0;
  return double(levenshtein(a.content, b.content)) / double(longest);
}

}  // namespace

std::size_t tree_size(const Node& tree) {
  std::size_t n = 1;
  for (const Node& c : tree.children) n += tree_size(c);
  return n;
}

Node to_tree(const EvalTable& table) {
  Node root{.tag = "table"};
  root.children.assign(std::size_t(std::max(table.rows, 0)), Node{.tag = "tr"});
  for (const EvalCell& cell : table.cells) {  // row-major, so tds stay in column order
    if (cell.row < 0 || cell.row >= table.rows) continue;
    root.children[cell.row].children.push_back(Node{.tag = "td",
                                                    .row_span = cell.row_span,
                                                    .col_span = cell.col_span,
                                                    .content = normalize_text(cell.text)});
  }
  return root;
}

double tree_edit_distance(const Node& a, const Node& b, bool structure_only) {
  const Flat A = flatten(a), B = flatten(b);
  const int n = int(A.nodes.size()), m = int(B.nodes.size());
  std::vector<double> td(std::size_t(n) * m, 0.0);
  std::vector<double> fd(std::size_t(n + 1) * (m + 1), 0.0);

  for (int i : A.keyroots) {
    for (int j : B.keyroots) {
      const int li = A.lml[i], lj = B.lml[j];
      const int rows = i - li + 2, cols = j - lj + 2;  // forest prefixes incl. the empty one
      // fd row x = forest A[li .. li+x-1]; column y = forest B[lj .. lj+y-1].
      for (int y = 0; y < cols; ++y) fd[y] = y;  // insert
      for (int x = 1; x < rows; ++x) {
        const int ax = li + x - 1;
        const bool a_whole = A.lml[ax] == li;  // prefix x is the whole subtree of ax
        const double* prev = &fd[std::size_t(x - 1) * cols];
        const double* before_ax = &fd[std::size_t(A.lml[ax] - li) * cols];
        double* cur = &fd[std::size_t(x) * cols];
        double* td_row = &td[std::size_t(ax) * m];
        cur[0] = prev[0] + 1;  // delete
        for (int y = 1; y < cols; ++y) {
          const int by = lj + y - 1;
          const double edit = std::min(prev[y], cur[y - 1]) + 1;
          if (a_whole && B.lml[by] == lj) {  // both prefixes are whole trees
            const double rename = prev[y - 1] + rename_cost(*A.nodes[ax], *B.nodes[by], structure_only);
            cur[y] = td_row[by] = std::min(edit, rename);
          } else {
            cur[y] = std::min(edit, before_ax[B.lml[by] - lj] + td_row[by]);
          }
        }
      }
    }
  }
  return td[std::size_t(n - 1) * m + (m - 1)];
}

double teds(const Node& a, const Node& b, bool structure_only) {
  const double longest = double(std::max(tree_size(a), tree_size(b)));
  return std::clamp(1.0 - tree_edit_distance(a, b, structure_only) / longest, 0.0, 1.0);
}

double teds(const EvalTable& truth, const EvalTable& pred, bool structure_only) {
  return teds(to_tree(truth), to_tree(pred), structure_only);
}

}  // namespace scantab::eval
