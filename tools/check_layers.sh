#!/usr/bin/env bash
# Enforces the layering rule of ARCHITECTURE.md: a stage under src/ includes
# only its own headers and src/core; only `pipeline` (which composes stages)
# and `app` (the CLI) may include other stages, plus the declared edges in
# `allowed` below (a stage that is built on another's value types, e.g.
# validate checks the typed records that forms produces). Exit 1 and list offenders.
set -euo pipefail
cd "$(dirname "$0")/../src"
stages=$(ls -d */ | tr -d /)
allowed="validate:forms"
status=0
for stage in $stages; do
  case "$stage" in pipeline|app) continue ;; esac
  while IFS= read -r line; do
    file=${line%%:*}
    included=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
    grep -qx "$included" <<<"$stages" || continue  # a third-party header such as "goo/…"
    grep -qw "$stage:$included" <<<"$allowed" && continue
    if [ "$included" != "$stage" ] && [ "$included" != "core" ]; then
      echo "layering: src/$file includes stage '$included' (a stage may include only core and itself)"
      status=1
    fi
  done < <(grep -rHE '^#include "[^"/]+/' "$stage" || true)
done
[ $status -eq 0 ] && echo "layering: ok"
exit $status
