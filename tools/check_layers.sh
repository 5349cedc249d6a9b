#!/usr/bin/env bash
# Enforces the layering rule of ARCHITECTURE.md: a stage under src/ includes
# only its own headers and src/core; only `pipeline` (which composes stages)
# and `app` (the CLI) may include other stages. Exit 1 and list offenders.
set -euo pipefail
cd "$(dirname "$0")/../src"
status=0
for dir in */; do
  stage=${dir%/}
  case "$stage" in core|pipeline|app) continue ;; esac
  while IFS= read -r line; do
    file=${line%%:*}
    included=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
    if [ "$included" != "$stage" ] && [ "$included" != "core" ]; then
      echo "layering: src/$file includes stage '$included' (stages may include only core and themselves)"
      status=1
    fi
  done < <(grep -rHE '^#include "[^"/]+/' "$stage" || true)
done
# core depends on nothing of ours.
if grep -rHE '^#include "(?!core/)' core 2>/dev/null | grep -v '"core/' ; then status=1; fi
[ $status -eq 0 ] && echo "layering: ok"
exit $status
