#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install dependencies, build, and
# convert the bundled sample scans. Outputs go to ./out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh
mkdir -p out/demo
./build/src/app/scantab convert samples/expenditure_total.pdf samples/sangong.pdf -o out/demo
echo
echo "Outputs are in $(pwd)/out/demo:"
ls -1 out/demo | sed 's/^/  /'
