#!/bin/sh
# Benchmark: generates a small seeded corpus (one page per profile/font/dpi, the
# same pages as the CI ratchet in tests/corpus) and runs `scantab bench` on it:
# scantab vs `tesseract PAGE - -l chi_sim --psm 6`, same pages, same parallelism,
# pages/min, peak RSS and scantab's accuracy. Figures go to BENCHMARKS.md by hand.
# Usage: tools/bench/run.sh BUILD_DIR WORK_DIR [JOBS] [--full]
#   --full: the whole make_corpus.sh corpus (every spec x 4 profiles; slow).
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
work=$2
jobs=${3:-2}
synth=$build/tools/synth/scantab-synth
specs=$here/tools/synth/specs
rm -rf "$work/corpus"
mkdir -p "$work/corpus"
if [ "${4:-}" = "--full" ]; then
  "$here/tools/synth/make_corpus.sh" "$build" "$work/corpus" 1 >/dev/null
else
  gen() { "$synth" --out "$work/corpus" --seed 7 --profile "$2" --dpi "$3" --font "$4" --name "$1__$2" "$specs/$1.json" >/dev/null; }
  gen sangong clean 200 "Noto Serif CJK SC"
  gen hebei_general_expenditure office 300 "AR PL UMing CN"
  gen performance_sheet office 200 "WenQuanYi Zen Hei"
  gen income_total rough 200 "WenQuanYi Zen Hei"
  gen project_carryover rotated 150 "Noto Sans CJK SC"
fi
OMP_THREAD_LIMIT=1 "$build/src/app/scantab" bench "$work/corpus" -w "$work/run" -j "$jobs" --json "$work/bench.json"
