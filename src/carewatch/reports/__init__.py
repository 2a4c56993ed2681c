"""The committee's performance summary (HTML, PDF, XLSX) and data pack, from the stored indicators.

``write_report`` writes the three files; ``build_report_context`` gives the same content as plain
data for the web dashboard.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from carewatch.progress import Progress, silent

from .context import build_report_context
from .html import write_html
from .pdf import write_pdf
from .xlsx import write_xlsx

BASENAME = "performance-summary"

__all__ = ["BASENAME", "build_report_context", "write_report"]


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path, *, as_of: date | None = None,
                 public: bool = False, panels: dict | None = None, targets=None,
                 commentary=None, progress: Progress = silent) -> dict[str, Path]:
    """Writes performance-summary.html, .pdf and .xlsx into ``out_dir``; returns {format: path}.
    ``panels`` (the panels' activity, from the dashboard), ``targets`` and ``commentary``: as
    ``build_report_context`` takes them."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress("reading the indicators")
    context = build_report_context(con, as_of, public, panels=panels, targets=targets, commentary=commentary)
    written = {}
    for kind, write in (("html", write_html), ("pdf", write_pdf), ("xlsx", write_xlsx)):
        progress(f"writing the {kind.upper()} report")
        written[kind] = write(context, out_dir / f"{BASENAME}.{kind}")
    return written
