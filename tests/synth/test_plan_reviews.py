"""The synthetic CIN census's child protection review conferences (ChildProtectionPlans/Reviews/
CPPreviewDate): drawn from their own random stream, so every other file (and every other element of
the census) is byte for byte what it is without them; held on the statutory timetable."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

import carewatch.synth as synth
from carewatch.synth import generate

from .test_disabilities import _digest

_ELEMENT = re.compile(rb"<Reviews>.*?</Reviews>")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small-reviewed")
    generate("small", 11, out)
    return out


def test_every_other_byte_is_as_without_them(small, tmp_path, monkeypatch):
    # the same council without reviews (write_cin given none): the CIN files differ only by their
    # <Reviews> elements, every other file not at all
    monkeypatch.setattr(synth, "plan_reviews", lambda rng, refs, as_of: None)
    generate("small", 11, tmp_path)
    with_them, without = _digest(small), _digest(tmp_path)
    cin = {k for k in with_them if k.startswith("cin/")}
    assert cin and set(with_them) == set(without)
    assert {k: v for k, v in with_them.items() if k not in cin} == {k: v for k, v in without.items() if k not in cin}
    assert all(with_them[k] != without[k] for k in cin)
    stripped = {k: _ELEMENT.sub(b"", (small / k).read_bytes()) for k in cin}
    assert all(stripped[k] == (tmp_path / k).read_bytes() for k in cin)


def test_reviews_keep_the_statutory_timetable(small):
    # per plan: the first review within 3 months (92 days) of the start, each next within 26 weeks
    # of the one before, none on/after the plan's end nor after the census's reference date
    plans = reviewed = 0
    for path in sorted((small / "cin").glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        census = date.fromisoformat(root.findtext("Header/CollectionDetails/ReferenceDate"))
        for plan in root.iterfind("Children/Child/CINdetails/ChildProtectionPlans"):
            start = date.fromisoformat(plan.findtext("CPPstartDate"))
            end = plan.findtext("CPPendDate")
            reviews = [date.fromisoformat(r.text) for r in plan.iterfind("Reviews/CPPreviewDate")]
            plans, reviewed = plans + 1, reviewed + bool(reviews)
            if not reviews:  # too young for a review by the census date, or ended before it
                assert min(census, date.fromisoformat(end) if end else census) < start + timedelta(92)
                continue
            gaps = [(b - a).days for a, b in zip([start, *reviews], reviews)]
            assert 0 < gaps[0] <= 92 and all(0 < g <= 26 * 7 for g in gaps[1:])
            assert reviews[-1] <= census and (end is None or reviews[-1] < date.fromisoformat(end))
    assert plans and reviewed / plans > 0.5
