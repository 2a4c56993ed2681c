#!/usr/bin/env bash
# Install what carewatch needs on a fresh Debian machine: system libraries, uv, the Python
# packages (uv.lock) and the page assets (package-lock.json). Safe to run again: it installs only
# what is missing.
#   bash scripts/setup.sh          # to run carewatch (WeasyPrint needs Pango for the PDF report)
#   bash scripts/setup.sh --test   # also Chromium, PostgreSQL, poppler and LibreOffice Calc (Annex A's
#                                  # workbook must open in it) for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# gcc builds carewatch's C extension (the CIN census reader's tag scanner) on `uv sync`
command -v gcc >/dev/null 2>&1 || packages+=(gcc)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium fonts-liberation postgresql poppler-utils libreoffice-calc-nogui)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "carewatch needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
# bytecode compiled now, once: where PYTHONDONTWRITEBYTECODE is set (CI, containers) every command
# would otherwise compile its ~400 modules afresh, about 3 s of CPU before it starts (issue 17)
uv sync --frozen --quiet --compile-bytecode
uv run --frozen python -m compileall -q src/carewatch
assets=src/carewatch/web/static/govuk/VERSION
# node_modules also holds axe-core, which the browser tests inject
if [ ! -f "$assets" ] || [ package-lock.json -nt "$assets" ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
  bash scripts/build_assets.sh
fi
