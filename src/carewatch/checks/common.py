"""Shared helpers for the check modules: registration, locating rows, dates in messages."""
from __future__ import annotations

import polars as pl

from carewatch.checks.findings import CheckDef, Severity, define

# codes registered by carewatch.checks (the readers in carewatch.sources register their own)
OWN_CODES: set[str] = set()

# schema name -> the name councils see in their files (DATA.md, DOMAIN.md A1)
TABLE_LABELS = {
    "header": "Header", "episodes": "Episodes", "reviews": "Reviews", "uasc": "UASC", "oc2": "OC2",
    "oc3": "OC3", "ad1": "AD1", "placed_adoption": "PlacedAdoption", "prev_perm": "PrevPerm",
    "missing": "Missing", "sw_episodes": "SWEpisodes", "dolo": "DoLo",
}
# schema.sql renames columns whose source name is an SQL keyword
_SOURCE_COLUMNS = {"start_date": "START", "end_date": "END", "case_id": "CASE", "events": "COUNT"}


def check(code: str, title: str, severity: Severity, template: str, table: str = "", *,
          remedy: str = "") -> CheckDef:
    OWN_CODES.add(code)
    return define(code, title, severity, template, table, remedy=remedy)


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


def source_column(column: str) -> str:
    """The column as named in the council's file: EPISODES' ``dec`` is ``DEC``."""
    return _SOURCE_COLUMNS.get(column, column.upper())


def has(tables: dict[str, pl.DataFrame], table: str, *columns: str) -> bool:
    return table in tables and all(c in tables[table].columns for c in columns)


def located(df: pl.DataFrame, *extra: pl.Expr | str, column: str | None = None) -> pl.DataFrame:
    """The finding location columns (file, row, child, column) plus ``extra`` for the message."""
    return df.select(
        (pl.col("_file") if "_file" in df.columns else pl.lit(None, pl.Utf8)).alias("file"),
        (pl.col("_row") if "_row" in df.columns else pl.lit(None, pl.Int64)).alias("row"),
        (pl.col("child") if "child" in df.columns else pl.lit(None, pl.Utf8)).alias("child"),
        pl.lit(column, pl.Utf8).alias("column"),
        *extra,
    )


def ddmmyyyy(expr: pl.Expr) -> pl.Expr:
    """A date as data officers write it (the DfE convention)."""
    return expr.dt.strftime("%d/%m/%Y")


def year_label(year: pl.Expr) -> pl.Expr:
    """Collection year ending 2024 -> "2023-24"."""
    return pl.concat_str((year - 1).cast(pl.Utf8), pl.lit("-"), (year % 100).cast(pl.Utf8).str.zfill(2))


def is_blank(expr: pl.Expr) -> pl.Expr:
    return expr.is_null() | (expr.cast(pl.Utf8).str.strip_chars() == "")


def header_dob(tables: dict[str, pl.DataFrame]) -> pl.DataFrame | None:
    """child, header_dob from Header; where several years disagree the latest year's DOB counts."""
    if not has(tables, "header", "child", "dob"):
        return None
    # the three columns used, not Header's every column, are filtered and sorted
    header = (tables["header"].select("child", "dob", *(["year"] if "year" in tables["header"].columns else []))
              .filter(pl.col("child").is_not_null() & pl.col("dob").is_not_null()))
    if "year" in header.columns:
        header = header.sort("year", descending=True, nulls_last=True)
    return header.unique("child", keep="first", maintain_order=True).select(
        "child", pl.col("dob").alias("header_dob"))
