"""Time a national-scale `carewatch import`: about 80,000 children looked after, 10 years.

    uv run python benchmarks/bench_national.py [--data /tmp/national/extracts] [--seed 2]
        [--memory-limit-mb N] [--stages]

Run by hand, never in CI. Generates the `national` synthetic profile into --data unless it is
already there (a folder holding manifest.json is reused), then runs the whole
`carewatch import` in a child process under `/usr/bin/time -v` into a fresh home next to the
data, and prints wall time, CPU time (user + sys), peak RSS, the load average before and
after (the machine is shared) and the import's own stage lines (wall time and rows per stage).
--memory-limit-mb writes ``import_memory_limit_mb`` into the home's carewatch.toml (DuckDB's
memory_limit; above it DuckDB spills to the home's building/ folder). --stages also runs the
import in this process to record the peak RSS and CPU time reached by the end of each stage.
Results go in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _carewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "carewatch", *args]


def _generate(data: Path, seed: int) -> None:
    if (data / "manifest.json").exists():
        print(f"reusing {data}")
        return
    started = time.perf_counter()
    subprocess.run(_carewatch("synth", "--profile", "national", "--seed", str(seed), "--out", str(data)),
                   check=True, stdout=subprocess.DEVNULL)
    print(f"generated {data} in {time.perf_counter() - started:.0f} s")


def _time_v(report: str, label: str) -> str:
    return re.search(rf"^\s*{re.escape(label)}: (.+)$", report, re.M)[1]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _home(data: Path, memory_limit_mb: int | None) -> Path:
    home = Path(tempfile.mkdtemp(prefix="bench-home-", dir=data.parent))
    if memory_limit_mb:
        (home / "carewatch.toml").write_text(f"[settings]\nimport_memory_limit_mb = {memory_limit_mb}\n")
    return home


def whole_import(data: Path, memory_limit_mb: int | None) -> None:
    home = _home(data, memory_limit_mb)
    try:
        before = _load()
        done = subprocess.run(["/usr/bin/time", "-v", *_carewatch("import", str(data), "--home", str(home))],
                              capture_output=True, text=True)
        after = _load()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    report = done.stderr
    stage_lines = [line for line in report.splitlines() if line.startswith("import: ")]
    if done.returncode != 0:
        print(report[-3000:])
        raise SystemExit(f"import failed ({done.returncode})")
    user, system = float(_time_v(report, "User time (seconds)")), float(_time_v(report, "System time (seconds)"))
    peak_mb = int(_time_v(report, "Maximum resident set size (kbytes)")) / 1024
    print(f"carewatch import (national): wall {_time_v(report, 'Elapsed (wall clock) time (h:mm:ss or m:ss)')}, "
          f"CPU {user + system:.1f} s (user {user:.1f}, sys {system:.1f}; "
          f"{_time_v(report, 'Percent of CPU this job got')}), peak RSS {peak_mb:,.0f} MB"
          + (f", memory limit {memory_limit_mb} MB" if memory_limit_mb else ""))
    print(f"load average before {before}, after {after}")
    print("\n".join(stage_lines))


def staged_import(data: Path, memory_limit_mb: int | None) -> None:
    from carewatch.importer import run_import
    from carewatch.snapshot import Home

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def mark(stage: str) -> tuple[str, float, float, float]:
        return stage, time.perf_counter(), cpu(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    marks: list[tuple[str, float, float, float]] = []

    def progress(stage: str, rows: int | None = None) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append(mark(stage))

    home = _home(data, memory_limit_mb)
    try:
        started, cpu_started = time.perf_counter(), cpu()
        run_import(Home(home), [data], progress=progress)
        marks.append(mark("end"))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("stage (in process)                            wall s   CPU s  peak RSS by its end, MB")
    for (stage, t0, c0, _), (_, t1, c1, peak) in zip(marks, marks[1:]):
        print(f"{stage:45s} {t1 - t0:7.1f} {c1 - c0:7.1f} {peak:9,.0f}")
    print(f"total {marks[-1][1] - started:.1f} s wall, {marks[-1][2] - cpu_started:.1f} s CPU, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/tmp/national/extracts"))
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--memory-limit-mb", type=int, default=None)
    parser.add_argument("--stages", action="store_true", help="also profile the stages in this process")
    args = parser.parse_args()
    _generate(args.data, args.seed)
    whole_import(args.data, args.memory_limit_mb)
    if args.stages:
        staged_import(args.data, args.memory_limit_mb)


if __name__ == "__main__":
    main()
