// Zero-copy views between scantab::Image and cv::Mat, for the .cpp files of
// stages that use OpenCV. Include only from .cpp files (keeps cv:: out of
// public headers).
#pragma once

#include <opencv2/core.hpp>

#include "core/core.hpp"

namespace scantab {

// A cv::Mat header over the image's pixels (no copy; the image must outlive it).
inline cv::Mat as_mat(Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.pixels.data());
}
inline cv::Mat as_mat(const Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels),
                 const_cast<std::uint8_t*>(image.pixels.data()));
}

// A deep copy of an 8-bit 1- or 3-channel Mat into an Image.
inline Image to_image(const cv::Mat& mat) {
  CV_Assert(mat.depth() == CV_8U && (mat.channels() == 1 || mat.channels() == 3));
  Image image(mat.cols, mat.rows, mat.channels());
  cv::Mat view = as_mat(image);
  mat.copyTo(view);
  return image;
}

}  // namespace scantab
