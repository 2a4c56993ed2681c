"""Time and peak memory of generating a synthetic council (docs/synth.md records the results).

    uv run python benchmarks/bench_synth.py --profile national --seed 1 --out /tmp/national
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path

from carewatch.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    began = time.perf_counter()
    summary = generate(args.profile, args.seed, args.out)
    seconds = time.perf_counter() - began
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    # ru_maxrss is in KiB on Linux: the peak resident memory of this whole process
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(summary | {"seconds": round(seconds, 1), "peak_rss_mib": round(peak_mib),
                                "output_mib": round(size / 2**20)}))


if __name__ == "__main__":
    main()
