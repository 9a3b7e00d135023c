#!/usr/bin/env bash
# Builds the Jaeger v2 binary (cmd/jaeger) from the Go module proxy into .cache/bin/jaeger.
# Skips the build when that binary was already built from the pinned version; set FORCE=1 to rebuild.
#
# Jaeger's v2 tags (v2.x.y) cannot be fetched by tag: the module path has no /v2 suffix, so the Go toolchain only
# accepts v1 versions or pseudo-versions of a commit. A v2 release is therefore pinned by its commit:
#   * v1.76.0 is the tag Jaeger put on the same commit as v2.13.0 (63b27e1810a710ac54dc4522da0538e540bdc545);
#   * a later release would be pinned as its pseudo-version, found with
#       go list -m github.com/jaegertracing/jaeger@<commit of the v2 tag>
#     (for v2.20.0: v1.76.1-0.20260720033334-798e4b0fcf22), but the module proxy this project builds from serves
#     none of those, so v2.13.0 is the newest v2 release that can be built here. Override with JAEGER_MODULE_VERSION.
# `go install pkg@version` refuses this module because its go.mod has a replace directive, so the script downloads
# the module source (checksum-verified by the Go toolchain) and builds it as the main module.
set -euo pipefail

JAEGER_MODULE_VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
JAEGER_RELEASE="${JAEGER_RELEASE:-v2.13.0}"
JAEGER_COMMIT="${JAEGER_COMMIT:-63b27e1810a710ac54dc4522da0538e540bdc545}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin_dir="$root/.cache/bin"
src_dir="$root/.cache/build/jaeger-src"
out="$bin_dir/jaeger"
stamp="$out.version"

command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "build.sh: the Go toolchain is required (go not found)" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

want="github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION"
if [ "${FORCE:-0}" != 1 ] && [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "jaeger is up to date: $out ($JAEGER_RELEASE)"
  exit 0
fi

mkdir -p "$bin_dir" "$root/.cache/build"
start=$(date +%s)
echo "downloading $want (Jaeger $JAEGER_RELEASE)"
module_dir="$(cd "$root/.cache/build" && go mod download -json "$want" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$module_dir" ] && [ -d "$module_dir" ] || { echo "build.sh: could not download $want" >&2; exit 1; }

rm -rf "$src_dir"
cp -R "$module_dir" "$src_dir"
chmod -R u+w "$src_dir"

echo "building jaeger $JAEGER_RELEASE"
pkg=github.com/jaegertracing/jaeger/internal/version
(cd "$src_dir" && go build -trimpath -mod=readonly \
  -ldflags "-s -w -X $pkg.latestVersion=$JAEGER_RELEASE -X $pkg.commitSHA=$JAEGER_COMMIT -X $pkg.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -o "$out.tmp" ./cmd/jaeger)
mv "$out.tmp" "$out"
rm -rf "$src_dir"
echo "$want" >"$stamp"
echo "built $out in $(($(date +%s) - start))s"
