"""The synthetic CIN census's child protection review conferences (ChildProtectionPlans/Reviews/
CPPreviewDate): drawn from their own random stream, so every other file (and every other element of
the census) is byte for byte what it is without them; held on the statutory timetable."""
from __future__ import annotations

import re
from datetime import date, timedelta

from lxml import etree

import carewatch.synth as synth
from carewatch.synth import generate

from .elements import SEED, assert_only_element_differs

_ELEMENT = re.compile(rb"<Reviews>.*?</Reviews>")


def test_every_other_byte_is_as_without_them(small_11, tmp_path, monkeypatch):
    # the same council without reviews (write_cin given none): the CIN files differ only by their
    # <Reviews> elements, every other file not at all
    monkeypatch.setattr(synth, "plan_reviews", lambda rng, refs, as_of: None)
    generate("small", SEED, tmp_path)
    assert_only_element_differs(small_11, tmp_path, _ELEMENT)


def test_reviews_keep_the_statutory_timetable(small_11):
    # per plan: the first review within 3 months (92 days) of the start, each next within 26 weeks
    # of the one before, none on/after the plan's end nor after the census's reference date
    plans = reviewed = 0
    for path in sorted((small_11 / "cin").glob("*.xml")):
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
