#include "structure/structure.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

using namespace scantab;
using namespace scantab::structure;

namespace {

// A binary page (255 = ink) with filled rectangles standing in for text.
Image page_with_blocks(int w, int h, const std::vector<Rect>& blocks) {
  Image img(w, h, 1, 0);
  for (const Rect& b : blocks)
    for (int y = b.y; y < b.bottom(); ++y)
      for (int x = b.x; x < b.right(); ++x) img.row(y)[x] = 255;
  return img;
}

TextLine line(const std::string& text) { return TextLine{Rect{0, 0, 100, 20}, text}; }

}  // namespace

TEST(JoinCellLines, JoinsWrappedChineseWithoutSeparator) {
  EXPECT_EQ(join_cell_lines("机关事业单位基本养老\n保险缴费支出"), "机关事业单位基本养老保险缴费支出");
  EXPECT_EQ(join_cell_lines(" 行政运行 \n"), "行政运行");
  EXPECT_EQ(join_cell_lines("ABC\nDEF"), "ABC DEF");
  EXPECT_EQ(join_cell_lines(""), "");
}

TEST(ApplyCaptions, FindsTitleDepartmentAndUnit) {
  Table t;
  apply_captions(t,
                 {line("预算公开表3"), line("2023年预算支出总表"), line("部门名称：中国共产党忻州市委员会办公室"),
                  line("单位：万元")},
                 {line("注：本表无数据")});
  EXPECT_EQ(t.title, "2023年预算支出总表");
  EXPECT_EQ(t.department, "中国共产党忻州市委员会办公室");
  EXPECT_EQ(t.unit, "万元");
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_EQ(t.notes[0], "注：本表无数据");
  EXPECT_EQ(t.caption_lines.size(), 4u);
}

TEST(ApplyCaptions, ToleratesColonReadAsSemicolon) {
  Table t;
  apply_captions(t, {line("2023年预算支出总表"), line("部门名称；测试单位"), line("单位；万元")}, {});
  EXPECT_EQ(t.unit, "万元");
  EXPECT_EQ(t.department, "测试单位");
  Table jiangsu;  // as printed in the Jiangsu 2019 tables, colon read as a comma
  apply_captions(jiangsu, {line("支出预算总表"), line("部门：中共江苏省委办公厅"), line("单位，万元")}, {});
  EXPECT_EQ(jiangsu.department, "中共江苏省委办公厅");
  EXPECT_EQ(jiangsu.unit, "万元");
  EXPECT_EQ(jiangsu.title, "支出预算总表");
}

TEST(ApplyCaptions, HalfWidthColonAndNoTitleWord) {
  Table t;
  apply_captions(t, {line("忻州市项目支出绩效目标"), line("单位:元")}, {});
  EXPECT_EQ(t.unit, "元");
  EXPECT_EQ(t.title, "忻州市项目支出绩效目标");  // the widest non-caption line
}

TEST(FindTextSegments, SplitsLinesAndWideGaps) {
  const double dpi = 200;  // 1 mm = 7.87 px
  // Line 1: one title block; line 2: two blocks far apart (部门名称 … 单位).
  Image binary = page_with_blocks(1600, 400, {{400, 40, 600, 30}, {100, 120, 500, 25}, {1200, 120, 200, 25}});
  auto segs = find_text_segments(binary, Image{}, Rect{0, 0, 1600, 400}, dpi);
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_EQ(segs[0], (Rect{400, 40, 600, 30}));
  EXPECT_EQ(segs[1], (Rect{100, 120, 500, 25}));
  EXPECT_EQ(segs[2], (Rect{1200, 120, 200, 25}));
}

TEST(FindTextSegments, IgnoresMaskedLinesAndSpecks) {
  const double dpi = 200;
  Image binary = page_with_blocks(800, 300, {{0, 100, 800, 3}, {300, 20, 200, 30}, {50, 250, 2, 2}});
  Image mask = page_with_blocks(800, 300, {{0, 100, 800, 3}});
  auto segs = find_text_segments(binary, mask, Rect{0, 0, 800, 300}, dpi);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0], (Rect{300, 20, 200, 30}));
}

TEST(FindTextSegments, DropsLinesCutByTheRegionEdge) {
  const double dpi = 200;
  Image binary = page_with_blocks(800, 600, {{300, 100, 200, 30}, {300, 190, 200, 30}});
  // The region ends in the middle of the second line.
  auto segs = find_text_segments(binary, Image{}, Rect{0, 50, 800, 155}, dpi);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0], (Rect{300, 100, 200, 30}));
}

