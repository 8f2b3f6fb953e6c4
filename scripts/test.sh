#!/usr/bin/env bash
# The project's test command (README, CI): set up .venv if needed, check lint, format and types, then
# run the whole test suite. Extra arguments go to pytest, e.g. `bash scripts/test.sh -k split`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${CLAIMKIT_VENV:-.venv}"
echo "test: ruff check + format check"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "test: mypy (scripts/typecheck.sh)"
bash scripts/typecheck.sh
exec "$VENV/bin/python" -m pytest "$@"
