"""REVIEW: looked-after reviews (903 Reviews table)."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import PERIOD_WINDOWS, Chain, chain_sql, months, pickup_choice
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _review(settings: Settings, extract_date: date) -> str:
    return chain_sql(Chain(
        duty="REVIEW",
        windows=PERIOD_WINDOWS,
        completions="SELECT child, review AS c_date FROM reviews",
        # a chain picked up at H is past its first two reviews: every interval is 6 months
        due=(f"CASE WHEN pickup THEN {months('opened', 6)} WHEN seq = 1 THEN start_20wd "
             f"WHEN seq = 2 THEN {months('opened', 3)} ELSE {months('opened', 6)} END"),
        steps="all",
        history="reviews",
        pickup_due=months("opened", 6),
    ), extract_date)


DUTIES = [
    DutyDef(
        id="REVIEW", title="Looked-after review", family="reviews",
        due_rule="period start + 20 working days; second: first review + 3 months; then previous review + 6 months",
        done_by="the next review date in the 903 Reviews table",
        source="CPPCR reg 33",
        evidence="reviews",
        choices=("Reviews dated before the period start, or on/after its end, do not count; one review per day. "
                 + pickup_choice("H + 6 months, and every later one 6 months after the previous review",
                                 "reviews")),
        build=_review,
    ),
]
