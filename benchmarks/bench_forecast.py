"""Time the demand forecast: load the history, fit, project 36 months with intervals, backtest.

    uv run python benchmarks/bench_forecast.py [--profile demo|national] [--seed 1] [--home DIR]

Without ``--home`` it synthesises the profile and imports it into a temporary home first (not
timed). Prints each step's time and the peak memory (RSS) of the process; the figures are recorded
in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
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
        start = time.perf_counter()
        history = snapshot_history(con)
        loaded = time.perf_counter()
        result = run_forecast(con, months=36, settings=DEFAULT, history=history)
        projected = time.perf_counter()
        summary = backtest(history, DEFAULT.forecast_window_months)
        tested = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    looked_after = int(history.totals()[-1])
    print(f"{args.profile} seed {args.seed}: {history.months} months of history, {looked_after} looked after at "
          f"{result.origin}")
    print(f"load history {loaded - start:.2f} s; fit + 36-month projection, {DEFAULT.forecast_simulations} "
          f"simulations {projected - loaded:.2f} s; backtest ({summary['origins'][0]} origins) "
          f"{tested - projected:.2f} s; total {tested - start:.2f} s; peak RSS {peak:.0f} MB")
    print(summary)


if __name__ == "__main__":
    main()
