"""docs/kpis.md, generated from the definitions. Regenerate with

    uv run python -c "from carewatch.kpis import catalogue_markdown as c; print(c(), end='')" > docs/kpis.md
"""
from __future__ import annotations

from .model import AREAS, BASES
from .registry import REGISTRY

_UNITS = {"count": "count", "percent": "% (0-100, one decimal)", "rate": "per 10,000 (one decimal)",
          "days": "mean days (one decimal)"}

# measured by benchmarks/bench_kpis.py; kept here so the generated page carries them
BENCHMARK = """\
`benchmarks/bench_kpis.py` builds a synthetic national-scale snapshot with numpy (80,000 children
looked after, 120 month-ends: 454,222 periods, 1,065,049 episodes and placements, 13,513,864 duties)
and times `compute_all` for every indicator (the aim is under 60 s on 2 cores). Peak memory is the
computing process's (the snapshot is built in a child process). The synthetic snapshot has no
fostering, education, residential, participation, NTS or CIN tables, so those indicators take the
"no data" path and their (small-table) cost is not in the figure.

| machine | children looked after | month-ends | all indicators | peak memory (RSS) |
| --- | --- | --- | --- | --- |
{rows}
"""
BENCHMARK_ROWS = [
    "| 2 cores shared with other work (load average 5.1), snapshot in a DuckDB file "
    "| 79,802 | 120 | 24.7 s | 1,140 MB |",
    # issue 12 (every figure aggregated from its rows), measured while three other engineers'
    # test runs shared the 2 cores; the same loop over the 64 indicators one by one took 853 s
    # after the change against 908 s before it, side by side under that load
    "| 2 cores shared with three other engineers' test runs (load average 6.7), after issue 12's "
    "rows restructuring | 79,802 | 120 | 134.0 s | 1,840 MB |",
    # issue 17, 2026-12-01: bench_kpis.py's snapshot, compute_all with every statement timed; the
    # 24.7 s above predates issue 12 and the drift indicators (docs/benchmarks.md, National scale)
    "| 2 cores shared with five other engineers (load average 13-16), 72 indicators with the drift "
    "counts | 79,802 | 120 | 227 s wall, 81.5 s CPU | 2,250 MB |",
]

