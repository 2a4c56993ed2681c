"""The demo council's headline figures beside the seed report's, computed by `carewatch kpis`.

    uv run python scripts/demo_vs_seed.py [--seed 1] [--write docs/demo-vs-seed.md]

Generates the `demo` profile, imports it into a temporary home and reads every figure from the
snapshot's stored indicator values (the same numbers the dashboard and report show). The placement
figures at 31 March 2022 come from a second run with ``--as-of 2022-03-31``: the demo simulates to
that date whatever the extract date, so it is the same council (docs/synth.md).
"""
from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import polars as pl

# (indicator, month-end, seed figure, where the seed says it) — KPIS.md "seed" column
SEED = [
    ("cla_count", "2021-10-31", 865, "¶1.4"),
    ("cla_count", "2018-10-31", 665, "¶1.4: 865 is +30% on 2018 (865 / 1.3)"),
    ("cla_count", "2021-03-31", 891, "DfE published, council 938"),
    ("care_plan_reviewed", "2021-03-31", 87, "¶2.6"),
    ("care_plan_reviewed", "2021-10-31", 96, "¶2.6"),
    ("visits_on_time", "2021-10-31", 89, "¶2.6"),
    ("visits_on_time", "2021-11-30", 93, "¶2.6"),
    ("permanence_plan_by_second_review", "2020-08-31", 89, "¶2.5"),
    ("permanence_plan_by_second_review", "2021-10-31", 98, "¶2.5"),
    ("children_in_permanent_placement", "2020-02-29", 108, "¶2.5"),
    ("children_in_permanent_placement", "2021-11-30", 245, "¶2.5"),
    ("permanence_meetings_12m", "2021-11-30", 2356, "¶2.5"),
    ("iha_within_20wd", "2018-12-31", 13, "¶2.7 (Ofsted, December 2018)"),
    ("rha_on_time", "2021-11-30", 85, "¶2.9 (about)"),
    ("health_assessment_up_to_date", "2021-11-30", 86, "¶2.10"),
    ("dental_check_up_to_date", "2021-03-31", 52, "¶2.10"),
    ("dental_check_up_to_date", "2021-11-30", 70, "¶2.10"),
    ("foster_utilisation", "2021-11-30", 75, "¶2.12"),
    ("fostering_assessments_in_progress", "2021-10-31", 26, "¶2.13"),
    ("ffa_placements_12m", "2021-11-30", 15, "¶2.15"),
    ("adoptions_12m", "2021-11-30", 5, "¶2.15"),
    ("adoption_placed_awaiting_order", "2021-11-30", 4, "¶2.15"),
    ("adoption_awaiting_match", "2021-11-30", 6, "¶2.15 (4 + 2)"),
    ("pep_in_timescale", "2021-07-31", 95, "¶2.18 (2020/21)"),
    ("uasc_count", "2021-11-30", 90, "¶2.24"),
    ("nts_accepted_12m", "2021-11-30", 3, "¶2.25 (by December 2021)"),
    ("momo_uses", "2018-12-31", 127, "¶3.2"),
    ("momo_uses", "2019-12-31", 417, "¶3.2"),
    ("momo_uses", "2020-12-31", 677, "¶3.2"),
    ("momo_uses", "2021-06-30", 395, "¶3.2 (January–June 2021)"),
]


# DfE's published placement stability for council 938 (la_cla_placement_stability.csv, 2021 and
# 2022 releases): (indicator, 31 March, percent, numerator / denominator, the demo before the
# November 2026 placement calibration, from the same indicators)
DFE = [
    ("placements_3plus", "2021-03-31", 14, "129 / 891", "5.7 (51 / 892)"),
    ("placement_stability_long_term", "2021-03-31", 55, "105 / 192", "75.9 (132 / 174)"),
    ("placements_3plus", "2022-03-31", 11, "96 / 861", "4.2 (36 / 861)"),
    ("placement_stability_long_term", "2022-03-31", 69, "162 / 236", "71.9 (128 / 178)"),
]
#: the dates of the drift table: the demo's story is drift falling from 2019 as the panel works
DRIFT_DATES = ["2019-03-31", "2019-09-30", "2020-03-31", "2020-09-30", "2021-03-31", "2021-09-30", "2021-11-30"]


