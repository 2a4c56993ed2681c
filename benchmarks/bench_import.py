"""Time a council-size import: about 1,000 children looked after, 10 years of history.

    uv run python benchmarks/bench_import.py [--as-of 2025-03-31] [--seed 1]

Generates the `demo` synthetic council from April 2015 to --as-of (10 collection years of the
903, the local extract and the CIN census), then times `run_import` in this process: read, check,
build the snapshot, derive periods, placements and duties, compute every indicator for every
month-end, publish. Peak memory is this process's maximum resident set size, taken after the
generator has run in a child process so it does not count. Results go in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from datetime import date
from pathlib import Path


def _generate(out: Path, seed: int, as_of: date) -> dict:
    from carewatch.synth import generate

    return generate("demo", seed, out, as_of)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default="2025-03-31")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory() as tmp:
        extracts = Path(tmp) / "extracts"
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            summary = pool.apply(_generate, (extracts, args.seed, as_of))
        from carewatch.importer import run_import
        from carewatch.snapshot import Home, open_snapshot

        home = Home(Path(tmp) / "home")
        started = time.perf_counter()
        result = run_import(home, [extracts])
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open_snapshot(home) as con:
            counts = con.execute("""
                SELECT (SELECT count(*) FROM episodes), (SELECT count(*) FROM duties),
                       (SELECT count(*) FROM kpi_values),
                       (SELECT value FROM kpi_values WHERE id = 'cla_count' ORDER BY period_end DESC LIMIT 1),
                       (SELECT min(period_end) FROM kpi_values), (SELECT count(*) FROM findings)""").fetchone()
    print(f"demo to {as_of}: {summary['children']} children, {counts[0]} episodes, "
          f"{counts[1]} duty instances, {counts[2]} indicator values from {counts[4]}, "
          f"{int(counts[3])} looked after at the end, {counts[5]} findings, "
          f"{result.validation.quarantine.height} quarantined")
    print(f"import: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
