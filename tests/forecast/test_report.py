"""The performance summary's forecast section on the hand-worked cohort (three children at the origin)."""
from __future__ import annotations

import re

from carewatch.forecast.report import forecast_section

from .test_model import hand_cohort


def _con():
    con = hand_cohort()
    con.execute("INSERT INTO meta VALUES ('extract_date', '2021-03-15')")
    return con


def test_public_section_suppresses_small_numbers():
    section = forecast_section(_con(), True, figure=7, charts=False)
    assert section["figure"]["number"] == 7 and section["figure"]["svg"] is None
    assert [r["group"] for r in section["rows"]][0] == "All children looked after"
    numbers = [n for r in section["rows"] for n in re.findall(r"[\dc][\d,]*", r["text"])]
    # every figure is 0, suppressed, or 6 and over; at least one is suppressed (3 children)
    assert "c" in numbers and all(n in ("0", "c") or int(n.replace(",", "")) >= 6 for n in numbers)
    assert section["backtest"] is None and section["verdict"].startswith("Too little history")
    assert section["nts"] is None  # no population: no threshold


def test_officers_version_shows_the_numbers():
    section = forecast_section(_con(), False, figure=1, charts=False)
    assert not any("c" in re.findall(r"[\dc]+", r["text"]) for r in section["rows"])
