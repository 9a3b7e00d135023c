#!/usr/bin/env bash
# `npm run validate:k8s`: validates every manifest in deploy/k8s offline with kubeconform (strict: unknown fields
# and wrong types fail) against Kubernetes 1.34 schemas made from the k8s.io/kubernetes module, and checks that
# the gateway ConfigMap still carries otel-collector.yaml verbatim. kubeconform and the schemas are built once
# into .cache/ from the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

kubeconform="$(bash "$here/tools/install-kubeconform.sh")"
schemas="$(node "$here/tools/k8s-schemas.mjs")"
node "$here/tools/gateway-config.mjs" --check
"$kubeconform" -strict -summary -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$here"/*.yaml
