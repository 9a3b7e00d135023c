#!/usr/bin/env bash
# Builds otelcol-llmtel (the collector with exactly the components in builder-config.yaml) into .cache/bin,
# using the OpenTelemetry Collector Builder installed from the Go module proxy. Skips the build when the binary
# was already built from the same manifest; set FORCE=1 to rebuild.
set -euo pipefail

BUILDER_VERSION=v0.159.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin_dir="$root/.cache/bin"
build_dir="$root/.cache/build/otelcol-llmtel"
manifest="$here/builder-config.yaml"
out="$bin_dir/otelcol-llmtel"
stamp="$out.manifest-sha256"

command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "build.sh: the Go toolchain is required (go not found)" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

want="$( { echo "$BUILDER_VERSION"; cat "$manifest"; } | sha256sum | cut -d' ' -f1)"
if [ "${FORCE:-0}" != 1 ] && [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "otelcol-llmtel is up to date: $out"
  exit 0
fi

mkdir -p "$bin_dir"
start=$(date +%s)
builder="$bin_dir/ocb-$BUILDER_VERSION"
if [ ! -x "$builder" ]; then
  echo "installing the collector builder $BUILDER_VERSION"
  tmp_bin="$(mktemp -d)"
  trap 'rm -rf "$tmp_bin"' EXIT
  GOBIN="$tmp_bin" go install -trimpath -ldflags='-s -w' "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
  mv "$tmp_bin/builder" "$builder"
fi

echo "building otelcol-llmtel from $manifest"
rm -rf "$build_dir"
mkdir -p "$build_dir"
# The manifest's output_path is relative; run from its directory so it resolves to .cache/build/otelcol-llmtel.
(cd "$here" && "$builder" --config "$manifest")
install -m 0755 "$build_dir/otelcol-llmtel" "$out"
echo "$want" >"$stamp"
echo "built $out in $(($(date +%s) - start))s"
