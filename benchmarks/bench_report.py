"""Time the performance summary in all three formats for the demo authority.

    uv run python benchmarks/bench_report.py [--home DIR] [--public] [--out DIR]

Without ``--home`` it first makes the demo data (``carewatch synth --profile demo`` and
``carewatch import``) in a temporary folder; that part is not timed. Prints the seconds for the
context (reading kpi_values and drawing every chart) and for each file, with the page count and
file sizes. The figures are recorded in docs/report.md.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from pypdf import PdfReader

from carewatch.reports import BASENAME, build_report_context
from carewatch.reports.html import write_html
from carewatch.reports.pdf import write_pdf
from carewatch.reports.xlsx import write_xlsx
from carewatch.snapshot import Home, open_snapshot


def demo_home(folder: Path) -> Path:
    cli = [sys.executable, "-m", "carewatch"]
    subprocess.run([*cli, "synth", "--profile", "demo", "--seed", "1", "--out", str(folder / "extracts")],
                   check=True, capture_output=True)
    subprocess.run([*cli, "import", str(folder / "extracts"), "--home", str(folder / "home")],
                   check=True, capture_output=True)
    return folder / "home"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--public", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or demo_home(Path(scratch))
        out = args.out or Path(scratch) / "report"
        out.mkdir(parents=True, exist_ok=True)
        with closing(open_snapshot(Home(home))) as con:
            times = {}
            start = time.perf_counter()
            context = build_report_context(con, None, args.public)
            times["context"] = time.perf_counter() - start
            paths = {}
            for name, write in (("html", write_html), ("pdf", write_pdf), ("xlsx", write_xlsx)):
                start = time.perf_counter()
                paths[name] = write(context, out / f"{BASENAME}.{name}")
                times[name] = time.perf_counter() - start
        figures = sum(len(a["figures"]) for a in context["areas"]) + sum(
            1 for s in context["datapack"]["sections"] if s["figure"])
        print(f"snapshot {context['snapshot_id']} as of {context['as_of']}, public={args.public}")
        print(f"indicators {sum(len(a['rows']) for a in context['areas'])}, figures {figures}, "
              f"PDF pages {len(PdfReader(paths['pdf']).pages)}")
        for name, seconds in times.items():
            size = f"{paths[name].stat().st_size / 1024:,.0f} KiB" if name in paths else ""
            print(f"{name:8} {seconds:6.2f} s  {size}")
        print(f"{'total':8} {sum(times.values()):6.2f} s")


if __name__ == "__main__":
    main()
