"""The findings model: every problem in an import is a typed finding with a stable code.

A check module declares its checks with ``define`` (code, title, severity, message template) and
yields findings; it never raises on bad data. Findings travel as a Polars frame with the columns of
``FINDINGS_SCHEMA`` so that vectorised checks can emit thousands at once, and the same frame feeds
text, JSON and the snapshot's ``findings`` table.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl


class Severity(StrEnum):
    FILE_ERROR = "file_error"  # the import is rejected; nothing published changes
    ERROR = "error"  # the child is quarantined (or, with --strict, the import is rejected)
    WARNING = "warning"  # imported as it is


@dataclass(frozen=True)
class CheckDef:
    code: str
    title: str
    severity: Severity
    template: str  # str.format template; placeholders are filled per finding
    table: str = ""  # the table it looks at, for the catalogue ("" = any)
    #: what to do about it, for the council (the data-quality page and docs/checks.md show it)
    remedy: str = ""


REGISTRY: dict[str, CheckDef] = {}

FINDINGS_SCHEMA = {
    "code": pl.Utf8,
    "severity": pl.Utf8,
    "file": pl.Utf8,
    "row": pl.Int64,
    "column": pl.Utf8,
    "child": pl.Utf8,
    "message": pl.Utf8,
}


def define(code: str, title: str, severity: Severity, template: str, table: str = "", *,
           remedy: str = "") -> CheckDef:
    """Register a check; codes are stable identifiers and must be unique. ``remedy``: what to do
    about a finding of this code (every check has one: tests/checks/test_remedies.py)."""
    made = CheckDef(code, title, severity, template, table, remedy)
    if code in REGISTRY and REGISTRY[code] != made:
        raise ValueError(f"check code {code} defined twice")
    REGISTRY[code] = made
    return made


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    file: str | None
    row: int | None
    column: str | None
    child: str | None
    message: str


#: a finding quotes at most this many characters of any value (a 5 MB cell must not make a 5 MB page)
QUOTE_CHARS = 200


def clip(value: object) -> object:
    text = value if isinstance(value, str) else None
    return text[:QUOTE_CHARS] + "…" if text is not None and len(text) > QUOTE_CHARS else value


def _clipped(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_chars() > QUOTE_CHARS).then(expr.str.slice(0, QUOTE_CHARS) + "…").otherwise(expr)


def finding(check: CheckDef, *, file: str | None = None, row: int | None = None,
            column: str | None = None, child: str | None = None, **values) -> Finding:
    return Finding(check.code, str(check.severity), file, row, column, child,
                   check.template.format(file=file, row=row, column=column, child=child,
                                         **{k: clip(v) for k, v in values.items()}))


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS_SCHEMA)


def findings_frame(items: list[Finding]) -> pl.DataFrame:
    if not items:
        return empty_findings()
    return pl.DataFrame([f.__dict__ for f in items], schema=FINDINGS_SCHEMA)


def findings_from_rows(check: CheckDef, rows: pl.DataFrame, message: pl.Expr | None = None) -> pl.DataFrame:
    """Vectorised findings: one per row of ``rows``.

    ``rows`` may hold any of file, row, column, child (missing ones become null) plus the values
    the template names. ``message`` overrides the template with an expression if given; otherwise
    the template's ``{placeholders}`` are filled from the columns of the same name.
    """
    if rows.height == 0:
        return empty_findings()
    if message is None:
        message = _template_expr(check.template, rows.columns)
    out = rows.with_columns(
        pl.lit(check.code).alias("code"),
        pl.lit(str(check.severity)).alias("severity"),
        message.alias("message"),
        *[pl.lit(None, dtype).alias(c) for c, dtype in FINDINGS_SCHEMA.items()
          if c not in rows.columns and c not in ("code", "severity", "message")],
    )
    return out.select([pl.col(c).cast(t) for c, t in FINDINGS_SCHEMA.items()])


def _template_expr(template: str, columns: list[str]) -> pl.Expr:
    import string

    parts: list[pl.Expr] = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if field is not None:
            if field not in columns:
                raise KeyError(f"template field {field!r} has no column")
            parts.append(_clipped(pl.col(field).cast(pl.Utf8).fill_null("")))
    return pl.concat_str(parts) if parts else pl.lit("")


def concat_findings(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.height]
    return pl.concat(frames, how="vertical") if frames else empty_findings()
