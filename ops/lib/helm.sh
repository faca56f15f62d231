#!/usr/bin/env bash
# Builds helm (HELM_VERSION) once from the Go module proxy into the per-user cache, like the
# broker's jars, and prints the path of the binary. Run by ops/test and by the test session
# (tests/ops/helm_tool.py); messages go to stderr. The first build takes a few minutes (about 3
# on 2 cores with a warm Go module cache); later runs find the binary and return at once.
# ANONYMIZER_HELM=/path/to/helm uses a helm from elsewhere (a release binary) instead.
# Exit 1 with one line saying why when Go is missing or the build fails.
set -euo pipefail
HELM_VERSION="4.3.2"
if [ -n "${ANONYMIZER_HELM:-}" ]; then
  if [ ! -x "$ANONYMIZER_HELM" ]; then
    echo "error: ANONYMIZER_HELM=$ANONYMIZER_HELM is not an executable" >&2
    exit 1
  fi
  echo "$ANONYMIZER_HELM"
  exit 0
fi
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/event-anonymizer"
DIR="$CACHE/helm-$HELM_VERSION"
if [ -f "$DIR/.complete" ] && [ -x "$DIR/bin/helm" ]; then
  echo "$DIR/bin/helm"
  exit 0
fi
GO="${GO:-$(command -v go || true)}"
[ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; }
if [ -z "$GO" ] || ! command -v "$GO" >/dev/null; then
  echo "error: Go is not installed, so helm $HELM_VERSION cannot be built (install Go 1.24+" \
       "from https://go.dev/dl, or set ANONYMIZER_HELM to a helm $HELM_VERSION binary)" >&2
  exit 1
fi
mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9  # one build at a time (ops/test and a test session may both ask)
if [ ! -f "$DIR/.complete" ]; then
  echo "==> building helm $HELM_VERSION with $("$GO" version | cut -d' ' -f3) (once; a few" \
       "minutes) into $DIR/bin" >&2
  start=$(date +%s)
  rm -rf "$DIR/bin"
  if ! GOBIN="$DIR/bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$GO" install \
      -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
      "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" >&2; then
    echo "error: building helm $HELM_VERSION failed (see above)" >&2
    exit 1
  fi
  touch "$DIR/.complete"
  echo "==> built in $(( $(date +%s) - start )) s: $(du -sh "$DIR/bin" | cut -f1)" >&2
fi
echo "$DIR/bin/helm"
