#!/bin/sh
# Regenerates the bundled synthetic samples from tools/synth/specs/.
# Usage: samples/regenerate.sh [BUILD_DIR]   (default: build; needs target scantab-synth)
# Deterministic: the same generator, fonts and seed give byte-identical files.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
synth=${1:-$root/build}/tools/synth/scantab-synth
specs=$root/tools/synth/specs
out=$root/samples

"$synth" --out "$out" --seed 1 --profile clean  --dpi 200 --font "Noto Serif CJK SC" "$specs/expenditure_total.json"
"$synth" --out "$out" --seed 1 --profile office --dpi 300 --font "WenQuanYi Zen Hei" "$specs/sangong.json"
"$synth" --out "$out" --seed 1 --profile rough  --dpi 200 --font "AR PL UMing CN" \
  --name income_total_rough "$specs/income_total.json"
# Regression sample: a landscape page turned 90° that the page cues turned the wrong
# way (read upside down, TEDS 0.07) until the OCR-confidence orientation check.
"$synth" --out "$out" --seed 1 --profile rotated --dpi 150 --font "Noto Sans CJK SC" \
  --name project_carryover_rotated "$specs/project_carryover.json"
