// splash_upscale: Splash's bilinear upscale of a scanned page image, done on
// the decoded JPEG directly (see internal.hpp). The arithmetic is in double
// and truncates to 8 bits after each direction, as Splash's does; the test
// compares whole pages byte for byte with Poppler's rendering.
#include <cmath>
#include <cstring>
#include <vector>

#include "raster/internal.hpp"

namespace scantab::raster::detail {
namespace {

// Sample position -> (index of the left/upper sample, weight of the next).
// Positions advance by `step` from 0, accumulated as Splash accumulates them.
struct Tap {
  int index;
  double weight;
};

std::vector<Tap> taps(int scaled, int source) {
  std::vector<Tap> out(static_cast<std::size_t>(scaled));
  const double step = static_cast<double>(source) / scaled;
  double position = 0.0;
  for (auto& tap : out) {
    double whole;
    tap.weight = std::modf(position, &whole);
    tap.index = static_cast<int>(whole);
    position += step;
  }
  return out;
}

// One source row expanded along x to `xs.size()` samples. `row` holds
// (width + 1) * channels bytes: the last sample repeated once past the end.
void expand_row(const unsigned char* row, int channels, const std::vector<Tap>& xs, unsigned char* out) {
  for (std::size_t x = 0; x < xs.size(); ++x) {
    const unsigned char* a = row + static_cast<std::size_t>(xs[x].index) * channels;
    const double w = xs[x].weight;
    for (int c = 0; c < channels; ++c)
      out[x * channels + c] = static_cast<unsigned char>(a[c] * (1.0 - w) + a[channels + c] * w);
  }
}

}  // namespace

Image splash_upscale(const Image& src, int scaled_width, int scaled_height, int page_width, int page_height) {
  const int channels = src.channels;
  const int width = std::min(page_width, scaled_width), height = std::min(page_height, scaled_height);
  Image out(width, height, channels);
  if (src.empty() || width <= 0 || height <= 0) return out;
  const std::vector<Tap> xs = [&] {
    auto all = taps(scaled_width, src.width);
    all.resize(static_cast<std::size_t>(width));  // columns past the page are clipped
    return all;
  }();
  const std::vector<Tap> ys = taps(scaled_height, src.height);

  // Source rows padded by one repeated sample, and their x-expansions; the
  // two rows an output row interpolates between are cached as `upper`/`lower`.
  const std::size_t row_bytes = static_cast<std::size_t>(src.width) * channels;
  std::vector<unsigned char> padded(row_bytes + channels);
  auto expanded = [&](int y, std::vector<unsigned char>& into) {
    const int clamped = std::min(y, src.height - 1);
    std::memcpy(padded.data(), src.row(clamped), row_bytes);
    std::memcpy(padded.data() + row_bytes, src.row(clamped) + row_bytes - channels, channels);
    into.resize(static_cast<std::size_t>(width) * channels);
    expand_row(padded.data(), channels, xs, into.data());
  };
  std::vector<unsigned char> upper, lower;
  int upper_y = -1;
  for (int y = 0; y < height; ++y) {
    const int i = ys[static_cast<std::size_t>(y)].index;
    if (i != upper_y) {
      if (i == upper_y + 1 && !lower.empty()) {
        std::swap(upper, lower);
      } else {
        expanded(i, upper);
      }
      expanded(i + 1, lower);
      upper_y = i;
    }
    const double w = ys[static_cast<std::size_t>(y)].weight;
    unsigned char* o = out.row(y);
    for (std::size_t k = 0; k < upper.size(); ++k)
      o[k] = static_cast<unsigned char>(upper[k] * (1.0 - w) + lower[k] * w);
  }
  return out;
}

}  // namespace scantab::raster::detail
