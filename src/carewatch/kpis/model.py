"""What an indicator is: its metadata and the one SQL query that computes its whole series."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "percent", "rate", "days"]
Polarity = Literal["higher", "lower"] | None

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
)


@dataclass(frozen=True)
class Kpi:
    """One indicator.

    ``query`` is a DuckDB SELECT over the snapshot and the engine's helper views (see
    ``carewatch.kpis.engine``). It reads the month-ends from ``kd`` (period_end = D, as_of, and the
    window starts) and returns one row per ``period_end`` with ``numerator``, ``denominator`` and
    ``value``: percentages, rates and mean days return the exact integers and leave ``value`` NULL
    (the engine divides and rounds), unless the value is itself a mean of recorded figures; counts
    return ``value`` only.
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
    query: str
    #: name of a Settings field that holds the target (adoption scorecard thresholds)
    target_setting: str | None = None
