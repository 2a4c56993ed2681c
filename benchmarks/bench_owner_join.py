"""The duties' owner join alone, as written now and as an ASOF join (docs/benchmarks.md "Deriving, session 7").

    uv run python benchmarks/bench_owner_join.py SNAPSHOT.duckdb WORKDIR [--threads N] [--repeat R]

Copies the snapshot's duties (child, duty, seq, period_id, due) and allocations into WORKDIR (DuckDB
``memory_limit`` 3 GiB), builds ``allocation_spans_sql``'s spans once, then times, alternating, a plain
copy of the duties (the floor), the range-probing join ``derive_duties`` runs and the ASOF join (child
equal, due >= the span's start: the spans of a child tile its dates, so the latest start at or before
the due date is the span holding it), and compares the two joins' rows (``EXCEPT ALL`` both ways). Run
by hand, never in CI.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from carewatch.duties.common import allocation_spans_sql

COLUMNS = "s.child, s.duty, s.seq, s.period_id, s.due"
JOINS = {
    "copy": f"SELECT {COLUMNS}, NULL::VARCHAR AS team, NULL::VARCHAR AS worker FROM probe s",
    "range": f"""SELECT {COLUMNS}, w.team, w.worker FROM probe s
        LEFT JOIN spans w ON w.child = s.child AND w.day <= s.due AND s.due < w.until""",
    "asof": f"""SELECT {COLUMNS}, w.team, w.worker FROM probe s
        ASOF LEFT JOIN spans w ON w.child = s.child AND s.due >= w.day""",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / "owner_join.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": "3072MiB", "threads": args.threads,
                                            "temp_directory": str(path) + ".tmp"})
    con.execute(f"ATTACH '{args.snapshot}' AS snap (READ_ONLY)")
    con.execute("CREATE TABLE probe AS SELECT child, duty, seq, period_id, due FROM snap.duties")
    con.execute("CREATE TABLE allocations AS SELECT * FROM snap.allocations")
    con.execute("DETACH snap")
    con.execute(f"CREATE TABLE spans AS {allocation_spans_sql()}")
    con.execute("CHECKPOINT")
    duties, spans, children = con.execute(
        "SELECT (SELECT count(*) FROM probe), count(*), count(DISTINCT child) FROM spans").fetchone()
    print(f"{duties:,} duties, {spans:,} spans of {children:,} children")
    for _ in range(args.repeat):
        for name, sql in JOINS.items():
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(f"CREATE OR REPLACE TEMP TABLE out_{name} AS {sql}")
            print(f"{name:6} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU",
                  flush=True)
    print("range EXCEPT ALL asof, asof EXCEPT ALL range: " + ", ".join(str(n) for n in con.execute(
        "SELECT (SELECT count(*) FROM (FROM out_range EXCEPT ALL FROM out_asof)), "
        "(SELECT count(*) FROM (FROM out_asof EXCEPT ALL FROM out_range))").fetchone()) + " rows")


if __name__ == "__main__":
    main()
