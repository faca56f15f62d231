#!/usr/bin/env bash
# Sourced by ops/demo and ops/test, or run alone for the offline mode (no Java needed): makes
# .venv and installs into it exactly what uv.lock pins (runtime and dev, with hashes), stopping
# with a clear message when the lock is stale.
# With NEEDS_BROKER=1 it also checks Java and Maven and resolves the broker's jars once; with
# NEEDS_REGISTRY=1 it fetches the embedded schema registry (Apicurio, from Maven Central) once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/uv.sh"
VENV="${ANONYMIZER_VENV:-$ROOT/.venv}"
export UV_PROJECT_ENVIRONMENT="$VENV"

if ! "$UV" lock --check --offline --project "$ROOT" --python "$PY" -q 2>/dev/null; then
  echo "error: uv.lock does not match pyproject.toml (a dependency changed without a new lock)." >&2
  echo "       Run ops/lock, then commit pyproject.toml and uv.lock together." >&2
  exit 1
fi
"$UV" sync --locked --extra dev --project "$ROOT" --python "$PY" -q

export PATH="$VENV/bin:$PATH"
BROKER_READY=0
if [ "${NEEDS_BROKER:-0}" = "1" ]; then
  if out=$(anonymizer broker --fetch-only 2>&1); then
    BROKER_READY=1
    echo "$out" >&2
  else
    echo "$out" | sed 's/^/   /' >&2
  fi
fi
REGISTRY_READY=0
if [ "${NEEDS_REGISTRY:-0}" = "1" ]; then
  if out=$(anonymizer registry --fetch-only 2>&1); then
    REGISTRY_READY=1
    echo "$out" >&2
  else
    echo "$out" | sed 's/^/   /' >&2
  fi
fi
if [ "${BASH_SOURCE[0]}" = "$0" ]; then  # run, not sourced: install only
  echo "ready: $(python --version) with the locked dependencies in $VENV;" \
       "run: source ${VENV#"$PWD"/}/bin/activate" >&2
fi
