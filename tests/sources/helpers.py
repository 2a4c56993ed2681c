"""Tiny input files for the reader tests, built in code (synthetic children only)."""
from __future__ import annotations

from pathlib import Path

import polars as pl

HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                   "PL_POST,URN")


def write(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def finding_rows(findings: pl.DataFrame, code: str) -> list[tuple]:
    """(file, row, column, child) of every finding with ``code``, in order."""
    rows = findings.filter(pl.col("code") == code).sort("file", "row", "column")
    return list(rows.select("file", "row", "column", "child").iter_rows())


def codes(findings: pl.DataFrame) -> list[str]:
    return sorted(findings.get_column("code").to_list())
