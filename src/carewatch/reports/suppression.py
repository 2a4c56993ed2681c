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


def shown_count(value, public: bool):
    """A single count as a public role sees it: ``c`` for 1 to 5 (pages' register and finding
    counts, the forecast's figures)."""
    return SUPPRESSED if public and small_count(value) else value


def public_counts(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """A frame of counts with each of ``columns`` as text, ``c`` for 1 to 5 (the count rule)."""
    return frame.with_columns(
        pl.when(_small(pl.col(c))).then(pl.lit(SUPPRESSED)).otherwise(pl.col(c).cast(pl.Utf8)).alias(c)
        for c in columns)


def public_figures(series: pl.DataFrame) -> pl.DataFrame:
    """A kpi_series frame as the public version shows it: ``suppressed`` marked, and every
    suppressed figure (numerator, denominator, value) and what follows from it (the RAG) given
    as ``c``, so no page or download made from it can show a small number (those columns become
    text). The dashboard shows members, scrutiny officers and cabinet members this."""
    marked = mark_suppressed(series, True)
    return marked.with_columns(
        pl.when(pl.col("suppressed")).then(pl.lit(SUPPRESSED)).otherwise(pl.col(c).cast(pl.Utf8)).alias(c)
        for c in ("numerator", "denominator", "value", "rag"))


def hide_in_row(row: dict, flags: dict[str, str]) -> dict:
    """A dict row with each ``field`` shown as ``c`` where its ``flags[field]`` column is true."""
    return row | {field: SUPPRESSED for field, flag in flags.items() if row.get(flag)}
