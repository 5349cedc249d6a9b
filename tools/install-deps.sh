#!/usr/bin/env bash
# Installs everything scantab needs to build, run and test on Debian 12
# (bookworm), from Debian's own package registry only. Idempotent; safe to re-run.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # OCR engine, Chinese language data, orientation data
  # (tesseract-ocr-osd: osd.traineddata for the orientation fallback; tesseract-ocr pulls it in too)
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd libtesseract-dev libleptonica-dev
  # images and PDFs
  libopencv-dev libpoppler-cpp-dev libpoppler-private-dev poppler-utils
  # text, output, CLI
  libicu-dev nlohmann-json3-dev libfmt-dev libcli11-dev libxlsxwriter-dev libcpp-httplib-dev libsqlite3-dev
  # synthetic scans and tests: rendering Chinese with real fonts
  libcairo2-dev libpango1.0-dev fonts-noto-cjk fonts-arphic-uming fonts-wqy-zenhei
  googletest libgtest-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
