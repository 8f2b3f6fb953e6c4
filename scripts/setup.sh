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

# System packages the integration tests use: a headless browser (issue 11) and PostgreSQL (issue 12).
# Installed only where apt exists and we are root; elsewhere those tests skip with a clear reason.
SYSTEM_PACKAGES=(chromium chromium-driver postgresql)
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ "${CLAIMKIT_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
quiet_pip install -q --upgrade pip
quiet_pip install -q "torch==2.13.0"
quiet_pip install -q -e ".[server,test,ray]"
echo "setup: ready ($VENV; claimkit $("$VENV/bin/python" -c 'import claimkit; print(claimkit.__version__)'))"
