"""Time the CIN census reader (docs/benchmarks.md "The CIN census reader at national scale").

    uv run python benchmarks/bench_cin.py FILE.xml [FILE.xml ...]

Run by hand, never in CI. ``read_cin`` on each file in turn, in this process, with Polars' threads
as in the import (set POLARS_MAX_THREADS to change them): CPU (user + sys, every thread), wall, the
process's peak RSS, the rows of the five tables and the load average. Run it in a fresh process for
each measurement (the peak RSS is the process's).
"""
from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

from carewatch.sources.cin_census import read_cin
from carewatch.sources.common import LIMITS, Limits


def main(files: list[Path]) -> None:
    LIMITS.set(Limits())
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    rows = 0
    for path in files:
        tables, _findings, _children, _reference, _sha256 = read_cin(path, path.name)
        rows += sum(frame.height for frame in tables.values())
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    print(f"{len(files)} files, {rows:,} rows: CPU {user + system:.2f} s (user {user:.2f} + sys {system:.2f}), "
          f"wall {wall:.2f} s, peak RSS {after.ru_maxrss // 1024:,} MB, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
