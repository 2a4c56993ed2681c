"""The PDF: A4 pages stamped with the snapshot, contents that point at the right pages, every
area's table as text (pdftotext) matching the indicator values, and every chart drawn."""
import calendar
import re
import subprocess

import pytest
from pypdf import PdfReader

from carewatch.reports import build_report_context

from .conftest import SNAPSHOT_ID
from .helpers import pdf_pages, squeeze

STAMP = f"Snapshot {SNAPSHOT_ID} · extract date 2021-12-02"

# (area, the row's cells from Period to England) for the hand-made values in conftest.py
ROWS = [
    ("Children we care for", ["Nov 2021", "865", "–", "–", "+5", "+65", "–"]),
    ("Children we care for", ["Nov 2021", "49.7", "–", "–", "–", "–", "69.0"]),
    ("Children we care for", ["Nov 2021", "3", "–", "–", "-7", "-7", "–"]),
    ("Care plans, reviews and visits", ["Nov 2021", "96.0%", "100.0%", "Amber", "+7.0 pts", "+6.0 pts", "–"]),
    ("Care plans, reviews and visits", ["Nov 2021", "75.0%", "100.0%", "Red", "–", "–", "–"]),
    # the default targets in force (KPIS.md; docs/kpis.md says where each comes from): OC2 health
    # assessments 89 (85.7 within 5 points: amber), review health assessments on time 100 (77.8: red)
    ("Health", ["31 Mar 2021", "85.7%", "89.0%", "Amber", "–", "+3.3 pts", "91.0%"]),
    ("Health", ["Nov 2021", "77.8%", "100.0%", "Red", "–", "–", "–"]),
    ("Pre-birth and adoption", ["Nov 2021", "400.0 days", "426.0 days", "Green", "–", "–", "–"]),
    ("Unaccompanied children", ["Nov 2021", "4", "–", "–", "-3", "–", "–"]),
    ("Fostering", ["–", "no data", "–", "–", "–", "–", "–"]),
]
PUBLIC_ROWS = [
    ("Children we care for", ["Nov 2021", "865", "–", "–", "+5", "+65", "–"]),
    ("Children we care for", ["Nov 2021", "c", "–", "–", "c", "c", "–"]),          # 3 starts
    ("Care plans, reviews and visits", ["Nov 2021", "c", "100.0%", "c", "c", "c", "–"]),
    ("Care plans, reviews and visits", ["Nov 2021", "75.0%", "100.0%", "Red", "–", "–", "–"]),
    ("Health", ["Nov 2021", "c", "100.0%", "c", "–", "–", "–"]),
    ("Unaccompanied children", ["Nov 2021", "c", "–", "–", "c", "–", "–"]),
]


def cells_pattern(cells: list[str]) -> re.Pattern:
    return re.compile(r"(?<!\S)" + r"\s+".join(re.escape(c) for c in cells) + r"(?!\S)")


def contents(pages: list[str]) -> dict[str, int]:
    """Section title -> page number, read from the contents on the first page."""
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*\d+\.\s+(.+?)\s*\.{3,}\s*(\d+)\s*$", pages[0], re.M)}


@pytest.fixture(scope="module")
def pages(full_report):
    return pdf_pages(full_report["pdf"])


@pytest.fixture(scope="module")
def public_pages(public_report):
    return pdf_pages(public_report["pdf"])


def test_a4_pages_each_stamped_and_numbered(full_report, pages):
    reader = PdfReader(full_report["pdf"])
    total = len(reader.pages)
    assert len(pages) == total
    assert all((round(p.mediabox.width), round(p.mediabox.height)) == (595, 842) for p in reader.pages)
    for number, text in enumerate(pages, start=1):
        assert STAMP in text, number
        assert f"Page {number} of {total}" in text


