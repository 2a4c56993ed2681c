"""The rows behind the figures, as the CLI and the pages print them.

One indicator: its rows with ``id, period_end, basis, key, counted`` then its own deciding fields
as columns. Several indicators (whose fields differ): the same first five columns and ``fields``,
the deciding fields as a JSON object in one text column; the JSON output instead gives every row
its deciding fields as extra keys.
"""
from __future__ import annotations

import json

import polars as pl

from .engine import ROW_COLUMNS
from .registry import REGISTRY

HEAD = ("id", "period_end", "basis", "key", "counted")


def _headed(kpi_id: str, rows: pl.DataFrame) -> pl.DataFrame:
    fields = [c for c in rows.columns if c not in ROW_COLUMNS]
    return rows.select(pl.lit(kpi_id).alias("id"), "period_end", pl.lit(REGISTRY[kpi_id].basis).alias("basis"),
                       pl.col("key").cast(pl.Utf8), "counted", *fields)


def rows_table(listed: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One frame: fields as columns for a single indicator, else as a JSON text column ``fields``."""
    if len(listed) == 1:
        (kpi_id, rows), = listed.items()
        return _headed(kpi_id, rows)
    frames = []
    for kpi_id, rows in listed.items():
        headed = _headed(kpi_id, rows)
        fields = [c for c in headed.columns if c not in HEAD]
        encoded = pl.struct(fields).struct.json_encode() if fields else pl.lit("{}")
        frames.append(headed.select(*HEAD, encoded.alias("fields")))
    if not frames:
        return pl.DataFrame(schema={"id": pl.Utf8, "period_end": pl.Date, "basis": pl.Utf8, "key": pl.Utf8,
                                    "counted": pl.Boolean, "fields": pl.Utf8})
    return pl.concat(frames)


def rows_records(listed: dict[str, pl.DataFrame]) -> list[dict]:
    """Plain dicts, each row's deciding fields as extra keys (for JSON)."""
    records = []
    for kpi_id, rows in listed.items():
        records.extend(_headed(kpi_id, rows).iter_rows(named=True))
    return records


def rows_json(listed: dict[str, pl.DataFrame]) -> str:
    return json.dumps(rows_records(listed), indent=1, default=lambda v: v.isoformat())
