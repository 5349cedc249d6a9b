// Degradation profiles: how a rendered page is made to look scanned. Internal.
//
// A Profile = render-time tweaks (ruling-line ink) + an ordered list of image
// operations + output encoding (grey/colour, JPEG quality). To add a profile,
// add one entry to the registry in degrade.cpp, composing the ops below.
#pragma once

#include <functional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "render.hpp"
#include "rng.hpp"

namespace scantab::synth {

// One page being degraded. `image` is BGR 8UC3 in the rendered page's pixels
// until an op rotates it.
struct PageContext {
  cv::Mat image;
  double dpi = 200;
  bool landscape = false;
  const TruthPage* truth = nullptr;  // geometry before degradation (for seal placement)
  std::string department;            // seal text
  std::string font;
  Rng* rng = nullptr;
  double applied_skew_degrees = 0;  // positive = counter-clockwise
  int applied_rotation_cw = 0;
};

using Op = std::function<void(PageContext&)>;

struct Profile {
  std::string name, description;
  std::function<void(RenderStyle&)> style;  // may be empty
  std::vector<Op> ops;
  bool colour = false;  // false: the PDF holds greyscale JPEGs
  int jpeg_quality = 85;
};

const Profile* find_profile(const std::string& name);  // nullptr if unknown
std::vector<std::string> profile_names();

// Building blocks (each documented where defined).
namespace ops {
Op skew(double max_degrees);
Op blur(double sigma_px_at_200dpi);
Op gaussian_noise(double sigma);
Op speckle(double dots_per_sq_inch);
Op bleed_through(double opacity);
Op seal(double probability);
Op paper_tint();
Op rotate_landscape();
}  // namespace ops

}  // namespace scantab::synth
