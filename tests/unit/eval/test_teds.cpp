// Tree edit distance and TEDS on small, hand-checked trees.
#include <functional>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "eval/eval.hpp"

namespace scantab::eval {
namespace {

Node N(std::string tag, std::vector<Node> children = {}) {
  return Node{.tag = std::move(tag), .children = std::move(children)};
}
Node td(std::string text, int row_span = 1, int col_span = 1) {
  return Node{.tag = "td", .row_span = row_span, .col_span = col_span, .content = normalize_text(text)};
}

TEST(TreeEditDistance, IdenticalTreesCostNothing) {
  Node t = N("a", {N("b", {N("c")}), N("d")});
  EXPECT_DOUBLE_EQ(tree_edit_distance(t, t), 0.0);
  EXPECT_EQ(tree_size(t), 4u);
}

TEST(TreeEditDistance, OneRelabel) {
  EXPECT_DOUBLE_EQ(tree_edit_distance(N("a", {N("b"), N("c")}), N("a", {N("b"), N("x")})), 1.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(N("a"), N("b")), 1.0);
}

TEST(TreeEditDistance, OneInsertion) {
  EXPECT_DOUBLE_EQ(tree_edit_distance(N("a", {N("b"), N("c")}), N("a", {N("b"), N("c"), N("d")})), 1.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(N("a"), N("a", {N("b")})), 1.0);
}

TEST(TreeEditDistance, DeletingAnInnerNodeLiftsItsChildren) {
  // a(b(c,d)) -> a(c,d): delete b only.
  EXPECT_DOUBLE_EQ(tree_edit_distance(N("a", {N("b", {N("c"), N("d")})}), N("a", {N("c"), N("d")})), 1.0);
}

TEST(TreeEditDistance, ZhangShashaPaperExample) {
  // Zhang & Shasha 1989, fig. 1 style: f(d(a,c(b)),e) vs f(c(d(a,b)),e) = 2
  // (delete c under d, insert c above d).
  Node t1 = N("f", {N("d", {N("a"), N("c", {N("b")})}), N("e")});
  Node t2 = N("f", {N("c", {N("d", {N("a"), N("b")})}), N("e")});
  EXPECT_DOUBLE_EQ(tree_edit_distance(t1, t2), 2.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(t2, t1), 2.0);
}

TEST(TreeEditDistance, TdRenameCosts) {
  // Span mismatch costs 1 whatever the content.
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("合计", 1, 2), td("合计", 1, 1)), 1.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("合计", 2, 1), td("合计", 1, 1), true), 1.0);
  // Same spans: normalized Levenshtein of contents (one of two code points).
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("合计"), td("合汁")), 0.5);
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("4981.70"), td("4981.76")), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(td(""), td("")), 0.0);
  EXPECT_DOUBLE_EQ(tree_edit_distance(td(""), td("abc")), 1.0);
  // Structure only: content ignored.
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("合计"), td("xyz"), true), 0.0);
  // Different tags.
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("x"), N("tr")), 1.0);
  // Full-width vs half-width parentheses are normalized alike.
  EXPECT_DOUBLE_EQ(tree_edit_distance(td("办公厅（室）"), td("办公厅(室)")), 0.0);
}

// Reference: the textbook forest recursion (Tai 1979 / Zhang–Shasha eq. 3),
// memoized on serialized forests; unit costs with string labels.
double reference_ted(const std::vector<const Node*>& f, const std::vector<const Node*>& g,
                     std::map<std::string, double>& memo) {
  std::function<std::string(const Node&)> ser = [&](const Node& n) {
    std::string s = n.tag + "(";
    for (const Node& c : n.children) s += ser(c) + ",";
    return s + ")";
  };
  auto size = [](const std::vector<const Node*>& forest) {
    std::size_t n = 0;
    for (const Node* t : forest) n += tree_size(*t);
    return double(n);
  };
  if (f.empty()) return size(g);
  if (g.empty()) return size(f);
  std::string key;
  for (const Node* t : f) key += ser(*t);
  key += "|";
  for (const Node* t : g) key += ser(*t);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  const Node &v = *f.back(), &w = *g.back();
  auto without_root = [](std::vector<const Node*> forest) {
    const Node* r = forest.back();
    forest.pop_back();
    for (const Node& c : r->children) forest.push_back(&c);
    return forest;
  };
  auto kids = [](const Node& n) {
    std::vector<const Node*> k;
    for (const Node& c : n.children) k.push_back(&c);
    return k;
  };
  std::vector<const Node*> f_rest(f.begin(), f.end() - 1), g_rest(g.begin(), g.end() - 1);
  double best = std::min(reference_ted(without_root(f), g, memo) + 1, reference_ted(f, without_root(g), memo) + 1);
  best = std::min(best, reference_ted(f_rest, g_rest, memo) + reference_ted(kids(v), kids(w), memo) +
                            (v.tag == w.tag ? 0.0 : 1.0));
  memo[key] = best;
  return best;
}

