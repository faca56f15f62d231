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
source "$(dirname "${BASH_SOURCE[0]}")/go_tool.sh"
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
go_tool_dir "prometheus-$PROM_VERSION"
if ! go_tool_ready promtool prometheus; then
  go_tool_find "promtool and prometheus $PROM_VERSION" \
    "ANONYMIZER_PROMETHEUS_BIN to a directory holding both" --say-which
  go_tool_build "promtool and prometheus $PROM_VERSION" -tags remove_all_sd \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROM_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROM_MODULE_VERSION" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROM_MODULE_VERSION"
fi
echo "$GO_TOOL_DIR/bin"
