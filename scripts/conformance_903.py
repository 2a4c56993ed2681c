"""Conformance run on outside data (not a unit test: it reads ../shared/external).

1. `carewatch validate` on the DfE validator's deliberately broken fake 903 set: it must finish
   without a traceback; findings are summarised by code.
2. `carewatch import` of five years of a fake authority's 903 as one history: conflicts between
   years resolved as warnings, children with overlapping episodes quarantined.

Usage: uv run python scripts/conformance_903.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path


def carewatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carewatch", *args], capture_output=True, text=True)


def summarise(findings: list[dict]) -> str:
    by_code = Counter((f["severity"], f["code"]) for f in findings)
    lines = [f"  {sev:<10} {code:<34} {n:>6}" for (sev, code), n in sorted(by_code.items())]
    return "\n".join(lines) or "  (none)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    external = args.shared / "external"
    failed = False

    fake = external / "peer-903-fake-data"
    run = carewatch("validate", str(fake), "--format", "json")
    print(f"== validate {fake.name}: exit {run.returncode}")
    if "Traceback" in run.stderr or run.returncode not in (0, 1):
        print(run.stderr[-3000:])
        failed = True
    else:
        findings = json.loads(run.stdout)
        children = {f["child"] for f in findings if f["severity"] == "error" and f["child"]}
        print(f"  {len(findings)} findings; {len(children)} children with row errors")
        print(summarise(findings))

    multi = external / "peer-903-multi-year"
    with tempfile.TemporaryDirectory() as home:
        run = carewatch("import", str(multi), "--home", home, "--la", "999")
        print(f"\n== import {multi.name}: exit {run.returncode}")
        if run.returncode != 0 or "Traceback" in run.stderr:
            print(run.stderr[-3000:])
            failed = True
        else:
            print(f"  snapshot {run.stdout.strip()}; {run.stderr.strip()}")
            snaps = json.loads(carewatch("snapshots", "--home", home, "--format", "json").stdout)
            print("  register:", json.dumps(snaps[0]))
            import duckdb

            snapshot = Path(home) / "snapshots" / f"{snaps[0]['id']}.duckdb"
            con = duckdb.connect(str(snapshot), read_only=True)
            rows = con.execute("SELECT severity, code, count(*), count(DISTINCT child) FROM findings "
                               "GROUP BY ALL ORDER BY 1, 2").fetchall()
            print("  findings (severity, code, findings, children):")
            for r in rows:
                print(f"    {r[0]:<10} {r[1]:<34} {r[2]:>6} {r[3]:>6}")
            years = con.execute("SELECT year, count(*) FROM episodes GROUP BY 1 ORDER BY 1").fetchall()
            print("  episodes kept by collection year:", years)
            print("  periods of care:", con.execute("SELECT count(*) FROM periods").fetchone()[0],
                  " duties:", con.execute("SELECT count(*) FROM duties").fetchone()[0],
                  " indicator values:", con.execute("SELECT count(*) FROM kpi_values").fetchone()[0])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
