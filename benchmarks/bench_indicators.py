"""The indicator stage alone on a copy of a snapshot (docs/benchmarks.md "Start-up and fixed costs, session 7").

    uv run python benchmarks/bench_indicators.py SNAPSHOT.duckdb WORKDIR [--repeat N] [--threads N] [--out F.parquet]

Copies SNAPSHOT into WORKDIR and runs ``compute_all`` on it as carewatch.importer does (DuckDB
``memory_limit`` 3 GiB), ``--repeat`` times, timing every statement (wall, CPU of the process: every
DuckDB thread; ``bench_derive.Timed``); prints the CPU of each run, the statements by kind and the
costliest (an indicator's named by its id); ``--out`` writes the ``kpi_values`` computed, sorted by id and date, to compare two versions'.
Run by hand, never in CI; wrap it in ``/usr/bin/time -v`` for the peak RSS.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from bench_derive import Timed, open_copy

from carewatch.kpis import compute_all
from carewatch.settings import DEFAULT


class Labelled(Timed):
    """Timed, each indicator's statement named by its id (its ``$id`` parameter)."""

    def execute(self, sql, *args):
        result = super().execute(sql, *args)
        if args and isinstance(args[0], dict) and isinstance(args[0].get("id"), str):
            wall, cpu, text = self.rows[-1]
            self.rows[-1] = (wall, cpu, f"[{args[0]['id']}] {text}")
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: every core)")
    parser.add_argument("--out", type=Path, help="write kpi_values here (Parquet)")
    args = parser.parse_args()
    con = open_copy(args.snapshot, args.workdir / "indicators.duckdb", args.threads)
    extract = date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'extract_date'").fetchone()[0])
    for run in range(args.repeat):
        timed = Labelled(con)
        wall, cpu = time.perf_counter(), time.process_time()
        compute_all(timed, DEFAULT, extract)
        print(f"run {run + 1}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
              f"{len(timed.rows)} statements")
    kinds = defaultdict(lambda: [0, 0.0])
    for _, c, sql in timed.rows:
        kind = kinds[" ".join(sql.split()[:4])]
        kind[0] += 1
        kind[1] += c
    for kind, (n, c) in sorted(kinds.items(), key=lambda item: -item[1][1])[:8]:
        print(f"{n:5d} {c:8.3f} s CPU  {kind}")
    for _, c, sql in sorted(timed.rows, key=lambda row: -row[1])[:15]:
        print(f"      {c:8.3f} s CPU  {sql[:90]}")
    print(f"{con.execute('SELECT count(*) FROM kpi_values').fetchone()[0]:,} values")
    if args.out:
        con.execute(f"COPY (SELECT * FROM kpi_values ORDER BY id, period_end) TO '{args.out}' (FORMAT parquet)")


if __name__ == "__main__":
    main()
