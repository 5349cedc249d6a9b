// scantab-synth: thin CLI over scantab_synth_lib (see synth.hpp).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "synth.hpp"

namespace {

void usage() {
  std::fprintf(
      stderr,
      "usage: scantab-synth [options] SPEC.json...\n"
      "  --out DIR        output directory (default .)\n"
      "  --name STEM      output name (one spec only; default: spec 'name' or file stem)\n"
      "  --dpi N          150/200/300 (default: spec default, else 200)\n"
      "  --font FAMILY    'AR PL UMing CN', 'Noto Serif CJK SC', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC'\n"
      "  --profile P      degradation profile (default: spec default, else clean)\n"
      "  --seed N         RNG seed (default 1)\n"
      "  --png            also write NAME-pN.png page images\n"
      "  --list-profiles  print the profiles and exit\n");
}

}  // namespace

int main(int argc, char** argv) {
  namespace synth = scantab::synth;
  synth::GenerateOptions opts;
  std::vector<std::string> specs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "scantab-synth: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--out")
      opts.out_dir = value();
    else if (arg == "--name")
      opts.name = value();
    else if (arg == "--dpi")
      opts.dpi = std::atof(value().c_str());
    else if (arg == "--font")
      opts.font = value();
    else if (arg == "--profile")
      opts.profile = value();
    else if (arg == "--seed") {
      const std::string v = value();
      if (std::from_chars(v.data(), v.data() + v.size(), opts.seed).ec != std::errc()) {
        std::fprintf(stderr, "scantab-synth: bad --seed %s\n", v.c_str());
        return 2;
      }
    } else if (arg == "--png")
      opts.png = true;
    else if (arg == "--list-profiles") {
      for (const auto& p : synth::available_profiles()) std::printf("%s\n", p.c_str());
      return 0;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (arg.starts_with("--")) {
      std::fprintf(stderr, "scantab-synth: unknown option %s\n", arg.c_str());
      usage();
      return 2;
    } else
      specs.push_back(arg);
  }
  if (specs.empty() || (opts.name && specs.size() > 1)) {
    usage();
    return 2;
  }
  int status = 0;
  for (const auto& path : specs) {
    auto doc = synth::load_spec(path);
    if (!doc) {
      std::fprintf(stderr, "scantab-synth: %s\n", doc.error().c_str());
      status = 1;
      continue;
    }
    auto result = synth::generate(*doc, opts);
    if (!result) {
      std::fprintf(stderr, "scantab-synth: %s: %s\n", path.c_str(), result.error().c_str());
      status = 1;
      continue;
    }
    std::printf("%s\n", result->pdf.c_str());
  }
  return status;
}
