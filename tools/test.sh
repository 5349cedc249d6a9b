#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install dependencies, build, and
# run the whole test suite (unit tests per stage and golden end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh
cd build
ctest --output-on-failure -j "$(nproc)"