_INTRO = """\
# Indicator catalogue

Generated from `carewatch.kpis` by `catalogue_markdown()`; do not edit by hand (a test checks it is
up to date). KPIS.md is the specification; each entry's method says exactly what the query does.

## How every indicator is computed

- **Dates.** Monthly indicators are computed for every month-end from the first month-end of the
  earliest 903 collection year in the snapshot up to the extract date. A month-end after the extract
  date is never computed; the last, partial month is computed at the extract date itself (its row's
  `period_end` is the extract date, and "D's month" runs from the 1st to the extract date). Annual
  indicators are computed for each 31 March up to the extract date.
- **Looked after on D**: an episode with DECOM <= D and DEC blank or after D, legal status not V3/V4.
  Short breaks are excluded from every indicator; quarantined children (data errors) from all.
- **Windows.** "The 12 months to D" is (D - 12 months, D]; months are calendar months, the 31st
  landing on the last day of a shorter month.
- **The rows behind every figure.** Each indicator has one definition that lists, for each date,
  every row of its denominator (or of its count), with `counted` (in the numerator or not) and the
  fields that decide it; the figure is computed from those rows (numerator = rows counted,
  denominator = rows, a count = rows, unless the entry names another aggregate), so the figure and
  the list behind it cannot disagree. An indicator derived from other figures (basis "none") has no
  rows. `carewatch kpis --children [--id ID] [--period-end D] --format json|csv|text` prints the
  rows (default date: each indicator's latest on/before the as-of date): columns `id`,
  `period_end`, `basis`, `key`, `counted`, then the deciding fields; for one indicator the fields
  are columns, for every indicator at once (their fields differ) CSV and text put them in one
  column `fields` as a JSON object, and JSON gives each row its fields as extra keys. The
  indicator page lists the same rows.
- **Timeliness indicators** (`reviews_on_time`, `visits_on_time`, `rha_on_time`, `pba_in_time`,
  `pep_in_timescale`, `iha_within_20wd`) are aggregates of the duties table, so the due list and the
  percentage cannot disagree. Per team, `team_timeliness(con, period_end, extract_date)` runs the same
  query grouped by each duty's stored team (the allocation on its due date, null if none), so a team
  keeps what fell due while the child was theirs and the teams sum to the council's figure (PEP aside,
  whose indicator is not a plain duty count).
- **Values.** Percentages 0-100, rates and mean days with one decimal, rounded half away from zero
  from the exact integers; counts are integers. Numerator and denominator are the exact integers
  (blank for plain counts).
- **Month to date.** The month the extract date falls in (even when the extract date is its last
  day: an extract is taken during its day and records lag) is the month to date: `kpi_series`
  marks its row `month_to_date` (pages, the series CSV, `carewatch kpis`) and gives it no RAG; the
  overview and the report headline the last complete month, with its changes since last month and
  last year, and show the month to date beside it, never compared.
- **RAG.** Green when the value meets the target, amber within `rag_amber_points` (setting, default
  5) of it, red beyond; polarity decides the direction; no target, no RAG.
- **Targets.** One target in force per indicator, used by every RAG (pages, report, scorecard, CSV,
  `carewatch kpis`): an admin's edit on the indicator page (app DB, audited: who, old, new, when)
  over the council's `carewatch.toml` (`kpi_targets`, or the setting an entry names) over the
  default below. Values are rated against the target in force when they are read, so a change
  moves every RAG at once (`kpi_values` keeps the import's). Each default says where it comes from:
  the seed report's paragraph, or the choice made where the seed gives no target. Figures that
  describe demand or activity (children looked after, starts, UASC, referrals, the drift counts,
  fostering enquiries) have no target by choice: a council does not aim at a number of children
  in care, and the drift counts are worklists.
- **No data.** An indicator whose source table was not in the import (meta `tables_present`) has a
  row per date with no value and RAG `no data`, never zero. A snapshot without that key counts its
  non-empty tables as present. A date with an empty cohort (denominator 0) has no value and no RAG.
- **Quarantined children** (table `quarantine`) are left out of every indicator; their number is in
  meta `quarantined_children` for pages to show beside the figures.
- **Shared helper tables.** The engine builds, once per run, the children looked after on each date
  and per-child span tables (`kpis.sql.SPANS`: the placements overlapping the 12 months to D, by
  interval arithmetic; the latest permanence plan agreed on/before D, ignoring a row with no plan);
  an indicator finds a child's row for D by an equality join on the child within the span, rather
  than joining every record to every month-end. Each indicator is still one definition: the tables
  are the engine's helpers (`kpis.engine`), and the figures are those of the direct rule (tested
  day by day in `tests/kpis/test_children_placements.py`).
- **History without collection years.** When episodes carry no `year`, the history starts at the
  month of the earliest DECOM.

## Performance

"""


def catalogue_markdown() -> str:
    parts = [_INTRO, BENCHMARK.format(rows="\n".join(BENCHMARK_ROWS)), "\n"]
    for area in AREAS:
        kpis = [k for k in REGISTRY.values() if k.area == area]
        if not kpis:
            continue
        parts.append(f"## {area}\n\n")
        for k in kpis:
            target = "none" if k.target is None and not k.target_setting else (
                f"{k.target:g}" + (f" (setting `{k.target_setting}`)" if k.target_setting else ""))
            parts.append(
                f"### `{k.id}`: {k.title}\n\n"
                f"- Unit: {_UNITS[k.unit]}; polarity: {k.polarity or 'none'}; target: {target}; "
                f"frequency: {k.frequency}\n"
                f"- Source tables: {', '.join(k.tables)}\n"
                f"- Rows behind the figure: {BASES[k.basis]}"
                + (f"; figure = {k.aggregate.text}" if k.aggregate else "") + "\n"
                + (f"- Default target from: {k.target_basis}\n" if k.target_basis else "")
                + f"- Source: {k.source}\n"
                f"- Method: {k.method}\n\n"
            )
    return "".join(parts).rstrip() + "\n"