def test_contents_point_at_each_section(full_report, snapshot, pages):
    context = build_report_context(snapshot, None, False, charts=False)
    where = contents(pages)
    areas = [a["name"] for a in context["areas"]]
    # the cover is page 1, the scorecard page 2; each area starts a page and, with this little
    # data, fills one
    assert where["Scorecard: indicators against their targets"] == 2
    assert [where[a] for a in areas] == list(range(3, 3 + len(areas)))
    for number, area in enumerate(areas, start=1):
        assert f"{number}. {area}" in pages[where[area] - 1]
    pack = where["Data pack: referrals, child protection plans and children coming into care since March 2020"]
    assert pack == 3 + len(areas)
    assert "Data pack: since the start of the pandemic" in pages[pack - 1]
    appendix = where["Appendix: definitions"]
    assert "Appendix: definitions" in pages[appendix - 1]
    # the definitions run to the last page: the last indicator's method ends the report
    last = context["definitions"][-1]
    assert squeeze(last["source"])[-40:] in squeeze(pages[-1])


def test_each_area_table_as_text(snapshot, pages):
    context = build_report_context(snapshot, None, False, charts=False)
    where = contents(pages)
    for area, cells in ROWS:
        assert cells_pattern(cells).search(pages[where[area] - 1]), (area, cells)
    # and every row of every area, no data included, on its area's page
    for area in context["areas"]:
        text = pages[where[area["name"]] - 1]
        for row in area["rows"]:
            cells = [row["period_text"], row["value_text"], row["target_text"], row["rag_text"],
                     row["change_month_text"], row["change_year_text"], row["england_text"]]
            assert cells_pattern(cells).search(text), (area["name"], row["id"])


def test_every_chart_is_drawn(snapshot, full_report):
    # the figure titles are drawn inside the charts: each one in the text means its chart was drawn
    text = squeeze(subprocess.run(["pdftotext", str(full_report["pdf"]), "-"], check=True,
                                  capture_output=True, text=True).stdout)
    context = build_report_context(snapshot, None, False, charts=False)
    figures = [f for a in context["areas"] for f in a["figures"]]
    figures += [s["figure"] for s in context["datapack"]["sections"]]
    assert len(figures) == 14
    for figure in figures:
        assert f"Figure {figure['number']}. {figure['title']}" in text
    assert text.count("23 March 2020: first national lockdown") == 3


def test_data_pack_tables_as_text(pages):
    text = "\n".join(pages)
    # November 2021: 411 against 311 and 211, +57% (conftest.py)
    assert cells_pattern(["November 2021", "411", "311", "211", "+57%"]).search(text)
    assert cells_pattern(["November 2021", "70", "60", "50", "+27%"]).search(text)
    # cla_starts: 3 against 5 (November 2019) and 10: average 7.5, -4.5 / 7.5 = -60%
    assert cells_pattern(["November 2021", "3", "5", "10", "-60%"]).search(text)


def test_public_pdf(public_pages):
    where = contents(public_pages)
    for area, cells in PUBLIC_ROWS:
        assert cells_pattern(cells).search(public_pages[where[area] - 1]), (area, cells)
    assert "Public: small numbers suppressed" in public_pages[0]
    # no count from 1 to 5 in any data pack row: month, then three counts
    month_names = "|".join(calendar.month_name[1:])
    months = re.findall(rf"^\s*(?:{month_names}) \d{{4}}\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s*$",
                        "\n".join(public_pages), re.M)
    assert len(months) == 3 * 21
    assert not [m for m in months for v in m if v in {"1", "2", "3", "4", "5"}]
    assert ("c", "c", "10") in months    # November 2021: 3 and November 2019's 5 suppressed


def test_every_text_in_the_body_is_at_least_11_px(full_report):
    """Chart text included: charts are drawn at their own size (context.CHART_SIZE fits the column).
    pdftotext's word boxes are a DejaVu Sans line high, 1.164 times the font size (the tables'
    8.5 pt words are 9.894 pt high), in points (0.75 of a CSS pixel). The running header and footer
    (8 pt) sit in the page margins and are left out, and so are the y axes' titles, drawn
    sideways (their box's height is the width of their text)."""
    mm = 72 / 25.4
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                       subprocess.run(["pdftotext", "-bbox", str(full_report["pdf"]), "-"], capture_output=True,
                                      text=True, check=True).stdout)
    body = [(float(y1) - float(y0), word) for y0, y1, word in words
            if float(y0) > 18 * mm and float(y1) < (297 - 20) * mm and word not in ("%", "days")]
    pixels = min(height for height, _ in body) / 1.164 / 0.75
    assert len(body) > 1000 and round(pixels, 1) >= 11.0
