"""The performance summary as an A4 PDF (WeasyPrint), from the same HTML with print rules."""
from __future__ import annotations

from pathlib import Path

from .html import render_html


def write_pdf(context: dict, path: Path) -> Path:
    # imported here: WeasyPrint needs Pango, and the web dashboard imports this package for
    # build_report_context alone
    import weasyprint

    # the page is self-contained: only the charts' data: URLs may be read, so nothing is fetched
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    weasyprint.HTML(string=render_html(context, pdf=True), url_fetcher=fetcher).write_pdf(path)
    return path
