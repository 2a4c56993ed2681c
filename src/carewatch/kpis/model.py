"""What an indicator is: its metadata and the one SQL definition that lists the rows behind it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "percent", "rate", "days"]
Polarity = Literal["higher", "lower"] | None
#: what one row behind the figure is; "none" for a figure derived from other figures (no rows)
Basis = Literal["children", "duties", "periods", "households", "events", "none"]

#: what each basis's rows are, and what their ``key`` is
BASES = {
    "children": "children (key: the child's id)",
    "duties": "duty instances (key: child:duty:period:sequence:due date)",
    "periods": "periods of care (key: child:period)",
    "households": "fostering households (key: the household's id)",
    "events": "events or records (key: what names it, then the source file and row)",
    "none": "none: derived from other figures, no rows behind it",
}

AREAS = (
    "Children we care for",
    "Placements",
    "Care plans, reviews and visits",
    "Health",
    "Pre-birth and adoption",
    "Fostering",
    "Life story, education and residential",
    "Missing",
    "Unaccompanied children",
    "Voice and participation",
    "Care leavers",
    "Children in need",
    "Drift and delay",
)


@dataclass(frozen=True)
class Aggregate:
    """How the engine turns the rows ``r`` of one period_end into the figure: SQL aggregates over
    ``r`` (grouped by the date ``kd``). The default is a share: numerator = rows counted,
    denominator = every row; for a count, value = every row."""

    # rows are counted by their date (a row's key is never NULL either, but a key built by
    # concatenation costs more than the count: 26 million permanence meetings at national scale)
    numerator: str = "count(r.period_end) FILTER (WHERE r.counted)"
    denominator: str = "count(r.period_end)"
    #: the value itself, for counts and for means of recorded figures; NULL lets the engine divide
    value: str = "NULL"
    #: the aggregate in words, for the catalogue
    text: str = "numerator = the rows counted, denominator = every row"


SHARE = Aggregate()
COUNT = Aggregate(numerator="NULL", denominator="NULL", value="count(r.period_end)", text="the number of rows")


@dataclass(frozen=True)
class Kpi:
    """One indicator.

    ``rows`` is a DuckDB SELECT over the snapshot and the engine's helper views (see
    ``carewatch.kpis.engine``) reading the month-ends from ``kd``. It lists, per ``period_end``,
    every row of the denominator (or of the count) with ``key`` (the child, duty instance,
    period, household or event; unique within a period_end), ``counted`` (in the numerator) and
    the fields that decide it. The engine computes the figure from these rows by ``aggregate``,
    so the figure and the list behind it are one definition.

    ``basis`` "none" is a figure derived from other figures (a threshold from the population):
    it has no rows, and ``query`` returns one row per ``period_end`` with ``numerator``,
    ``denominator`` and ``value`` as the engine stores them.
    """

    id: str
    title: str
    area: str
    unit: Unit
    polarity: Polarity
    target: float | None
    frequency: Literal["monthly", "annual"]
    source: str
    method: str
    tables: tuple[str, ...]
    basis: Basis
    rows: str | None = None
    aggregate: Aggregate | None = None
    query: str | None = None
    #: name of a Settings field that holds the target (adoption scorecard thresholds)
    target_setting: str | None = None
    #: where the default target comes from: the seed's paragraph, or the choice made and why
    target_basis: str | None = None

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"{self.id}: unknown basis {self.basis}")
        if (self.basis == "none") != (self.rows is None) or (self.basis == "none") != (self.query is not None):
            raise ValueError(f"{self.id}: basis 'none' has a query and no rows; every other basis has rows")
        if self.aggregate is None and self.rows is not None:
            object.__setattr__(self, "aggregate", COUNT if self.unit == "count" else SHARE)


def dated_figures_sql(rows: str, aggregate: Aggregate) -> str:
    """The figure of each date with rows (``period_end``, numerator, denominator, value) and, with
    ``period_end`` NULL, the figure of a date without rows: the aggregate over one row of NULLs, the
    columns it reads (a count of 0, a sum NULL), as a LEFT JOIN of the dates to the rows gives.

    The rows are aggregated per date before the dates are joined: joining every row to its date
    first cost a hash join of up to 26 million rows per indicator at national scale. An aggregate
    that reads ``kd`` (a population by the date's year) is computed over the dates joined to the
    rows, a row for every date (and none for a date without rows)."""
    parts = (aggregate.numerator, aggregate.denominator, aggregate.value)
    figures = f"{parts[0]} AS numerator, {parts[1]} AS denominator, {parts[2]} AS value"
    if any("kd." in part for part in parts):
        return f"""
        SELECT kd.period_end, {figures}
        FROM kd LEFT JOIN ({rows}) r ON r.period_end = kd.period_end
        GROUP BY kd.period_end
    """
    nulls = ", ".join(f"NULL AS {c}" for c in sorted(set(re.findall(r"\br\.(\w+)", " ".join(parts)))))
    return f"""
        SELECT r.period_end, {figures} FROM ({rows}) r GROUP BY r.period_end
        UNION ALL SELECT NULL, {figures} FROM (SELECT {nulls}) r
    """


def figure_or_no_rows(found: str, empty: str, key: str) -> str:
    """The numerator, denominator and value of ``found`` (a date's figure, left-joined by ``key``)
    or, where the date has none, of ``empty`` (the figure of no rows, ``dated_figures_sql``'s
    NULL period_end)."""
    return ", ".join(f"CASE WHEN {found}.{key} IS NULL THEN {empty}.{c} ELSE {found}.{c} END AS {c}"
                     for c in ("numerator", "denominator", "value"))


def figure_sql(rows: str, aggregate: Aggregate) -> str:
    """A figure per date in ``kd``: the rows of that date aggregated (``dated_figures_sql``), a date
    without rows the aggregate over no rows."""
    return f"""
        WITH f AS ({dated_figures_sql(rows, aggregate)})
        SELECT kd.period_end, {figure_or_no_rows("g", "e", "period_end")}
        FROM kd LEFT JOIN f g ON g.period_end = kd.period_end LEFT JOIN f e ON e.period_end IS NULL
    """
