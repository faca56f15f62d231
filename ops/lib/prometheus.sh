#!/usr/bin/env bash
# Builds promtool and prometheus (the Prometheus release PROM_VERSION) once from the Go module
# proxy into the per-user cache, like the broker's jars, and prints the directory holding them.
# Run by ops/test and by the test session (tests/ops/promtools.py); messages go to stderr.
# `-tags remove_all_sd` leaves out the cloud service discoveries: half the size and build memory;
# the static and file configurations the project uses stay. The first build takes minutes (about
# 5 on 2 cores, up to ~1.5 GB of memory); later runs find the binaries and return at once.
# ANONYMIZER_PROMETHEUS_BIN=DIR uses binaries from elsewhere (e.g. a release tarball) instead.
# Exit 1 with one line saying why when Go is missing or the build fails.
set -euo pipefail
PROM_VERSION="3.16.0"
PROM_MODULE_VERSION="v0.316.0"  # Prometheus 3.x modules are tagged v0.3MM.P
if [ -n "${ANONYMIZER_PROMETHEUS_BIN:-}" ]; then
  for tool in promtool prometheus; do
    if [ ! -x "$ANONYMIZER_PROMETHEUS_BIN/$tool" ]; then
      echo "error: ANONYMIZER_PROMETHEUS_BIN=$ANONYMIZER_PROMETHEUS_BIN has no executable $tool" >&2
      exit 1
    fi
  done
  echo "$ANONYMIZER_PROMETHEUS_BIN"
  exit 0
fi
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/event-anonymizer"
DIR="$CACHE/prometheus-$PROM_VERSION"
if [ -f "$DIR/.complete" ] && [ -x "$DIR/bin/promtool" ] && [ -x "$DIR/bin/prometheus" ]; then
  echo "$DIR/bin"
  exit 0
fi
if [ -z "${GO:-}" ]; then  # GO=/path/to/go picks one; else go on PATH, else Go's default place
  GO="$(command -v go || true)"
  [ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; } || true
fi
if [ -z "$GO" ] || [ ! -x "$GO" ]; then
  echo "error: Go is not installed${GO:+ ($GO is not executable)}, so promtool and prometheus" \
       "$PROM_VERSION cannot be built (install Go 1.24+ from https://go.dev/dl, or set" \
       "ANONYMIZER_PROMETHEUS_BIN to a directory holding both)" >&2
  exit 1
fi
mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9  # one build at a time (ops/test and a test session may both ask)
if [ ! -f "$DIR/.complete" ]; then
  echo "==> building promtool and prometheus $PROM_VERSION with $("$GO" version | cut -d' ' -f3)" \
       "(once; a few minutes) into $DIR/bin" >&2
  start=$(date +%s)
  rm -rf "$DIR/bin"
  if ! GOBIN="$DIR/bin" GOFLAGS=-buildvcs=false "$GO" install -tags remove_all_sd \
      -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROM_VERSION" \
      "github.com/prometheus/prometheus/cmd/promtool@$PROM_MODULE_VERSION" \
      "github.com/prometheus/prometheus/cmd/prometheus@$PROM_MODULE_VERSION" >&2; then
    echo "error: building promtool and prometheus $PROM_VERSION failed (see above)" >&2
    exit 1
  fi
  touch "$DIR/.complete"
  echo "==> built in $(( $(date +%s) - start )) s: $(du -sh "$DIR/bin" | cut -f1)" >&2
fi
echo "$DIR/bin"
