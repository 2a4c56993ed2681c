"""National and statistical-neighbour comparators from DfE's published tables, shipped with the
package as ``carewatch/data/comparators.csv`` (built by ``scripts/build_comparators.py``; nothing
outside the package is read at run time)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib.resources import files

import polars as pl

ENGLAND = "E92000001"
_SCHEMA = {"la_code": pl.Utf8, "la_name": pl.Utf8, "kpi_id": pl.Utf8, "year": pl.Int32, "value": pl.Float64}


@lru_cache(maxsize=1)
def _table() -> pl.DataFrame:
    with files("carewatch.data").joinpath("comparators.csv").open("rb") as f:
        return pl.read_csv(f, schema=_SCHEMA)


def comparators(kpi_id: str, la: str | None = None, neighbours: list[str] | None = None) -> pl.DataFrame:
    """Published values of one indicator by year (31 March of ``year``): England, plus the authority
    ``la`` and its ``neighbours`` (DfE old LA codes, e.g. '938') when given; with neither, every
    authority. Columns: la_code, la_name, kpi_id, year, value."""
    rows = _table().filter(pl.col("kpi_id") == kpi_id)
    if la is not None or neighbours:
        wanted = [ENGLAND, *([la] if la else []), *(neighbours or [])]
        rows = rows.filter(pl.col("la_code").is_in(wanted))
    return rows.sort(["la_code", "year"])


@lru_cache(maxsize=256)
def _england_published(kpi_id: str) -> pl.DataFrame:
    return (comparators(kpi_id).filter(pl.col("la_code") == ENGLAND)
            .select(pl.date(pl.col("year"), 3, 31).alias("period_end"), pl.col("value"))
            .drop_nulls().sort("period_end"))


def england_series(kpi) -> pl.DataFrame:
    """England's published figures for an indicator (DfE, at each 31 March): period_end, value.

    Empty for counts: a national total is no comparator for one council's count.
    """
    if kpi.unit == "count":
        return pl.DataFrame(schema={"period_end": pl.Date, "value": pl.Float64})
    return _england_published(kpi.id)


def england_latest(kpi, on: date | None) -> float | None:
    """England's figure for the latest 31 March on or before ``on`` (None for counts)."""
    if on is None:
        return None
    figures = england_series(kpi).filter(pl.col("period_end") <= on)
    return figures["value"][-1] if figures.height else None


def published_comparison(kpi, la: str | None, neighbours: tuple[str, ...], on: date) -> pl.DataFrame:
    """England, this council and its named statistical neighbours: each one's published figure
    for the latest 31 March on or before ``on`` (la_code, la_name, year, value), England first.

    Empty for counts: councils' counts differ with their size, so only rates and percentages
    compare.
    """
    if kpi.unit == "count":
        return pl.DataFrame(schema={"la_code": pl.Utf8, "la_name": pl.Utf8, "year": pl.Int64, "value": pl.Float64})
    wanted = [ENGLAND, *([la] if la else []), *neighbours]
    published = (comparators(kpi.id, la=la, neighbours=list(neighbours))
                 .filter(pl.col("value").is_not_null() & (pl.date(pl.col("year"), 3, 31) <= on))
                 .sort("year").group_by("la_code", maintain_order=True).last())
    order = pl.DataFrame({"la_code": wanted, "_order": range(len(wanted))})
    return published.join(order, on="la_code").sort("_order").select("la_code", "la_name", "year", "value")