// Regression (performance_sheet_jincheng, rough profile): speckle all over a
// caption region glued its rows into one over-tall band, so the title was
// lost, and on the next page it made a "text line" that OCR read as 全全.
TEST(FindTextSegments, SpeckleNeitherHidesLinesNorMakesThem) {
  const double dpi = 200;  // specks up to ~0.5 mm (4 px), one every ~3 mm in each row band
  std::vector<Rect> blocks{{400, 120, 600, 30}};
  for (int y = 2; y < 290; y += 11)
    for (int x = (y * 7) % 23; x < 1590; x += 97) blocks.push_back(Rect{x, y, 1 + (x + y) % 4, 1 + (x * y) % 4});
  const Image binary = page_with_blocks(1600, 300, blocks);
  auto segs = find_text_segments(binary, Image{}, Rect{0, 0, 1600, 300}, dpi);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_GE(segs[0].y, 118);
  EXPECT_LE(segs[0].bottom(), 152);
  EXPECT_GE(segs[0].x, 300);
  EXPECT_LE(segs[0].right(), 1100);

  blocks.erase(blocks.begin());  // specks only: no text line at all
  EXPECT_TRUE(find_text_segments(page_with_blocks(1600, 300, blocks), Image{}, Rect{0, 0, 1600, 300}, dpi).empty());
}

TEST(CaptionRegions, StopAtNeighbouringGrid) {
  Grid a, b;
  a.bounds = Rect{100, 300, 1400, 600};
  b.bounds = Rect{100, 1200, 1400, 500};
  auto regions = caption_regions({a, b}, 1654, 2339, 200);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].above.bottom(), 300);
  EXPECT_GE(regions[0].above.y, 0);
  EXPECT_EQ(regions[1].above.y, 900);  // never above the previous grid's bottom
  EXPECT_LE(regions[0].below.bottom(), 1200);
  EXPECT_EQ(regions[1].above.bottom(), 1200);
}

TEST(Assemble, KeepsSpansBoxesAndRawText) {
  Grid g;
  g.bounds = Rect{0, 0, 300, 100};
  g.row_edges = {0, 50, 100};
  g.col_edges = {0, 100, 200, 300};
  g.cells = {{0, 0, 1, 2, {0, 0, 200, 50}}, {0, 2, 2, 1, {200, 0, 100, 100}}, {1, 0, 1, 1, {0, 50, 100, 50}},
             {1, 1, 1, 1, {100, 50, 100, 50}}};
  Table t = assemble(g, {{"项目", 0.9}, {"合\n计", 0.8}, {"201", 0.95}, {"", 1.0}}, 2);
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(t.cols, 3);
  EXPECT_EQ(t.page_index, 2);
  ASSERT_EQ(t.cells.size(), 4u);
  EXPECT_EQ(t.cells[0].col_span, 2);
  EXPECT_EQ(t.cells[1].row_span, 2);
  EXPECT_EQ(t.cells[1].text, "合计");
  EXPECT_EQ(t.cells[1].ocr_text, "合\n计");
  EXPECT_DOUBLE_EQ(t.cells[2].confidence, 0.95);
}

namespace {

// A table of `rows` x 3 on `page`: row r, col c holds "r<r>c<c>" unless a
// header text is given for that row.
Table lattice_table(int page, int rows, const std::string& title, std::vector<std::vector<std::string>> header = {}) {
  Table t;
  t.page_index = page;
  t.rows = rows;
  t.cols = 3;
  t.title = title;
  t.bbox = Rect{100, 100, 900, rows * 40};
  const int xs[] = {100, 250, 600};
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < 3; ++c) {
      Cell cell;
      cell.row = r;
      cell.col = c;
      cell.box = Rect{xs[c], 100 + r * 40, 100, 40};
      cell.text = r < int(header.size()) ? header[r][c] : "p" + std::to_string(page) + "r" + std::to_string(r) + "c" + std::to_string(c);
      t.cells.push_back(cell);
    }
  return t;
}

PageResult page_with(int index, std::vector<Table> tables) {
  PageResult p;
  p.page_index = index;
  p.tables = std::move(tables);
  return p;
}

}  // namespace

