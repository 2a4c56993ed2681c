"""Printing rows as text, JSON or CSV, the same way for every command.

JSON is a list of flat objects; CSV has a header row. Both escape nothing but what their formats
need — except formula-like text, which CSV output guards with a leading apostrophe so a
spreadsheet never evaluates a cell a council's system let through (DATA.md: `=HYPERLINK(...)`).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from enum import StrEnum

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def escape_formula(value):
    """Neutralise text a spreadsheet would run as a formula; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def rows_of(frame: pl.DataFrame) -> list[dict]:
    """Rows as plain dicts; an indicator row whose unit is a count carries its value as an integer."""
    rows = [{k: _plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
    if "unit" in frame.columns and "value" in frame.columns:
        for row in rows:
            if row["unit"] == "count" and isinstance(row["value"], float):
                row["value"] = int(row["value"])
    return rows


def to_json(frame: pl.DataFrame) -> str:
    return json.dumps(rows_of(frame), indent=1)


def to_csv(frame: pl.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in rows_of(frame):
        # booleans as JSON spells them (true/false), so CSV and JSON read alike
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else escape_formula(v)
                         for v in row.values()])
    return buffer.getvalue()
