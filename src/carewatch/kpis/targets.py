"""The target in force for every indicator: the one source every RAG reads (pages, report, CSV, CLI).

In order, the first that has one wins:

1. an admin's edit in the dashboard (app DB, audited: ``carewatch.web.indicators``);
2. the council's ``carewatch.toml`` (``kpi_targets``, or the Settings field an indicator names in
   ``target_setting``, e.g. the adoption scorecard thresholds);
3. the indicator's documented default (``Kpi.target``; ``Kpi.target_basis`` says where it comes from).

``kpi_values`` keeps the target and RAG of the import, but every reader goes through
``kpi_series(..., targets=...)``, which rates each value against the target in force now with the
one RAG rule (``rag_sql``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from carewatch.settings import Settings

from .model import Kpi
from .registry import REGISTRY


def target_of(kpi: Kpi, settings: Settings, edits: Mapping[str, float] | None = None) -> float | None:
    """The target in force (see the module's order)."""
    if edits and kpi.id in edits:
        return edits[kpi.id]
    overrides = getattr(settings, "kpi_targets", None) or {}
    if kpi.id in overrides:
        return overrides[kpi.id]
    if kpi.target_setting:
        return float(getattr(settings, kpi.target_setting))
    return kpi.target


def polarity_of(kpi: Kpi, settings: Settings) -> str | None:
    overrides = getattr(settings, "kpi_polarity", None) or {}
    return overrides.get(kpi.id, kpi.polarity)


def rag_sql(value: str, target: str, polarity: str, amber: float) -> str:
    """The RAG rule as SQL over three expressions: green when the value meets the target, amber
    within ``amber`` points of it, red beyond; NULL without a value, a target or a polarity."""
    return (f"CASE WHEN ({value}) IS NULL OR ({target}) IS NULL OR ({polarity}) IS NULL THEN NULL"
            f" WHEN ({polarity}) = 'higher' THEN CASE WHEN ({value}) >= ({target}) THEN 'green'"
            f" WHEN ({value}) >= ({target}) - {amber} THEN 'amber' ELSE 'red' END"
            f" ELSE CASE WHEN ({value}) <= ({target}) THEN 'green'"
            f" WHEN ({value}) <= ({target}) + {amber} THEN 'amber' ELSE 'red' END END")


@dataclass(frozen=True)
class Targets:
    """Every indicator's target and polarity in force, and the amber band. Hashable, so a cached
    page keyed by it is redrawn when a target changes."""

    rows: tuple[tuple[str, float | None, str | None], ...]
    amber: float

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(list(self.rows), schema={"id": pl.Utf8, "target": pl.Float64, "polarity": pl.Utf8},
                            orient="row")

    def target(self, kpi_id: str) -> float | None:
        return next((t for i, t, _ in self.rows if i == kpi_id), None)


def in_force(settings: Settings, edits: Mapping[str, float] | None = None) -> Targets:
    """The targets every RAG uses: ``edits`` (the app DB's) over the settings over the defaults."""
    return Targets(tuple((k.id, target_of(k, settings, edits), polarity_of(k, settings))
                         for k in REGISTRY.values()), float(settings.rag_amber_points))


def with_target(targets: Targets) -> list[str]:
    """Ids of the indicators that have a target in force, in catalogue order: the scorecard's rows."""
    return [i for i, t, _ in targets.rows if t is not None]
