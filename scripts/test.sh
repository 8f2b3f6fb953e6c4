#!/usr/bin/env bash
# The project's test command (README, CI): set up .venv if needed, then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k split`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec "${CLAIMKIT_VENV:-.venv}/bin/python" -m pytest "$@"
