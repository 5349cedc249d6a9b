#include "degrade.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>

#include "seal.hpp"

namespace scantab::synth {
namespace ops {

// Rotate the page by U(-max, max) degrees about its centre (white fill), like
// paper placed askew on the scanner glass.
Op skew(double max_degrees) {
  return [max_degrees](PageContext& p) {
    const double angle = p.rng->uniform(-max_degrees, max_degrees);
    const cv::Point2f centre(p.image.cols / 2.0f, p.image.rows / 2.0f);
    const cv::Mat m = cv::getRotationMatrix2D(centre, angle, 1.0);  // positive = counter-clockwise
    cv::warpAffine(p.image, p.image, m, p.image.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar::all(255));
    p.applied_skew_degrees += angle;
  };
}

// Gaussian blur; sigma given for 200 dpi and scaled with the page's dpi.
Op blur(double sigma_px_at_200dpi) {
  return [sigma_px_at_200dpi](PageContext& p) {
    cv::GaussianBlur(p.image, p.image, cv::Size(0, 0), sigma_px_at_200dpi * p.dpi / 200.0);
  };
}

// Additive Gaussian noise of standard deviation `sigma` grey levels, same on all channels.
Op gaussian_noise(double sigma) {
  return [sigma](PageContext& p) {
    cv::RNG cvrng(p.rng->next());
    cv::Mat noise(p.image.size(), CV_16SC1);
    cvrng.fill(noise, cv::RNG::NORMAL, 0, sigma);
    cv::Mat noise3;
    cv::merge(std::vector<cv::Mat>{noise, noise, noise}, noise3);
    cv::Mat wide;
    p.image.convertTo(wide, CV_16SC3);
    wide += noise3;
    wide.convertTo(p.image, CV_8UC3);  // saturates
  };
}

// Small dark dust specks, `dots_per_sq_inch` on average.
Op speckle(double dots_per_sq_inch) {
  return [dots_per_sq_inch](PageContext& p) {
    const double sq_in = double(p.image.cols) * p.image.rows / (p.dpi * p.dpi);
    const int n = int(dots_per_sq_inch * sq_in);
    for (int i = 0; i < n; ++i) {
      const cv::Point c(p.rng->uniform_int(0, p.image.cols - 1), p.rng->uniform_int(0, p.image.rows - 1));
      const double r = p.rng->uniform(0.4, 1.6) * p.dpi / 200.0;
      const int g = p.rng->uniform_int(20, 140);
      cv::ellipse(p.image, c, cv::Size(std::max(1, int(r)), std::max(1, int(r * p.rng->uniform(0.5, 1.5)))),
                  p.rng->uniform(0, 180), 0, 360, cv::Scalar::all(g), cv::FILLED, cv::LINE_AA);
    }
  };
}

// The reverse side showing through: a blurred, mirrored, slightly shifted copy
// of the page multiplied in at `opacity`.
Op bleed_through(double opacity) {
  return [opacity](PageContext& p) {
    cv::Mat back;
    cv::flip(p.image, back, 1);
    const double shift_x = p.rng->uniform(-0.02, 0.02) * p.image.cols;
    const double shift_y = p.rng->uniform(-0.01, 0.01) * p.image.rows;
    const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, shift_x, 0, 1, shift_y);
    cv::warpAffine(back, back, m, back.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(255));
    cv::GaussianBlur(back, back, cv::Size(0, 0), 1.5 * p.dpi / 200.0);
    cv::Mat f, b;
    p.image.convertTo(f, CV_32FC3, 1 / 255.0);
    back.convertTo(b, CV_32FC3, 1 / 255.0);
    // f * (1 - opacity * (1 - b))
    cv::Mat factor = cv::Scalar::all(1.0 - opacity) + b * opacity;
    f = f.mul(factor);
    f.convertTo(p.image, CV_8UC3, 255.0);
  };
}

// With `probability`, stamp a red round seal (42 mm) over cells in the lower
// right part of the page's first table, multiplied into the page.
Op seal(double probability) {
  return [probability](PageContext& p) {
    if (!p.rng->chance(probability)) return;
    const int d = int(std::lround(p.rng->uniform(38, 44) / 25.4 * p.dpi));
    cv::Point2d centre(p.image.cols * 0.7, p.image.rows * 0.75);
    if (p.truth && !p.truth->tables.empty()) {
      const auto& b = p.truth->tables.front().bbox;
      centre = {b.x + b.w * p.rng->uniform(0.55, 0.85), b.y + b.h * p.rng->uniform(0.35, 0.85)};
    }
    const std::string text = p.department.empty() ? "预算专用章" : p.department;
    cv::Mat mask = render_seal_mask(text, "Noto Sans CJK SC", d, *p.rng);
    const cv::Mat rot =
        cv::getRotationMatrix2D(cv::Point2f(d / 2.0f, d / 2.0f), p.rng->uniform(-35, 35), 1.0);
    cv::warpAffine(mask, mask, rot, mask.size());
    const cv::Vec3f ink(60 / 255.0f, 40 / 255.0f, 210 / 255.0f);  // BGR, printing red
    const int x0 = int(centre.x) - d / 2, y0 = int(centre.y) - d / 2;
    for (int y = 0; y < d; ++y) {
      const int py = y0 + y;
      if (py < 0 || py >= p.image.rows) continue;
      for (int x = 0; x < d; ++x) {
        const int px = x0 + x;
        if (px < 0 || px >= p.image.cols) continue;
        const float a = mask.at<uchar>(y, x) / 255.0f * 0.92f;
        if (a <= 0) continue;
        auto& pix = p.image.at<cv::Vec3b>(py, px);
        for (int ch = 0; ch < 3; ++ch) pix[ch] = cv::saturate_cast<uchar>(pix[ch] * (1 - a * (1 - ink[ch])));
      }
    }
  };
}

// Slightly yellowed paper (multiplies B and G a little).
Op paper_tint() {
  return [](PageContext& p) { cv::multiply(p.image, cv::Scalar(0.90, 0.96, 0.99), p.image); };
}

// A landscape page turned by 90 degrees (randomly clockwise or counter-clockwise),
// as when a landscape table is printed and scanned on portrait paper.
Op rotate_landscape() {
  return [](PageContext& p) {
    if (!p.landscape) return;
    const bool cw = p.rng->chance(0.5);
    cv::rotate(p.image, p.image, cw ? cv::ROTATE_90_CLOCKWISE : cv::ROTATE_90_COUNTERCLOCKWISE);
    p.applied_rotation_cw = (p.applied_rotation_cw + (cw ? 90 : 270)) % 360;
  };
}

}  // namespace ops

