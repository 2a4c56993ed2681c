"""Reading the written report back: PDF text per page (pdftotext), the chart parts of a workbook."""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext -layout), whitespace kept."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def xlsx_charts(path: Path) -> list[dict]:
    """Every chart in the workbook: its title and the cell ranges its series plot."""
    charts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(n for n in book.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            root = etree.fromstring(book.read(name))
            title = root.find(f"{C}chart/{C}title")
            charts.append({
                "title": "".join(t.text or "" for t in title.iter(f"{A}t")) if title is not None else "",
                "values": [f.text for f in root.iter(f"{C}val") for f in f.iter(f"{C}f")],
            })
    return charts
