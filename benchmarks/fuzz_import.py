"""Fuzz the import for longer than the test suite does: the whole `small` profile (three 903
years, the local extract, the CIN census, the manifest), seeded byte- and value-level mutations.

    uv run python benchmarks/fuzz_import.py [--runs 300] [--seed 13] [--strict-every 0]

Each run copies the clean extract, mutates one file (carewatch.synth.mutate), and runs
`carewatch import` in a child process (a crash kills nothing else). A run counts as a crash when
it exits other than 0 or 1, or prints a traceback; as a breach when it is rejected yet the
published snapshot (its id, register entry or file) changed, or the published snapshot then fails
its integrity check. Prints the figures docs/benchmarks.md records; exit 1 on any crash or breach.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--strict-every", type=int, default=0, help="every Nth value run with --strict (0: none)")
    args = parser.parse_args()

    from carewatch.snapshot import Home, register_entry, verify
    from carewatch.synth import generate
    from carewatch.synth.mutate import mutate

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="carewatch-fuzz-") as scratch:
        clean, home = Path(scratch) / "clean", Home(Path(scratch) / "home")
        generate("small", 1, clean)

        def run_import(folder: Path, *extra: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "carewatch", "import", str(folder), "--home",
                                   str(home.root), *extra], capture_output=True, text=True)

        assert run_import(clean).returncode == 0
        outcomes, crashes, breaches = Counter(), [], []
        for run in range(args.runs):
            rng = random.Random(args.seed * 1000 + run)
            folder = Path(scratch) / f"run{run}"
            shutil.copytree(clean, folder)
            level = "byte" if run % 2 == 0 else "value"
            change = mutate(folder, rng, level)
            strict = ["--strict"] if level == "value" and args.strict_every and run // 2 % args.strict_every == 0 else []
            before = (home.current_id(), register_entry(home, home.current_id()))
            result = run_import(folder, *strict)
            outcomes[(level, result.returncode)] += 1
            if result.returncode not in (0, 1) or "Traceback" in result.stderr + result.stdout:
                crashes.append(f"run {run} ({change}): exit {result.returncode}\n{result.stderr[-2000:]}")
            elif result.returncode == 1 and (home.current_id(), register_entry(home, home.current_id())) != before:
                breaches.append(f"run {run} ({change}): rejected, yet the published snapshot changed")
            if verify(home, home.current_id()) is not None:
                breaches.append(f"run {run} ({change}): the published snapshot fails its integrity check")
            print(f"run {run} {level} exit {result.returncode} ({time.perf_counter() - started:.0f} s): {change[:90]}",
                  flush=True)
            shutil.rmtree(folder)
    seconds = time.perf_counter() - started
    print(f"runs {args.runs} (seed {args.seed}), {seconds:.0f} s: "
          + ", ".join(f"{level} exit {code}: {n}" for (level, code), n in sorted(outcomes.items())))
    print(f"crashes {len(crashes)}, breaches {len(breaches)}")
    for line in crashes + breaches:
        print(line)
    sys.exit(1 if crashes or breaches else 0)


if __name__ == "__main__":
    main()
