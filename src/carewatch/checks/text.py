"""Text that a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM ...)."""
from __future__ import annotations

import polars as pl

from carewatch.checks.common import check, located, source_column
from carewatch.checks.findings import Severity, concat_findings, findings_from_rows

FORMULA = check(
    "text.formula", "Formula-like text", Severity.WARNING,
    "{column} holds '{value}', which a spreadsheet would run as a formula: kept as text; "
    "escaped on export. Check what the source system exported.",
    remedy=("Check the text in the source system: it looks like a spreadsheet formula and is shown as text, "
            "never run."))

_SHOWN_CHARACTERS = 40
_SIGNS = "=+-@"
# a column's values are searched for a sign in slices of this many: each slice's joined text (under
# a megabyte) reuses the memory freed by the one before, where a whole column's joined text (70 MB
# for national visits' CHILD) is fresh pages, each a page fault (a third of the search's CPU)
_SLICE = 1 << 16


def _holds_sign(column: str, height: int) -> pl.Expr:
    """Whether any value of ``column`` holds a sign: most columns hold none, and their values joined
    into one text are searched at once (less than half the CPU of testing each value)."""
    value = pl.col(column)
    return pl.any_horizontal([value.slice(start, _SLICE).str.join("").str.contains("[=+@-]")
                              for start in range(0, max(height, 1), _SLICE)]).alias(column)


def check_text(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    for df in tables.values():
        columns = [column for column, dtype in df.schema.items() if dtype == pl.Utf8 and column != "_file"]
        if not columns:
            continue
        # every text column of the table searched in one query (its columns in parallel); only a
        # column holding a sign is looked at value by value
        holding = df.select(_holds_sign(column, df.height) for column in columns).row(0)
        for column in (column for column, sign in zip(columns, holding) if sign):
            value = pl.col(column)
            # the values holding a sign at all (a literal search, cheaper than the pattern) are the
            # only ones that can start with one; a leading sign on a number (-3, +44) is data, not a
            # formula: looked at only on the few values that start with one
            bad = df.filter(value.str.contains_any(list(_SIGNS)).fill_null(False)) \
                .filter(value.str.contains(r"^\s*[=+\-@]")) \
                .filter(value.str.strip_chars().cast(pl.Float64, strict=False).is_null())
            frames.append(findings_from_rows(FORMULA, located(
                bad, value.str.slice(0, _SHOWN_CHARACTERS).alias("value"), column=source_column(column))))
    return concat_findings(frames)
