"""Rows repeated within a table."""
from __future__ import annotations

import polars as pl

from carewatch.checks.common import check, located, table_label
from carewatch.checks.findings import Severity, concat_findings, findings_from_rows

DUPLICATE = check(
    "row.duplicate", "Duplicate row", Severity.WARNING,
    "This row of {table} repeats {first_file} row {first_row} exactly; remove the copy from the "
    "extract.",
    remedy="Remove the repeated row in the source system or the export; it is counted once meanwhile.")


# Tables of anonymous events: two identical rows are two events (two Mind of My Own statements
# on one day), not a copy.
EVENT_TABLES = ("participation",)


def _repeated(values: pl.Series) -> pl.Series:
    """The values occurring more than once. Sorted, each compared with the one before: for millions
    of row hashes, a sixth of the CPU of ``is_duplicated``'s hash table (a cache miss a row). Sorted
    in one thread: two threads' sort of national visits' 7.2 M hashes costs a third more CPU."""
    ordered = values.sort(multithreaded=False)
    return ordered.filter(ordered == ordered.shift(1)).unique()


def check_duplicates(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    for table, df in tables.items():
        if table in EVENT_TABLES:
            continue
        content = [c for c in df.columns if c not in ("_file", "_row")]
        if not content or "_row" not in df.columns or df.height < 2:
            continue
        # one pass hashing each row to a number finds the rows that may repeat (few, if any): a
        # quarter cheaper than grouping the rows' values; those rows alone are compared and ranked
        hashes = df.select(content).hash_rows()
        repeated_hashes = _repeated(hashes)
        if repeated_hashes.is_empty():
            continue
        maybe = df.filter(hashes.is_in(repeated_hashes.implode()))
        repeated = maybe.select(content).is_duplicated()
        if not repeated.any():
            continue
        repeats = (maybe.filter(repeated).sort("_file", "_row")
                   .with_columns(pl.col("_file").first().over(content).alias("first_file"),
                                 pl.col("_row").first().over(content).alias("first_row"),
                                 pl.int_range(pl.len()).over(content).alias("_nth"))
                   .filter(pl.col("_nth") > 0))
        frames.append(findings_from_rows(DUPLICATE, located(
            repeats, "first_file", "first_row", pl.lit(table_label(table)).alias("table"))))
    return concat_findings(frames)
