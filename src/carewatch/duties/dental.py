"""DENTAL: dental checks (local table ``dental_checks``); the interval is a local standard."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import PERIOD_WINDOWS, Chain, chain_sql, months, pickup_choice
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _dental(settings: Settings, extract_date: date) -> str:
    return chain_sql(Chain(
        duty="DENTAL",
        windows=PERIOD_WINDOWS,
        completions="SELECT child, check_date AS c_date FROM dental_checks",
        due=months("opened", settings.dental_interval_months),
        steps="all",
        history="dental_checks",
        pickup_due=months("opened", settings.dental_interval_months),
    ), extract_date)


DUTIES = [
    DutyDef(
        id="DENTAL", title="Dental check", family="dental",
        due_rule="period start + 12 months, then previous check + 12 months (local standard)",
        done_by="a dental check after the previous one",
        source="local standard (no statutory interval; the 903 counts any check in the year)",
        evidence="dental_checks",
        choices=("The first check is due 12 months (setting dental_interval_months) after the period "
                 "start and is met by any check on/after the period start; each later one runs from "
                 "the check that met the one before. Checks before the period, or several on one day, "
                 "count once at most. " + pickup_choice("H + 12 months", "dental_checks")),
        build=_dental,
    ),
]
