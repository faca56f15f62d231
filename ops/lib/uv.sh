#!/usr/bin/env bash
# Sourced by ops/bootstrap.sh, ops/lock and ops/check-ranges: finds Python 3.11+ and a pinned uv.
# uv is installed once with pip into the per-user cache, never from anywhere but the package index.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-python3}"
UV_VERSION="0.13.9"  # the uv that wrote uv.lock; bump it together with the lock
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/event-anonymizer"
export UV_PYTHON_DOWNLOADS=never  # use the machine's Python, never download one

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 or newer is needed (found: $("$PY" --version 2>&1 || echo none));" \
       "set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
PY="$(command -v "$PY")"

if [ -n "${UV:-}" ] && "$UV" --version 2>/dev/null | grep -qx "uv $UV_VERSION"; then
  :  # a uv of the pinned version given by the caller
elif command -v uv >/dev/null && uv --version 2>/dev/null | grep -q "^uv $UV_VERSION\b"; then
  UV="$(command -v uv)"
else
  UV="$CACHE/uv-$UV_VERSION/bin/uv"
  if [ ! -x "$UV" ]; then
    echo "==> installing uv $UV_VERSION (once) into $CACHE/uv-$UV_VERSION" >&2
    rm -rf "$CACHE/uv-$UV_VERSION"
    "$PY" -m venv "$CACHE/uv-$UV_VERSION"
    if ! "$CACHE/uv-$UV_VERSION/bin/python" -m pip install -q --disable-pip-version-check \
        "uv==$UV_VERSION"; then
      rm -rf "$CACHE/uv-$UV_VERSION"
      echo "error: could not install uv $UV_VERSION from the package index" >&2
      exit 1
    fi
  fi
fi
export UV
