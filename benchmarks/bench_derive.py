"""The deriving stage alone on a copy of a snapshot (docs/benchmarks.md "Deriving, third pass").

    uv run python benchmarks/bench_derive.py SNAPSHOT.duckdb WORKDIR [--manifest M] [--threads N] [--explain]

Copies SNAPSHOT into WORKDIR, empties the derived tables (as a fresh import has them), then runs
``_derive``'s first two calls as carewatch.importer does (DuckDB ``memory_limit`` 3 GiB), timing every
statement (wall, CPU of the process: every DuckDB thread); ``--explain`` writes each statement's
``EXPLAIN ANALYZE`` to WORKDIR/plans.txt. Run by hand, never in CI; wrap it in ``/usr/bin/time -v``
for the peak RSS.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb

from carewatch.derive import derive_periods_and_placements
from carewatch.duties import derive_duties
from carewatch.settings import DEFAULT

DERIVED = ("periods", "placements", "visit_placements", "legal_statuses", "duties")


class Timed:
    """The connection, with every execute timed (and explained, if asked)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, plans=None):
        self._con, self._plans, self.rows = con, plans, []

    def __getattr__(self, name):
        return getattr(self._con, name)

    def _timed(self, run, sql: str, *args, explainable: bool = False):
        wall, cpu = time.perf_counter(), time.process_time()
        words = sql.split()
        if self._plans and explainable and words[0].upper() in ("INSERT", "CREATE") \
                and "MACRO" not in words[:4]:
            self._plans.write("=" * 100 + "\n" + sql + "\n" + self._con.execute("EXPLAIN ANALYZE " + sql, *args)
                              .fetchall()[0][1] + "\n")
            result = self._con
        else:
            result = run(sql, *args)
        self.rows.append((time.perf_counter() - wall, time.process_time() - cpu, " ".join(words)[:100]))
        return result

    def execute(self, sql, *args):
        return self._timed(self._con.execute, sql, *args, explainable=True)

    def executemany(self, sql, *args):
        return self._timed(self._con.executemany, sql, *args)


def open_copy(snapshot: Path, path: Path, threads: int = 0) -> duckdb.DuckDBPyConnection:
    """A copy of ``snapshot`` at ``path``, opened as an import opens its snapshot (``memory_limit``
    3 GiB, spilling beside it); ``threads`` 0: every core."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(snapshot, path)
    config = {"memory_limit": "3072MiB", "temp_directory": str(path) + ".tmp"}
    if threads:
        config["threads"] = threads
    return duckdb.connect(str(path), config=config)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--manifest", type=Path, help="the extract's manifest.json (its history_from)")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: every core)")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    con = open_copy(args.snapshot, args.workdir / "derive.duckdb", args.threads)
    for table in DERIVED:
        con.execute(f"DELETE FROM {table}")
    con.execute("CHECKPOINT")
    extract = date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'extract_date'").fetchone()[0])
    history_from = json.loads(args.manifest.read_text()).get("history_from") if args.manifest else None
    plans = (args.workdir / "plans.txt").open("w") if args.explain else None
    timed = Timed(con, plans)
    wall, cpu = time.perf_counter(), time.process_time()
    derive_periods_and_placements(timed)
    derive_duties(timed, DEFAULT, extract, history_from=history_from)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for w, c, sql in timed.rows:
        print(f"{w:8.2f} s {c:8.2f} s CPU  {sql}")
    rows = con.execute("SELECT count(*) FROM duties").fetchone()[0]
    print(f"derive: {wall:.2f} s wall, {cpu:.2f} s CPU, {rows:,} duties, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss:,} KB")


if __name__ == "__main__":
    main()
