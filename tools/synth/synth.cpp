#include "synth.hpp"

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "degrade.hpp"
#include "pdf_writer.hpp"
#include "render.hpp"
#include "truth.hpp"

namespace scantab::synth {
namespace {

// Independent, reproducible stream per page (splitmix64 finaliser of seed and page).
std::uint64_t page_seed(std::uint64_t seed, int page) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * std::uint64_t(page + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::expected<void, std::string> write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) return std::unexpected("cannot write " + path.string());
  return {};
}

}  // namespace

std::vector<std::string> available_profiles() { return profile_names(); }

std::expected<GenerateResult, std::string> generate(const DocSpec& doc, const GenerateOptions& opts) {
  const std::string name = opts.name.value_or(doc.name.empty() ? std::string("synth") : doc.name);
  const std::string font = opts.font.value_or(doc.defaults.font.value_or("Noto Serif CJK SC"));
  const std::string profile_name = opts.profile.value_or(doc.defaults.profile.value_or("clean"));
  const double dpi = opts.dpi.value_or(doc.defaults.dpi.value_or(200));
  if (dpi < 72 || dpi > 600) return std::unexpected("dpi must be within 72..600");
  const Profile* profile = find_profile(profile_name);
  if (!profile) return std::unexpected("unknown profile '" + profile_name + "'");

  RenderStyle style;
  style.font = font;
  style.dpi = dpi;
  if (profile->style) profile->style(style);

  std::error_code ec;
  std::filesystem::create_directories(opts.out_dir, ec);
  GenerateResult result;
  result.pdf = opts.out_dir / (name + ".pdf");
  result.truth_json = opts.out_dir / (name + ".truth.json");
  result.truth_html = opts.out_dir / (name + ".truth.html");

  TruthDoc truth;
  truth.source = name + ".pdf";
  truth.generator = {{"tool", "scantab-synth"},
                     {"font", font},
                     {"dpi", dpi},
                     {"profile", profile_name},
                     {"seed", opts.seed}};
  std::vector<ScannedPage> scanned;
  for (std::size_t i = 0; i < doc.pages.size(); ++i) {
    Rng rng(page_seed(opts.seed, int(i)));
    auto rendered = render_page(doc.pages[i], int(i) + 1, style, rng);
    if (!rendered) return std::unexpected(rendered.error());

    PageContext ctx;
    ctx.image = std::move(rendered->bgr);
    ctx.dpi = dpi;
    ctx.landscape = doc.pages[i].landscape;
    ctx.truth = &rendered->truth;
    ctx.department = rendered->department;
    ctx.font = font;
    ctx.rng = &rng;
    for (const auto& op : profile->ops) op(ctx);
    rendered->truth.applied_skew_degrees = ctx.applied_skew_degrees;
    rendered->truth.applied_rotation_cw = ctx.applied_rotation_cw;
    truth.pages.push_back(std::move(rendered->truth));

    ScannedPage page;
    page.dpi = dpi;
    if (profile->colour)
      page.pixels = ctx.image;
    else
      cv::cvtColor(ctx.image, page.pixels, cv::COLOR_BGR2GRAY);
    if (!cv::imencode(".jpg", page.pixels, page.jpeg,
                      {cv::IMWRITE_JPEG_QUALITY, profile->jpeg_quality, cv::IMWRITE_JPEG_OPTIMIZE, 1}))
      return std::unexpected("JPEG encoding failed");
    if (opts.png) {  // the decoded JPEG, i.e. exactly what the PDF shows
      auto path = opts.out_dir / (name + "-p" + std::to_string(i + 1) + ".png");
      if (!cv::imwrite(path.string(), cv::imdecode(page.jpeg, cv::IMREAD_UNCHANGED)))
        return std::unexpected("cannot write " + path.string());
      result.pngs.push_back(path);
    }
    scanned.push_back(std::move(page));
  }

  result.truth = to_json(truth);
  if (auto fault = check_lattice(result.truth); !fault.empty())
    return std::unexpected("internal: inconsistent truth: " + fault);
  if (auto ok = write_scanned_pdf(result.pdf, scanned); !ok) return std::unexpected(ok.error());
  if (auto ok = write_text(result.truth_json, result.truth.dump(1) + "\n"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = write_text(result.truth_html, to_html(truth)); !ok) return std::unexpected(ok.error());
  return result;
}

}  // namespace scantab::synth
