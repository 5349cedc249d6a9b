#!/bin/sh
# Renders every spec under several profiles/fonts/dpis into OUT_DIR (an evaluation corpus).
# Usage: tools/synth/make_corpus.sh BUILD_DIR OUT_DIR [SEED]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
synth=$1/tools/synth/scantab-synth
out=$2
seed=${3:-1}
for spec in "$here"/specs/*.json; do
  stem=$(basename "$spec" .json)
  "$synth" --out "$out" --seed "$seed" --profile clean  --dpi 200 --font "Noto Serif CJK SC" --name "${stem}__clean" "$spec"
  "$synth" --out "$out" --seed "$seed" --profile office --dpi 300 --font "AR PL UMing CN"    --name "${stem}__office" "$spec"
  "$synth" --out "$out" --seed "$seed" --profile rough  --dpi 200 --font "WenQuanYi Zen Hei" --name "${stem}__rough" "$spec"
  "$synth" --out "$out" --seed "$seed" --profile rotated --dpi 150 --font "Noto Sans CJK SC" --name "${stem}__rotated" "$spec"
done
