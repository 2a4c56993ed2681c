"""Time `carewatch annex-a` (docs/annex-a.md "Time"), on an imported home or on one council cut
from the `national` profile's extracts.

    uv run python benchmarks/bench_annexa.py --home H [--runs 2]
    uv run python benchmarks/bench_annexa.py --cut /tmp/national/extracts [--la CODE] [--runs 2]

Run by hand, never in CI. ``--home`` times the command on that home's current snapshot. ``--cut``
first writes one council's own extract from a national one, as the council would send it, and
imports it into a fresh home next to it: ``--la`` (default: the council with the most children in
the latest 903 Header) chooses it. The national profile pools 153 councils in one snapshot (LA
000) and carewatch has no per-council filter: a council runs Annex A on its own import. Cutting:
every 903 and local-extract row whose CHILD starts with the council's code (the synthetic councils'
identifiers do); the CIN census children with that code, plus the same share (the council's share
of the Header's children) of the national profile's children in need never looked after (they all
carry the first council's code, ``<code>N…``, so are spread by their number); the local tables
with no child (adopters, households, enquiries...) and the population row cut to the council's
share the same way. Each run is ``/usr/bin/time -v carewatch annex-a --home H --out DIR``: wall,
CPU (user + sys), peak RSS, the load average before and after (the machine is shared). Results go
in docs/annex-a.md and docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl


def _carewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "carewatch", *args]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _largest(src: Path) -> str:
    latest = sorted((src / "903").iterdir())[-1]
    header = pl.read_csv(latest / "header.csv", infer_schema=False)
    return header.group_by(la=pl.col("CHILD").str.slice(0, 3)).len().sort("len", "la", descending=True)["la"][0]


def cut(src: Path, la: str, out: Path) -> float:
    """Write council ``la``'s own extract from the national one in ``src``; returns its share."""
    latest = sorted((src / "903").iterdir())[-1]
    children = pl.read_csv(latest / "header.csv", infer_schema=False)["CHILD"]
    share = (children.str.starts_with(la)).sum() / children.len()
    slots = round(share * 10_000)  # rows kept from the pooled tables: number mod 10,000 below this

    def kept(ident: str) -> bool:
        """The council's child: looked after under its code, or one of its share of those never looked after."""
        if ident[3:4] == "N":
            return ident[4:].isdigit() and int(ident[4:]) % 10_000 < slots
        return ident.startswith(la)

    for path in sorted(p for p in src.rglob("*.csv")):
        frame = pl.read_csv(path, infer_schema=False)
        if "CHILD" in frame.columns:
            ours = [c for c in frame["CHILD"].drop_nulls().unique().to_list() if kept(c)]
            frame = frame.filter(pl.col("CHILD").is_in(ours))
        elif "LA" in frame.columns:
            frame = frame.filter(pl.col("LA") == la)
        else:
            frame = frame.filter(pl.int_range(pl.len()) % 10_000 < slots)
        target = out / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.write_csv(target)
    child_id = re.compile(r"<LAchildID>([^<]*)</LAchildID>")
    (out / "cin").mkdir(parents=True, exist_ok=True)
    for path in sorted((src / "cin").glob("*.xml")):
        with path.open() as lines, (out / "cin" / path.name).open("w") as written:
            for line in lines:  # the synthetic census writes one <Child> a line
                found = child_id.search(line) if line.startswith("<Child>") else None
                if found is None:
                    written.write(line.replace("<LEA>000</LEA>", f"<LEA>{la}</LEA>"))
                    continue
                if kept(found[1]):
                    written.write(line)
    manifest = json.loads((src / "manifest.json").read_text())
    manifest |= {"la": la, "la_name": f"Council {la} (cut from the national profile)"}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return share


def _time_v(report: str, label: str) -> str:
    return re.search(rf"^\s*{re.escape(label)}: (.+)$", report, re.M)[1]


def run(home: Path, out: Path) -> None:
    before = _load()
    done = subprocess.run(["/usr/bin/time", "-v", *_carewatch("annex-a", "--home", str(home), "--out", str(out))],
                          capture_output=True, text=True)
    after = _load()
    report = done.stderr
    user, system = float(_time_v(report, "User time (seconds)")), float(_time_v(report, "System time (seconds)"))
    rows = sum(int(n) for n in re.findall(r"^List \d+: (\d+) rows", report, re.M))
    print(f"annex-a: exit {done.returncode}, {rows:,} rows; wall {_time_v(report, 'Elapsed (wall clock) time (h:mm:ss or m:ss)')}, "
          f"CPU {user + system:.2f} s (user {user:.2f}, sys {system:.2f}), "
          f"peak RSS {int(_time_v(report, 'Maximum resident set size (kbytes)')) // 1024:,} MB; "
          f"load average before {before}, after {after}")
    print("\n".join(line for line in report.splitlines() if line.startswith("List ")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--cut", type=Path, help="a national extract folder to cut one council from")
    parser.add_argument("--la", help="the council to cut (default: the one with the most children)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    home = args.home
    if args.cut:
        la = args.la or _largest(args.cut)
        extract = Path(tempfile.mkdtemp(prefix=f"annexa-{la}-"))
        share = cut(args.cut, la, extract / "extracts")
        print(f"council {la}: {share:.2%} of the national Header's children; extract in {extract / 'extracts'}")
        home = extract / "home"
        done = subprocess.run(_carewatch("import", "--home", str(home), str(extract / "extracts"), "--quiet"),
                              capture_output=True, text=True)
        print(f"import: exit {done.returncode}")
        if done.returncode:
            sys.exit(done.stderr[-2000:])
    if home is None:
        parser.error("give --home or --cut")
    out = Path(tempfile.mkdtemp(prefix="annexa-out-"))
    for _ in range(args.runs):
        run(home, out)


if __name__ == "__main__":
    main()
