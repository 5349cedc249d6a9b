// ocr::detect_orientation (Tesseract OSD, osd.traineddata): a block of
// Chinese budget text, turned by each quarter turn, comes back with the
// clockwise turn that makes it upright.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "ocr/ocr.hpp"
#include "render.hpp"

namespace scantab::ocr {
namespace {

// Several lines of a budget disclosure's text, as on a page.
Image text_block() {
  ocr_test::RenderSpec spec;
  spec.dpi = 200;
  return ocr_test::render(
      "2023年收入预算总计4981.70万元，其中一般公共预算拨款收入4981.70万元\n"
      "2023年支出预算总计4981.70万元，其中基本支出1722.90万元，占34.58%\n"
      "项目支出3258.79万元，占65.42%。一般公共服务支出4618.17万元\n"
      "社会保障和就业支出146.82万元；卫生健康支出63.90万元\n"
      "农林水支出13.60万元；住房保障支出139.20万元，住房公积金139.20万元\n"
      "机关运行经费预算为297.35万元，比上年预算增加12.06万元，增长4.23%\n"
      "主要用于办公费、印刷费、水电费、邮电费、物业管理费、差旅费\n"
      "维修（护）费、会议费、培训费、公务接待费、工会经费、福利费",
      spec);
}

Image turned_clockwise(const Image& image, int degrees) {
  if (degrees == 0) return image;
  cv::Mat out;
  cv::rotate(as_mat(image), out,
             degrees == 90 ? cv::ROTATE_90_CLOCKWISE : degrees == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
  return to_image(out);
}

TEST(Osd, FindsTheTurnThatMakesTheTextUpright) {
  const Image upright = text_block();
  for (int turn : {0, 90, 180, 270}) {
    auto guess = detect_orientation(turned_clockwise(upright, turn), 200);
    ASSERT_TRUE(guess.has_value()) << guess.error().message;
    EXPECT_EQ(guess->rotation_degrees, (360 - turn) % 360) << "page turned " << turn << " clockwise";
    EXPECT_GT(guess->confidence, 2.0) << turn;
  }
}

TEST(Osd, BlankPageIsAnErrorNotAGuess) {
  EXPECT_FALSE(detect_orientation(Image(800, 600, 1, 255), 200).has_value());
  EXPECT_FALSE(detect_orientation(Image{}, 200).has_value());
}

TEST(Osd, MissingModelIsAMissingDependency) {
  auto guess = detect_orientation(text_block(), 200, "/nonexistent-tessdata");
  ASSERT_FALSE(guess.has_value());
  EXPECT_EQ(guess.error().code, ErrorCode::kMissingDependency);
}

}  // namespace
}  // namespace scantab::ocr
