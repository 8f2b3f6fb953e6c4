#!/usr/bin/env bash
# Type-check claimkit as the wheel lays it out (claimkit/annotate, claimkit/models), with mypy.
# The checkout keeps annotate/ and models/ at the top (docs/architecture.md, "Packaging"), which mypy
# cannot map onto claimkit.annotate; a throw-away tree of symlinks gives it the installed layout, and
# paths in its messages are turned back into checkout paths.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${CLAIMKIT_VENV:-.venv}/bin/python"
TREE="$(mktemp -d)"
trap 'rm -rf "$TREE"' EXIT
mkdir "$TREE/claimkit"
for entry in claimkit/*; do
  case "$(basename "$entry")" in __pycache__) continue ;; esac
  ln -s "$ROOT/$entry" "$TREE/claimkit/$(basename "$entry")"
done
ln -s "$ROOT/annotate" "$TREE/claimkit/annotate"
ln -s "$ROOT/models" "$TREE/claimkit/models"
cd "$TREE"
"$ROOT/$PY" -m mypy --config-file "$ROOT/pyproject.toml" --cache-dir "$ROOT/.mypy_cache" -p claimkit "$@" 2>&1 \
  | sed -e "s#^claimkit/annotate/#annotate/#" -e "s#^claimkit/models/#models/#"
exit "${PIPESTATUS[0]}"
