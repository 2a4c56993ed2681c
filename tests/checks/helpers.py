"""Tiny typed tables shaped like the readers' output (schema.sql columns and types)."""
from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files

import polars as pl

_SQL_TYPES = {"VARCHAR": pl.Utf8, "DATE": pl.Date, "INTEGER": pl.Int64, "BIGINT": pl.Int64,
              "BOOLEAN": pl.Boolean, "DOUBLE": pl.Float64}


def _schema() -> dict[str, dict[str, pl.DataType]]:
    sql = files("carewatch").joinpath("schema.sql").read_text(encoding="utf-8")
    sql = re.sub(r"--[^\n]*", "", sql)
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\);", sql, flags=re.S):
        columns = re.findall(r'"?(\w+)"?\s+(VARCHAR|DATE|INTEGER|BIGINT|BOOLEAN|DOUBLE)', body)
        tables[name] = {column: _SQL_TYPES[sql_type] for column, sql_type in columns}
    return tables


SCHEMA = _schema()


def d(text: str) -> dt.date:
    """d("01/05/2021") -> date(2021, 5, 1), so tests read like the data."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def table(name: str, rows: list[dict], year: int = 2022, file: str | None = None) -> pl.DataFrame:
    """A frame of table ``name``: rows give some columns, the rest are null; _row counts from 2
    (row 1 is the header line) and _file is ``<name>.csv`` unless given."""
    schema = SCHEMA[name]
    filled = []
    for number, row in enumerate(rows, start=2):
        base = {"_file": file or f"{name}.csv", "_row": number}
        if "year" in schema:
            base["year"] = year
        filled.append({**{c: None for c in schema}, **base, **row})
    return pl.DataFrame(filled, schema=schema)


def only(findings: pl.DataFrame) -> dict:
    """The single finding in ``findings`` (fails if there are none or several)."""
    assert findings.height == 1, findings.to_dicts()
    return findings.row(0, named=True)


def located(finding: dict) -> tuple:
    return finding["code"], finding["severity"], finding["file"], finding["row"], finding["column"], finding["child"]
