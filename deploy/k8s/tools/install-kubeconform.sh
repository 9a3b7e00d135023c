#!/usr/bin/env bash
# Installs kubeconform from the Go module proxy into .cache/bin (once per version) and prints its path.
set -euo pipefail

KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bin="$root/.cache/bin/kubeconform"
stamp="$bin.version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$KUBECONFORM_VERSION" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "install-kubeconform: the Go toolchain is required" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0
mkdir -p "$(dirname "$bin")"
start=$(date +%s)
GOBIN="$(dirname "$bin")" go install -trimpath -ldflags='-s -w' \
  "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" >&2
echo "$KUBECONFORM_VERSION" >"$stamp"
echo "install-kubeconform: installed $KUBECONFORM_VERSION in $(($(date +%s) - start))s" >&2
echo "$bin"
