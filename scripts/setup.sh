#!/usr/bin/env bash
# Create (or update) .venv with claimkit, the Label Studio server and the test tools.
# torch goes first and pinned: any other torch spec may pull a multi-GB CUDA build (DEVELOPERS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${CLAIMKIT_VENV:-.venv}"

quiet_pip() {
  # pip's index config on some machines prints one warning per package; keep real errors visible.
  "$VENV/bin/python" -m pip "$@" 2> >(grep -v "^WARNING: Location '" >&2)
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
quiet_pip install -q --upgrade pip
quiet_pip install -q "torch==2.13.0"
quiet_pip install -q -e ".[server,test]"
echo "setup: ready ($VENV; claimkit $("$VENV/bin/python" -c 'import claimkit; print(claimkit.__version__)'))"