Node random_tree(std::mt19937& rng, int nodes) {
  // Attach each new node under a random earlier node (as its last child).
  std::uniform_int_distribution<int> label(0, 2);
  std::vector<std::vector<int>> children(nodes);
  for (int i = 1; i < nodes; ++i) children[std::uniform_int_distribution<int>(0, i - 1)(rng)].push_back(i);
  std::vector<std::string> labels(nodes);
  for (auto& l : labels) l = std::string(1, char('a' + label(rng)));
  std::function<Node(int)> build = [&](int i) {
    Node n = N(labels[i]);
    for (int c : children[i]) n.children.push_back(build(c));
    return n;
  };
  return build(0);
}

TEST(TreeEditDistance, AgreesWithReferenceRecursionOnRandomTrees) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 300; ++trial) {
    Node a = random_tree(rng, 1 + trial % 7), b = random_tree(rng, 1 + (trial / 7) % 7);
    std::map<std::string, double> memo;
    double expected = reference_ted({&a}, {&b}, memo);
    ASSERT_DOUBLE_EQ(tree_edit_distance(a, b), expected) << "trial " << trial;
  }
}

EvalTable grid(const std::vector<std::vector<std::string>>& rows) {
  EvalTable t;
  t.rows = int(rows.size());
  t.cols = rows.empty() ? 0 : int(rows[0].size());
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c) t.cells.push_back(EvalCell{.row = r, .col = c, .text = rows[r][c]});
  return t;
}

TEST(Teds, TableTreeShape) {
  EvalTable t = grid({{"项目", "金额"}, {"工资", "4981.70"}});
  Node tree = to_tree(t);
  EXPECT_EQ(tree.tag, "table");
  ASSERT_EQ(tree.children.size(), 2u);
  EXPECT_EQ(tree.children[1].children[1].content, U"4981.70");
  EXPECT_EQ(tree_size(tree), 7u);  // table + 2 tr + 4 td
}

TEST(Teds, OneChangedDigit) {
  EvalTable a = grid({{"项目", "金额"}, {"工资", "4981.70"}});
  EvalTable b = grid({{"项目", "金额"}, {"工资", "4981.76"}});
  EXPECT_DOUBLE_EQ(teds(a, a), 1.0);
  EXPECT_DOUBLE_EQ(teds(a, b), 1.0 - (1.0 / 7.0) / 7.0);
  EXPECT_DOUBLE_EQ(teds(a, b, true), 1.0);
}

TEST(Teds, LargeTableIsFast) {
  // 40 x 8 budget-like table against a perturbed copy (a row removed, digits changed).
  std::vector<std::vector<std::string>> rows;
  for (int r = 0; r < 40; ++r) {
    std::vector<std::string> row{std::to_string(2013100 + r), "一般行政管理事务" + std::to_string(r)};
    for (int c = 2; c < 8; ++c) row.push_back(std::to_string(1000 + r * 37 + c) + "." + std::to_string(10 + c));
    rows.push_back(row);
  }
  EvalTable a = grid(rows);
  rows.erase(rows.begin() + 17);
  rows[3][4] = "9999.99";
  rows[20][1] = "一般行攻管理事务";
  EvalTable b = grid(rows);
  double full = teds(a, b), structure = teds(a, b, true);
  EXPECT_LT(full, structure);
  // Structure: one tr and its 8 tds deleted from 1 + 40 + 320 = 361 nodes.
  EXPECT_DOUBLE_EQ(structure, 1.0 - 9.0 / 361.0);
}

}  // namespace
}  // namespace scantab::eval
