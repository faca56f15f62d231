#!/usr/bin/env bash
# Builds helm (HELM_VERSION) once from the Go module proxy into the per-user cache, like the
# broker's jars, and prints the path of the binary. Run by ops/test and by the test session
# (tests/ops/helm_tool.py); messages go to stderr. The first build takes a few minutes (about 3
# on 2 cores with a warm Go module cache); later runs find the binary and return at once.
# ANONYMIZER_HELM=/path/to/helm uses a helm from elsewhere (a release binary) instead.
# Exit 1 with one line saying why when Go is missing or the build fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go_tool.sh"
HELM_VERSION="4.3.2"
if [ -n "${ANONYMIZER_HELM:-}" ]; then
  if [ ! -x "$ANONYMIZER_HELM" ]; then
    echo "error: ANONYMIZER_HELM=$ANONYMIZER_HELM is not an executable" >&2
    exit 1
  fi
  echo "$ANONYMIZER_HELM"
  exit 0
fi
go_tool_dir "helm-$HELM_VERSION"
if ! go_tool_ready helm; then
  go_tool_find "helm $HELM_VERSION" "ANONYMIZER_HELM to a helm $HELM_VERSION binary"
  CGO_ENABLED=0 go_tool_build "helm $HELM_VERSION" \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"
fi
echo "$GO_TOOL_DIR/bin/helm"
