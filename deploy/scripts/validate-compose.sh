#!/usr/bin/env bash
# Validates docker-compose.yml with `docker compose config -q` (no Docker engine needed). When the docker CLI has
# no compose plugin (as on the CI machine), builds Docker Compose from the Go module proxy once into
# .cache/bin/docker-compose and runs that instead; it parses and validates the same way.
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-v5.6.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/.cache/bin/docker-compose"
cd "$root"

if docker compose version >/dev/null 2>&1; then
  exec docker compose config -q "$@"
fi

if [ ! -x "$bin" ] || [ "$("$bin" version --short 2>/dev/null)" != "${COMPOSE_VERSION#v}" ]; then
  command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || { echo "validate-compose: neither a compose plugin nor Go is available" >&2; exit 1; }
  echo "validate-compose: building Docker Compose $COMPOSE_VERSION into .cache/bin (once)" >&2
  start=$(date +%s)
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  export GOFLAGS="${GOFLAGS:--buildvcs=false}" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0
  # `go install pkg@version` refuses compose's module (its go.mod has exclude directives), so build it from a
  # throwaway main module that requires it with the same requirements and exclusions.
  gomod="$(go mod download -json "github.com/docker/compose/v5@$COMPOSE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  sed -e 's#^module .*#module llmtel.local/compose-build#' "$gomod" >"$work/go.mod"
  printf 'require github.com/docker/compose/v5 %s\n' "$COMPOSE_VERSION" >>"$work/go.mod"
  mkdir -p "$(dirname "$bin")"
  (cd "$work" && go build -mod=mod -trimpath \
    -ldflags="-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
    -o "$bin" github.com/docker/compose/v5/cmd)
  echo "validate-compose: built in $(($(date +%s) - start))s" >&2
fi

exec "$bin" config -q "$@"
