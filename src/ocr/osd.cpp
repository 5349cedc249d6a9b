// ocr::detect_orientation: Tesseract's orientation and script detection (OSD).
//
// TessBaseAPI initialised with the "osd" language (osd.traineddata, Debian
// package tesseract-ocr-osd, a dependency of tesseract-ocr) and
// PSM_OSD_ONLY; DetectOrientationScript() reports orient_deg, "the detected
// clockwise rotation of the input image" (baseapi.h): the content was turned
// clockwise by orient_deg, so turning it clockwise by (360 - orient_deg) % 360
// makes it upright. orient_conf: "15.0 is reasonably confident".
// The OSD model is the legacy classifier, so the engine is OEM_TESSERACT_ONLY.
#include <tesseract/baseapi.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <opencv2/imgproc.hpp>

#include "core/cv_image.hpp"
#include "ocr/ocr.hpp"
#include "ocr/tessdata.hpp"

namespace scantab::ocr {

Result<OrientationGuess> detect_orientation(const Image& gray, double dpi, const std::filesystem::path& tessdata_dir) {
  if (gray.empty()) return fail(ErrorCode::kInternal, "ocr::detect_orientation: empty image");
  auto found = detail::find_tessdata(tessdata_dir, "osd");
  if (!found)
    return fail(ErrorCode::kMissingDependency,
                "ocr: osd.traineddata not found; install it, e.g. `apt-get install tesseract-ocr-osd`");
  const std::filesystem::path dir = *found;
  try {
    cv::Mat g = as_mat(gray);
    if (gray.channels != 1) cv::cvtColor(g, g, gray.channels == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    // One OSD engine per process, used under a lock: OSD runs only on pages
    // whose layout cues are ambiguous, rarely and one page at a time.
    static std::mutex mutex;
    static std::unique_ptr<tesseract::TessBaseAPI> api;
    static std::filesystem::path api_dir;
    std::lock_guard lock(mutex);
    if (!api || api_dir != dir) {
      api = std::make_unique<tesseract::TessBaseAPI>();
      std::vector<std::string> names = {"debug_file"}, values = {"/dev/null"};
      if (api->Init(dir.c_str(), "osd", tesseract::OEM_TESSERACT_ONLY, nullptr, 0, &names, &values, false) != 0) {
        api.reset();
        return fail(ErrorCode::kMissingDependency, "ocr: Tesseract could not load osd from " + dir.string());
      }
      api_dir = dir;
    }
    api->SetPageSegMode(tesseract::PSM_OSD_ONLY);
    api->SetImage(g.data, g.cols, g.rows, 1, int(g.step[0]));
    api->SetSourceResolution(std::clamp(int(std::lround(dpi)), 70, 2400));
    int orient_deg = 0;
    float orient_conf = 0, script_conf = 0;
    const char* script = nullptr;
    const bool ok = api->DetectOrientationScript(&orient_deg, &orient_conf, &script, &script_conf);
    api->Clear();
    if (!ok) return fail(ErrorCode::kInternal, "ocr: OSD found too little text to decide");
    OrientationGuess guess;
    guess.rotation_degrees = ((360 - orient_deg) % 360 + 360) % 360;
    guess.confidence = orient_conf;
    guess.script = script ? script : "";
    return guess;
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("ocr::detect_orientation: ") + e.what());
  }
}

}  // namespace scantab::ocr