TEST(Stitch, JoinsUntitledContinuationWithSameColumns) {
  std::vector<PageResult> pages = {page_with(0, {lattice_table(0, 5, "2023年预算收支总表")}),
                                   page_with(1, {lattice_table(1, 3, "")})};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  ASSERT_EQ(pages[0].tables.size(), 1u);
  EXPECT_TRUE(pages[1].tables.empty());
  const Table& t = pages[0].tables[0];
  EXPECT_EQ(t.rows, 8);
  EXPECT_EQ(t.cells.size(), 24u);
  EXPECT_EQ(t.row_pages, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(t.cells.back().row, 7);
  EXPECT_EQ(t.cells.back().text, "p1r2c2");
  EXPECT_EQ(pages[1].notes.back(), "table continued from page 1");
}

TEST(Stitch, DropsRepeatedHeaderRows) {
  std::vector<std::vector<std::string>> header = {{"项目", "合计", "基本支出"}};
  std::vector<PageResult> pages = {page_with(0, {lattice_table(0, 4, "2023年预算支出总表", header)}),
                                   page_with(1, {lattice_table(1, 3, "", header)})};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  EXPECT_EQ(pages[0].tables[0].rows, 6);  // 4 + 3 - 1 repeated header row
}

TEST(Stitch, KeepsTitledOrDifferentTablesApart) {
  std::vector<PageResult> titled = {page_with(0, {lattice_table(0, 4, "表一")}), page_with(1, {lattice_table(1, 3, "表二")})};
  EXPECT_EQ(stitch_continued_tables(titled), 0);
  Table narrow = lattice_table(1, 3, "");
  narrow.cols = 2;
  std::vector<PageResult> other = {page_with(0, {lattice_table(0, 4, "表一")}), page_with(1, {narrow})};
  EXPECT_EQ(stitch_continued_tables(other), 0);
}

TEST(Stitch, RunsOverThreePages) {
  std::vector<PageResult> pages = {page_with(0, {lattice_table(0, 4, "表一")}), page_with(1, {lattice_table(1, 4, "")}),
                                   page_with(2, {lattice_table(2, 2, "")})};
  EXPECT_EQ(stitch_continued_tables(pages), 2);
  EXPECT_EQ(pages[0].tables[0].rows, 10);
  EXPECT_EQ(pages[0].tables[0].row_pages.back(), 2);
}

namespace {

// A table on `page` whose lattice has column edges `xs` and row edges `ys`
// (pixels); `spans` lists {row, col, row_span, col_span} for every cell, row-major.
// Each cell's text is "p<page>:<row>,<col>".
Table ruled_table(int page, const std::string& title, std::vector<int> xs, std::vector<int> ys,
                  const std::vector<std::array<int, 4>>& spans) {
  Table t;
  t.page_index = page;
  t.title = title;
  t.rows = int(ys.size()) - 1;
  t.cols = int(xs.size()) - 1;
  t.bbox = Rect{xs.front(), ys.front(), xs.back() - xs.front(), ys.back() - ys.front()};
  for (const auto& [r, c, rs, cs] : spans) {
    Cell cell{.row = r, .col = c, .row_span = rs, .col_span = cs};
    cell.box = Rect{xs[c], ys[r], xs[c + cs] - xs[c], ys[r + rs] - ys[r]};
    cell.text = "p" + std::to_string(page) + ":" + std::to_string(r) + "," + std::to_string(c);
    t.cells.push_back(cell);
  }
  return t;
}

// Every single cell spans of a rows x cols lattice.
std::vector<std::array<int, 4>> single_cells(int rows, int cols) {
  std::vector<std::array<int, 4>> spans;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) spans.push_back({r, c, 1, 1});
  return spans;
}

// An A4 portrait page at 300 dpi.
PageResult a4_page(int index, std::vector<Table> tables) {
  PageResult p = page_with(index, std::move(tables));
  p.width = 2480;
  p.height = 3508;
  p.dpi = 300;
  return p;
}

// Whether the cells are row-major and cover the rows x cols lattice exactly once.
bool covers_lattice_once(const Table& t) {
  std::vector<int> hits(std::size_t(t.rows) * t.cols, 0);
  std::pair<int, int> last{-1, -1};
  for (const Cell& c : t.cells) {
    if (std::pair{c.row, c.col} <= last) return false;
    last = {c.row, c.col};
    if (c.row + c.row_span > t.rows || c.col + c.col_span > t.cols) return false;
    for (int r = c.row; r < c.row + c.row_span; ++r)
      for (int k = c.col; k < c.col + c.col_span; ++k) ++hits[std::size_t(r) * t.cols + k];
  }
  return std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; });
}

const Cell* cell_at(const Table& t, int row, int col) {
  for (const Cell& c : t.cells)
    if (c.row == row && c.col == col) return &c;
  return nullptr;
}