def demo_figures(seed: int, as_of: date | None = None) -> pl.DataFrame:
    from carewatch.importer import run_import
    from carewatch.kpis import kpi_series
    from carewatch.snapshot import Home, open_snapshot
    from carewatch.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        generate("demo", seed, Path(tmp) / "extracts", as_of=as_of)
        home = Home(Path(tmp) / "home")
        run_import(home, [Path(tmp) / "extracts"])
        with open_snapshot(home) as con:
            return kpi_series(con)


def table(series: pl.DataFrame) -> str:
    lines = ["| indicator | month | seed | demo | numerator / denominator | source |",
             "| --- | --- | ---: | ---: | --- | --- |"]
    for kpi_id, month, seed_value, where in SEED:
        row = series.filter((pl.col("id") == kpi_id) & (pl.col("period_end") == date.fromisoformat(month)))
        if row.height == 0:
            demo, parts = "not computed", ""
        else:
            r = row.row(0, named=True)
            value = r["value"]
            demo = "no data" if value is None else (f"{int(value)}" if r["unit"] == "count" else f"{value}")
            parts = "" if r["numerator"] is None else f"{r['numerator']} / {r['denominator']}"
        lines.append(f"| `{kpi_id}` | {month[:7]} | {seed_value} | {demo} | {parts} | {where} |")
    iha = series.filter((pl.col("id") == "iha_within_20wd") & (pl.col("period_end").dt.year() == 2021))
    monthly = ", ".join(f"{r['period_end']:%b} {r['value']}" for r in iha.iter_rows(named=True))
    lines.append("")
    lines.append(f"`iha_within_20wd` by month of 2021 (seed: between 20% and 59%): {monthly}.")
    return "\n".join(lines)


def _figure(series: pl.DataFrame, kpi_id: str, month: str) -> tuple[str, str]:
    row = series.filter((pl.col("id") == kpi_id) & (pl.col("period_end") == date.fromisoformat(month)))
    if row.height == 0 or row["value"][0] is None:
        return "no data", ""
    r = row.row(0, named=True)
    parts = "" if r["numerator"] is None else f"{r['numerator']} / {r['denominator']}"
    return (f"{int(r['value'])}" if r["unit"] == "count" else f"{r['value']}"), parts


def placements_table(series: pl.DataFrame, march_2022: pl.DataFrame) -> str:
    lines = ["| indicator | 31 March | DfE 938 | DfE n / d | demo | n / d | demo before |",
             "| --- | --- | ---: | --- | ---: | --- | ---: |"]
    for kpi_id, month, dfe, dfe_parts, before in DFE:
        value, parts = _figure(march_2022 if month.startswith("2022") else series, kpi_id, month)
        lines.append(f"| `{kpi_id}` | {month[:4]} | {dfe} | {dfe_parts} | {value} | {parts} | {before} |")
    return "\n".join(lines)


def drift_table(series: pl.DataFrame) -> str:
    ids = sorted(i for i in series["id"].unique().to_list() if i.startswith("drift_"))
    lines = ["| indicator | " + " | ".join(d[:7] for d in DRIFT_DATES) + " |",
             "| --- |" + " ---: |" * len(DRIFT_DATES)]
    for kpi_id in ids:
        lines.append(f"| `{kpi_id}` | " + " | ".join(_figure(series, kpi_id, d)[0] for d in DRIFT_DATES) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    series = demo_figures(args.seed)
    text = (table(series) + "\n\n## Placement moves beside council 938's published figures\n\n"
            "DfE's published placement stability for council 938 at 31 March, beside the demo's "
            "`placements_3plus` and `placement_stability_long_term` (2021 from the default extract, 2022 "
            "from `carewatch synth --profile demo --seed 1 --as-of 2022-03-31`, the same council; "
            "docs/synth.md \"Placement moves\"). \"demo before\" is the demo before the November 2026 "
            "calibration.\n\n"
            + placements_table(series, demo_figures(args.seed, date(2022, 3, 31)))
            + "\n\n## Drift\n\nThe `drift_<reason>` counts (children on each drift list) at each date: "
            "the demo's story is drift falling from 2019 as the Permanence Panel works (docs/synth.md "
            "\"Drift\").\n\n" + drift_table(series))
    if args.write:
        args.write.write_text(
            "# The demo council beside the seed report\n\n"
            f"Generated by `uv run python scripts/demo_vs_seed.py --write {args.write}` (synth `demo`, seed "
            f"{args.seed}): every demo figure is read from the indicator values `carewatch import` stored, "
            "the numbers `carewatch kpis`, the dashboard and the report show.\n\n" + text + "\n")
    print(text)


if __name__ == "__main__":
    main()
