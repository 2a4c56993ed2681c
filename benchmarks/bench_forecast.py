"""Time the demand forecast: load the history, fit, project 36 months with intervals, backtest.

    uv run python benchmarks/bench_forecast.py [--profile demo|national] [--seed 1] [--home DIR] [--scale K]

Without ``--home`` it synthesises the profile and imports it into a temporary home first (not
timed). Prints each step's wall time and CPU time (this process, user + sys: the machine is shared,
so wall time depends on the load, CPU time much less), the load average, and the peak memory (RSS)
of the process; the figures are recorded in docs/benchmarks.md. ``--home`` is only read.
``--scale K`` multiplies the history's counts (child-days, moves, entries, stock) by K after it is
loaded: a stand-in for the simulation's share at a larger scale when no such snapshot is imported
(the demo x 91 is about the national profile's 80,000 looked after; the history load is not scaled).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from pathlib import Path

from carewatch.forecast.backtest import backtest
from carewatch.forecast.service import run_forecast, snapshot_history
from carewatch.settings import DEFAULT
from carewatch.snapshot import Home, open_snapshot


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            from carewatch.importer import run_import
            from carewatch.synth import generate

            home = Path(tmp) / "home"
            generate(args.profile, args.seed, Path(tmp) / "extracts")
            result = run_import(Home(home), [Path(tmp) / "extracts"])
            assert result.published, result.reason
        con = open_snapshot(Home(home))
        load_before = os.getloadavg()
        clocks = [(time.perf_counter(), time.process_time())]
        history = snapshot_history(con)
        clocks.append((time.perf_counter(), time.process_time()))
        if args.scale != 1:
            history = dataclasses.replace(history, **{name: getattr(history, name) * args.scale
                                                      for name in ("exposure", "moves", "entries", "stock")})
        result = run_forecast(con, months=36, settings=DEFAULT, history=history)
        clocks.append((time.perf_counter(), time.process_time()))
        summary = backtest(history, DEFAULT.forecast_window_months)
        clocks.append((time.perf_counter(), time.process_time()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    looked_after = int(history.totals()[-1])
    scaled = f" x {args.scale}" if args.scale != 1 else ""
    print(f"{args.profile} seed {args.seed}{scaled}: {history.months} months of history, {looked_after} looked after at "
          f"{result.origin}")
    steps = ("load history", f"fit + 36-month projection, {DEFAULT.forecast_simulations} simulations",
             f"backtest ({summary['origins'][0]} origins)", "total")
    spans = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(clocks, clocks[1:])] + \
        [(clocks[-1][0] - clocks[0][0], clocks[-1][1] - clocks[0][1])]
    print("; ".join(f"{name} {wall:.2f} s wall, {cpu:.2f} s CPU" for name, (wall, cpu) in zip(steps, spans)))
    print(f"peak RSS {peak:.0f} MB; load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(summary)


if __name__ == "__main__":
    main()