// A performance sheet: the header block on page 0 (3 columns, ending mid-page)
// and the indicator block continued at the top of page 1 (5 columns whose
// edges include all of page 0's).
std::vector<PageResult> performance_sheet(const std::string& continuation_title, int continuation_right = 2200,
                                          int continuation_top = 200) {
  Table head = ruled_table(0, "项目支出绩效目标申报表", {200, 600, 1400, 2200}, {400, 500, 600, 2000},
                           {{0, 0, 1, 1}, {0, 1, 1, 2}, {1, 0, 2, 1}, {1, 1, 1, 1}, {1, 2, 1, 1}, {2, 1, 1, 2}});
  const int t = continuation_top;
  Table indicators = ruled_table(1, continuation_title, {200, 600, 1000, 1400, 1800, continuation_right},
                                 {t, t + 100, t + 200, t + 300},
                                 {{0, 0, 3, 1}, {0, 1, 1, 1}, {0, 2, 1, 1}, {0, 3, 1, 1}, {0, 4, 1, 1},
                                  {1, 1, 2, 1}, {1, 2, 1, 1}, {1, 3, 1, 1}, {1, 4, 1, 1},
                                  {2, 2, 1, 1}, {2, 3, 1, 1}, {2, 4, 1, 1}});
  return {a4_page(0, {head}), a4_page(1, {indicators})};
}

}  // namespace

TEST(Stitch, JoinsContinuationWithOtherColumnsOnTheUnionLattice) {
  auto pages = performance_sheet("");
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  ASSERT_EQ(pages[0].tables.size(), 1u);
  EXPECT_TRUE(pages[1].tables.empty());
  EXPECT_EQ(pages[1].notes.back(), "table continued from page 1");
  const Table& t = pages[0].tables[0];
  EXPECT_EQ(t.rows, 6);
  EXPECT_EQ(t.cols, 5);  // edges 200 600 1000 1400 1800 2200
  EXPECT_EQ(t.row_pages, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_TRUE(covers_lattice_once(t));
  EXPECT_EQ(t.cells.size(), 6u + 12u);
  // Page 0's cells keep their extent: 600..1400 now spans two union columns, 600..2200 four.
  const Cell* wide = cell_at(t, 0, 1);
  ASSERT_NE(wide, nullptr);
  EXPECT_EQ(wide->text, "p0:0,1");
  EXPECT_EQ(wide->col_span, 4);
  const Cell* mid = cell_at(t, 1, 1);
  ASSERT_NE(mid, nullptr);
  EXPECT_EQ(mid->col_span, 2);
  const Cell* right = cell_at(t, 1, 3);
  ASSERT_NE(right, nullptr);
  EXPECT_EQ(right->text, "p0:1,2");
  EXPECT_EQ(right->col_span, 2);
  // Page 1's cells keep their columns and row spans, moved down by page 0's rows.
  const Cell* block = cell_at(t, 3, 0);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->text, "p1:0,0");
  EXPECT_EQ(block->row_span, 3);
  EXPECT_EQ(block->col_span, 1);
  EXPECT_EQ(block->box.y, 200);  // boxes stay in their own page's frame
}

TEST(Stitch, JoinsOtherColumnsWhenTheTableRunsToThePageBottom) {
  // Column edges that do not nest (700 vs 600/1400): the evidence is where the parts sit.
  Table head = ruled_table(0, "表一", {200, 700, 2200}, {2600, 2800, 3300}, single_cells(2, 2));
  Table rest = ruled_table(1, "", {200, 600, 1400, 2200}, {150, 250}, single_cells(1, 3));
  std::vector<PageResult> pages = {a4_page(0, {head}), a4_page(1, {rest})};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  const Table& t = pages[0].tables[0];
  EXPECT_EQ(t.cols, 4);  // edges 200 600 700 1400 2200
  EXPECT_TRUE(covers_lattice_once(t));
  EXPECT_EQ(cell_at(t, 0, 0)->col_span, 2);  // 200..700
  EXPECT_EQ(cell_at(t, 0, 2)->col_span, 2);  // 700..2200
  EXPECT_EQ(cell_at(t, 2, 1)->col_span, 2);  // 600..1400
  EXPECT_EQ(t.row_pages, (std::vector<int>{0, 0, 1}));
}

