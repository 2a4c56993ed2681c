"""IHA and RHA: health assessments (local table ``health_assessments``)."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import PERIOD_WINDOWS, Chain, age_sql, chain_sql, months
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _iha(settings: Settings, extract_date: date) -> str:
    return chain_sql(Chain(
        duty="IHA",
        windows=PERIOD_WINDOWS,
        completions="SELECT child, completed AS c_date FROM health_assessments WHERE type = 'IHA'",
        due="start_20wd",
        steps="first",
    ), extract_date)


def _rha(settings: Settings, extract_date: date) -> str:
    under_five = f"{age_sql('dob', 'opened')} < 5"
    return chain_sql(Chain(
        duty="RHA",
        windows=PERIOD_WINDOWS,
        # any completed assessment, initial or review, is the "previous" one for the next
        completions="SELECT child, completed AS c_date FROM health_assessments",
        due=f"CASE WHEN {under_five} THEN {months('opened', 6)} ELSE {months('opened', 12)} END",
        steps="after_completion",
    ), extract_date)


DUTIES = [
    DutyDef(
        id="IHA", title="Initial health assessment", family="health",
        due_rule="period start + 20 working days",
        done_by="the first assessment of type IHA completed on/after the period start",
        source="CPPCR reg 7; Promoting the health and well-being of looked-after children (2015)",
        evidence="health_assessments",
        choices=("Only assessments with TYPE IHA count; one completed after the period ended does not. "
                 "One IHA per period of care."),
        build=_iha,
    ),
    DutyDef(
        id="RHA", title="Review health assessment", family="health",
        due_rule="previous completed health assessment + 6 months (child under 5 on that date) or + 12 months",
        done_by="the next health assessment (either type) completed after the previous one",
        source="Promoting the health and well-being of looked-after children (2015)",
        evidence="health_assessments",
        choices=("The chain starts at the first health assessment (IHA or RHA) completed in the period; "
                 "assessments before the period do not count, and no RHA is owed until one exists "
                 "(the IHA is overdue instead). Age is taken on the previous assessment's date (aged exactly 5 "
                 "that day = 12 months); a child with no date of birth gets the 12-month interval."),
        build=_rha,
    ),
]
