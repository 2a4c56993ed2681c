"""Children that Header does not know: their records cannot be tied to a date of birth or a sex."""
from __future__ import annotations

import itertools

import polars as pl

from carewatch.checks.common import check, has, table_label
from carewatch.checks.findings import Severity, concat_findings, empty_findings, findings_from_rows

NOT_IN_HEADER = check(
    "child.not_in_header", "Child missing from Header", Severity.ERROR,
    "Child {child} has {rows} row(s) in {table} but is not in Header; add the child to Header "
    "or correct CHILD.",
    remedy=("Add the child to the 903 Header (or send the year that has them), or correct the child id in "
            "the other table; the child is left out until then."))
# A local-extract row for a child the 903 does not hold (say, one who left care before the
# earliest collection year sent) cannot change any duty or indicator, which all start from
# episodes: worth telling the data officer, not worth quarantining the child.
LOCAL_NOT_IN_HEADER = check(
    "child.local_not_in_header", "Local-extract child missing from Header", Severity.WARNING,
    "Child {child} has {rows} row(s) in {table} but is not in the 903 Header sent; the rows are "
    "kept but used by nothing. Send the 903 years that cover this child, or correct CHILD.",
    remedy=("Include the 903 years that cover these children in the import, or correct the child id in the "
            "local extract; until then their local rows count in nothing."))

# CIN census children need not be looked after, nor those of contacts and early help (Annex A
# lists 1 and 2: most never are); pre-birth cases have no CHILD
_NOT_LOOKED_AFTER = ("cin_children", "cin_referrals", "cin_assessments", "cin_s47", "cin_cp_plans",
                     "contacts", "early_help")


def check_children(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "header", "child"):
        return empty_findings()
    looked_at = [table for table in tables
                 if table != "header" and table not in _NOT_LOOKED_AFTER and has(tables, table, "child", "_row")]
    unknown_rows = _not_in(tables["header"].get_column("child"), [tables[table] for table in looked_at])
    frames = []
    for table, unknown_row in zip(looked_at, unknown_rows):
        df = tables[table]
        unknown = (df.select("child", "_file", "_row").filter(unknown_row)
                   .sort("_file", "_row")
                   .group_by("child", maintain_order=True)
                   .agg(pl.col("_file").first().alias("file"), pl.col("_row").first().alias("row"),
                        pl.len().alias("rows")))
        # the 903 tables are the ones carrying a collection year (schema.sql)
        rule = NOT_IN_HEADER if "year" in df.columns else LOCAL_NOT_IN_HEADER
        frames.append(findings_from_rows(rule, unknown.with_columns(
            pl.lit("CHILD").alias("column"), pl.lit(table_label(table)).alias("table"))))
    return concat_findings(frames)


def _not_in(known: pl.Series, frames: list[pl.DataFrame]) -> list[pl.Series]:
    """Per frame, whether each row's child is given and not among ``known``. Every frame's children
    are looked up in one pass (their columns chained, not copied): one set of Header's children
    built, rather than one per table (a join per table built it 27 times, most of the cost)."""
    if not frames:
        return []
    children = pl.concat([frame.get_column("child").cast(pl.Utf8) for frame in frames], rechunk=False)
    unknown = children.is_not_null() & ~children.is_in(known.implode())
    offsets = [0, *itertools.accumulate(frame.height for frame in frames)]
    return [unknown.slice(start, end - start) for start, end in itertools.pairwise(offsets)]
