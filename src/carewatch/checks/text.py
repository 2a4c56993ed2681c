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


def check_text(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    for df in tables.values():
        for column, dtype in df.schema.items():
            if dtype != pl.Utf8 or column == "_file":
                continue
            value = pl.col(column)
            # most columns hold no sign at all: their values joined into one text are searched at once
            # (less than half the CPU of testing each value), and only a column holding one is looked
            # at value by value
            if not df.select(value.str.join("").str.contains("[=+@-]")).item():
                continue
            # the values holding a sign at all (a literal search, cheaper than the pattern) are the
            # only ones that can start with one; a leading sign on a number (-3, +44) is data, not a
            # formula: looked at only on the few values that start with one
            bad = df.filter(value.str.contains_any(list(_SIGNS)).fill_null(False)) \
                .filter(value.str.contains(r"^\s*[=+\-@]")) \
                .filter(value.str.strip_chars().cast(pl.Float64, strict=False).is_null())
            frames.append(findings_from_rows(FORMULA, located(
                bad, value.str.slice(0, _SHOWN_CHARACTERS).alias("value"), column=source_column(column))))
    return concat_findings(frames)
