"""Small-number suppression for the public version of the report.

The rules (the issue; the usual statistical-disclosure practice for children's data):

- a count of 1 to 5 is shown as ``c`` (0 is shown: it discloses nobody);
- a percentage is suppressed when its numerator, its denominator or their difference is 1 to 5,
  or its denominator is under 10; a percentage with no recorded denominator cannot be shown to
  be safe and is suppressed too;
- a rate per 10,000 is the count of children over a population: the count rule applies to its
  numerator;
- a mean of days is over its denominator's children: the count rule applies to that denominator.

Whatever is derived from a suppressed figure (a change, a RAG rating, a total that includes it)
is suppressed with it, by the callers.
"""
from __future__ import annotations

import polars as pl

SUPPRESSED = "c"


def _small(column: pl.Expr) -> pl.Expr:
    return column.is_between(1, 5).fill_null(False)


def suppressed_expr() -> pl.Expr:
    """True for a kpi_values row (columns unit, numerator, denominator, value) that must not be shown."""
    unit, num, den, value = pl.col("unit"), pl.col("numerator"), pl.col("denominator"), pl.col("value")
    percent = (value.is_not_null()
               & (den.is_null() | num.is_null()
                  | _small(num) | _small(den) | _small(den - num) | (den < 10)))
    return (pl.when(unit == "count").then(_small(value))
            .when(unit == "percent").then(percent)
            .when(unit == "rate").then(_small(num))
            .when(unit == "days").then(_small(den))
            .otherwise(False))


def mark_suppressed(series: pl.DataFrame, public: bool) -> pl.DataFrame:
    """Adds ``suppressed`` (always False outside the public version)."""
    flag = suppressed_expr() if public else pl.lit(False)
    return series.with_columns(flag.alias("suppressed"))


def small_count(value: float | int | None) -> bool:
    """The count rule for a single figure (data-pack totals)."""
    return value is not None and 1 <= value <= 5