TEST(Stitch, JoinsOtherColumnsThatShareMostEdges) {
  // Seed-5 office performance sheet: the header block ends mid-page, and 5 of
  // its 6 inner column rules are rules of the indicator block too.
  Table head = ruled_table(0, "项目支出绩效目标申报表", {200, 400, 600, 900, 1200, 1400, 1600, 2200}, {400, 500, 1800},
                           single_cells(2, 7));
  Table rest = ruled_table(1, "", {200, 400, 600, 800, 1200, 1400, 1600, 2000, 2200}, {150, 250, 350},
                           single_cells(2, 8));
  std::vector<PageResult> pages = {a4_page(0, {head}), a4_page(1, {rest})};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  const Table& t = pages[0].tables[0];
  EXPECT_EQ(t.cols, 9);  // union: 200 400 600 800 900 1200 1400 1600 2000 2200
  EXPECT_TRUE(covers_lattice_once(t));
  // Half the rules shared is not enough.
  Table half = ruled_table(1, "", {200, 400, 700, 1000, 1300, 1500, 1800, 2200}, {150, 250}, single_cells(1, 7));
  std::vector<PageResult> apart = {a4_page(0, {head}), a4_page(1, {half})};
  EXPECT_EQ(stitch_continued_tables(apart), 0);
}

TEST(Stitch, ContinuationMarkerIsNoTitle) {
  auto pages = performance_sheet("续表");
  pages[1].tables[0].caption_lines = {"续表"};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
}

TEST(Stitch, KeepsOtherColumnsApartWithoutEvidence) {
  auto titled = performance_sheet("2023年项目支出绩效目标表");
  EXPECT_EQ(stitch_continued_tables(titled), 0);
  auto narrower = performance_sheet("", 1900);  // right edges 2200 vs 1900
  EXPECT_EQ(stitch_continued_tables(narrower), 0);
  auto low = performance_sheet("", 2200, 1500);  // continuation starts mid-page
  EXPECT_EQ(stitch_continued_tables(low), 0);
  auto captioned = performance_sheet("");
  captioned[1].tables[0].caption_lines = {"单位：万元"};
  EXPECT_EQ(stitch_continued_tables(captioned), 0);
  // Edges that do not nest, and the first table ends mid-page: nothing says it runs on.
  Table head = ruled_table(0, "表一", {200, 700, 2200}, {400, 600, 1800}, single_cells(2, 2));
  Table other = ruled_table(1, "", {200, 600, 1400, 2200}, {150, 250}, single_cells(1, 3));
  std::vector<PageResult> unrelated = {a4_page(0, {head}), a4_page(1, {other})};
  EXPECT_EQ(stitch_continued_tables(unrelated), 0);
  ASSERT_EQ(unrelated[1].tables.size(), 1u);
  EXPECT_EQ(unrelated[0].tables[0].cols, 2);
  // ... unless a note under it says so.
  unrelated[0].tables[0].notes = {"本页完，转下页"};
  EXPECT_EQ(stitch_continued_tables(unrelated), 1);
}

TEST(Stitch, NoiseWithoutChineseIsNoTitle) {
  std::vector<PageResult> pages = {page_with(0, {lattice_table(0, 4, "2023年预算收支总表")}),
                                   page_with(1, {lattice_table(1, 2, "@")})};
  EXPECT_EQ(stitch_continued_tables(pages), 1);
  EXPECT_EQ(pages[0].tables[0].rows, 6);
}

TEST(Stitch, OtherColumnsOverThreePagesUseTheLastPartsPosition) {
  auto pages = performance_sheet("");
  // Page 1's part runs to the bottom of its page; page 2 goes on with columns that do not nest.
  pages[1].tables[0] = ruled_table(1, "", {200, 600, 1000, 1400, 1800, 2200}, {200, 1500, 3000}, single_cells(2, 5));
  pages.push_back(a4_page(2, {ruled_table(2, "", {200, 700, 2200}, {150, 250}, single_cells(1, 2))}));
  EXPECT_EQ(stitch_continued_tables(pages), 2);
  const Table& t = pages[0].tables[0];
  EXPECT_EQ(t.cols, 6);  // edges 200 600 700 1000 1400 1800 2200
  EXPECT_EQ(t.row_pages, (std::vector<int>{0, 0, 0, 1, 1, 2}));
  EXPECT_TRUE(covers_lattice_once(t));
  EXPECT_EQ(cell_at(t, 5, 0)->col_span, 2);  // 200..700
  EXPECT_EQ(cell_at(t, 5, 2)->col_span, 4);  // 700..2200
  EXPECT_EQ(pages[2].notes.back(), "table continued from page 1");
}
