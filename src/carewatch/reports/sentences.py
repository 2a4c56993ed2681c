"""Key figures written as sentences from the stored values.

A sentence compares the latest value with the same month as far back as three years (the seed:
"865 children … an increase of 30% since 2018"): counts by the percentage change, percentages,
rates and days by the difference. Indicators the committee reads most have their own wording;
the others read "<title>: <value> at the end of <month>, …".
"""
from __future__ import annotations

from datetime import date, timedelta

# id -> (singular, plural) wording after the number; {when} is "at the end of November 2021"
# or "in November 2021" for counts of events in the month
_COUNT_WORDING = {
    "cla_count": ("child was looked after {when}", "children were looked after {when}"),
    "cla_starts": ("child started to be looked after {during}", "children started to be looked after {during}"),
    "cla_ceased": ("child ceased to be looked after {during}", "children ceased to be looked after {during}"),
    "referrals": ("referral was received {during}", "referrals were received {during}"),
    "cp_plans": ("child was subject to a child protection plan {when}",
                 "children were subject to a child protection plan {when}"),
    "cp_plan_starts": ("child protection plan started {during}", "child protection plans started {during}"),
    "uasc_count": ("unaccompanied asylum-seeking child was looked after {when}",
                   "unaccompanied asylum-seeking children were looked after {when}"),
    "children_in_permanent_placement": ("child was in a placement confirmed as permanent {when}",
                                        "children were in a placement confirmed as permanent {when}"),
}


def month_label(day: date) -> str:
    return day.strftime("%B %Y")


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def when_label(day: date) -> str:
    """'at the end of November 2021', or 'at 15 November 2021' for a part month."""
    if is_month_end(day):
        return f"at the end of {month_label(day)}"
    return f"at {day.day} {month_label(day)}"


def during_label(day: date) -> str:
    if is_month_end(day):
        return f"in {month_label(day)}"
    return f"from 1 to {day.day} {month_label(day)}"


def _number(value: float, unit: str) -> str:
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.1f}"


def _comparison(value: float, earlier: float, earlier_day: date, unit: str) -> str:
    month = month_label(earlier_day)
    if value == earlier:
        return f"the same as in {month}"
    if unit == "count":
        if earlier == 0:
            return f"up from none in {month}"
        change = round(abs(value - earlier) / earlier * 100)
        return f"{change}% {'more' if value > earlier else 'fewer'} than in {month}"
    direction = "up" if value > earlier else "down"
    return f"{direction} from {_number(earlier, unit)} in {month}"


def key_figure(row: dict) -> str | None:
    """One sentence for an area table row, or None when its value is missing or suppressed.

    ``row`` carries id, title, unit, frequency, period_end, value, target and ``earlier``: the
    (date, value) to compare with, or None (nothing comparable, or suppressed).
    """
    value = row["value"]
    if not isinstance(value, (int, float)):
        return None
    unit, day = row["unit"], row["period_end"]
    wording = _COUNT_WORDING.get(row["id"]) if unit == "count" else None
    if wording:
        text = wording[0] if value == 1 else wording[1]
        sentence = f"{value:,.0f} {text.format(when=when_label(day), during=during_label(day))}"
    else:
        sentence = f"{row['title']}: {_number(value, unit)} {when_label(day)}"
        if unit != "count" and row.get("target") is not None:
            sentence += f" (target {_number(row['target'], unit)})"
    if row.get("earlier"):
        earlier_day, earlier = row["earlier"]
        sentence += ", " + _comparison(value, earlier, earlier_day, unit)
    return sentence + "."
