#!/usr/bin/env bash
# Sourced by ops/lib/helm.sh and ops/lib/prometheus.sh: builds a Go tool once from the Go module
# proxy into the per-user cache (like the broker's jars). Messages go to stderr; a failure exits
# 1 with one line saying why.
#   go_tool_dir NAME        sets GO_TOOL_DIR to the cache directory NAME (e.g. helm-4.3.2)
#   go_tool_ready TOOL...   true when a build completed there and left every TOOL in bin/
#   go_tool_find WHAT HINT [--say-which]
#                           sets GO (GO=/path/to/go picks one; else go on PATH, else Go's
#                           default place), or exits saying WHAT cannot be built: "set HINT"
#   go_tool_build WHAT ARG...
#                           runs `go install ARG...` into $GO_TOOL_DIR/bin, once: under a lock,
#                           and only if no build completed (variables given before the call,
#                           such as CGO_ENABLED=0, reach go)
set -euo pipefail

go_tool_dir() {
  GO_TOOL_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/event-anonymizer/$1"
}

go_tool_ready() {
  [ -f "$GO_TOOL_DIR/.complete" ] || return 1
  local tool
  for tool in "$@"; do
    [ -x "$GO_TOOL_DIR/bin/$tool" ] || return 1
  done
}

go_tool_find() {
  local what="$1" hint="$2" which=""
  if [ -z "${GO:-}" ]; then
    GO="$(command -v go || true)"
    [ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; } || true
  fi
  if [ -z "$GO" ] || ! command -v "$GO" >/dev/null; then
    [ "${3:-}" != --say-which ] || which="${GO:+ ($GO is not executable)}"
    echo "error: Go is not installed$which, so $what cannot be built (install Go 1.24+ from" \
         "https://go.dev/dl, or set $hint)" >&2
    exit 1
  fi
}

go_tool_build() {
  local what="$1" dir="$GO_TOOL_DIR" start
  shift
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock 9  # one build at a time (ops/test and a test session may both ask)
  if [ ! -f "$dir/.complete" ]; then
    echo "==> building $what with $("$GO" version | cut -d' ' -f3) (once; a few minutes)" \
         "into $dir/bin" >&2
    start=$(date +%s)
    rm -rf "$dir/bin"
    if ! GOBIN="$dir/bin" GOFLAGS=-buildvcs=false "$GO" install "$@" >&2; then
      echo "error: building $what failed (see above)" >&2
      exit 1
    fi
    touch "$dir/.complete"
    echo "==> built in $(( $(date +%s) - start )) s: $(du -sh "$dir/bin" | cut -f1)" >&2
  fi
}
