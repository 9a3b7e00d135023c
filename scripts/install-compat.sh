#!/usr/bin/env bash
# Installs the older SDK versions the instrumentations are tested against (the lower ends of their supported
# ranges). Each lives in its own small npm project under packages/*/test/compat/<name>/ with a committed lock file,
# so the workspace itself keeps only the current SDKs.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in packages/*/test/compat/*/; do
  [ -f "$dir/package.json" ] || continue
  if [ -f "$dir/package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  else
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
