#!/usr/bin/env bash
# Conformance: the DfE's own 903 rule validator (PyPI csc-validator-be-903) on the synthetic demo
# council's latest collection year, with the previous year supplied.
#
#   scripts/conformance_dfe_validator.sh [OUT_DIR] [SEED]
#
# The validator pins an old pandas, so it lives in its own virtual environment (never a project
# dependency): $DFE_VALIDATOR_VENV, default ~/.cache/carewatch/dfe-validator-venv, created on the
# first run (the only step that needs the network). Prints a JSON report: errors per rule, and
# every excluded rule with its reason. Exit status 0 when no rule outside the exclusions fires.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$(mktemp -d)/demo}"
SEED="${2:-1}"
VENV="${DFE_VALIDATOR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/carewatch/dfe-validator-venv}"
VALIDATOR_VERSION="0.1.17"

if ! "$VENV/bin/python" -c "import lac_validator" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "csc-validator-be-903==$VALIDATOR_VERSION"
fi

cd "$ROOT"
if [ ! -f "$OUT/manifest.json" ]; then
    uv run python -c "import sys; from pathlib import Path; from carewatch.synth import generate; print(generate('demo', int(sys.argv[1]), Path(sys.argv[2])), file=sys.stderr)" "$SEED" "$OUT"
fi
# the latest collection year: the one holding the extract date (named by the year it ends)
YEAR="$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['extract_date']; y,m=int(d[:4]),int(d[5:7]); print(y+1 if m>=4 else y)" "$OUT/manifest.json")"
exec "$VENV/bin/python" "$ROOT/scripts/conformance_dfe_validator_run.py" "$OUT" "$YEAR" auto