namespace {

const std::map<std::string, Profile>& registry() {
  static const std::map<std::string, Profile> profiles = [] {
    std::map<std::string, Profile> r;
    r["clean"] = Profile{"clean", "no degradation; grey JPEG q90", {}, {}, false, 90};
    r["office"] = Profile{"office", "office scanner: skew up to 1.5 deg, slight blur, noise; grey JPEG q60",
                          {},       {ops::skew(1.5), ops::blur(0.6), ops::gaussian_noise(6), ops::blur(0.5)},
                          false,    60};
    r["rough"] = Profile{
        "rough",
        "bad copy: skew up to 3 deg, faded/broken ruling, red seal, bleed-through, speckle, colour JPEG q35",
        [](RenderStyle& s) {
          s.line_gray = 0.12;
          s.line_gray_jitter = 0.45;
          s.line_break_prob = 0.15;
          s.text_gray = 0.1;
        },
        {ops::seal(1.0), ops::bleed_through(0.12), ops::paper_tint(), ops::skew(3.0), ops::blur(0.7),
         ops::speckle(6), ops::gaussian_noise(8), ops::blur(0.4)},
        true,
        35};
    r["rotated"] = Profile{
        "rotated",
        "landscape pages turned 90 deg, mild office noise; grey JPEG q60",
        {},
        {ops::skew(0.8), ops::blur(0.6), ops::gaussian_noise(5), ops::blur(0.5), ops::rotate_landscape()},
        false,
        60};
    return r;
  }();
  return profiles;
}

}  // namespace

const Profile* find_profile(const std::string& name) {
  const auto& r = registry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : &it->second;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& [name, profile] : registry()) names.push_back(name);
  return names;
}

}  // namespace scantab::synth
