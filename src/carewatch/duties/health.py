"""IHA_REQUEST, IHA and RHA: health assessments (local table ``health_assessments``)."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import ONE_OFF_CHOICE, PERIOD_WINDOWS, Chain, age_sql, chain_sql, months, pickup_choice
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _iha_record(duty: str, c_date: str, due: str, extract_date: date) -> str:
    """A one-off per period met by the first IHA-type record's ``c_date`` in the period."""
    return chain_sql(Chain(
        duty=duty,
        windows=PERIOD_WINDOWS,
        completions=f"SELECT child, {c_date} AS c_date FROM health_assessments WHERE type = 'IHA'",
        due=due,
        steps="first",
        history="health_assessments",
    ), extract_date)


def _iha_request(settings: Settings, extract_date: date) -> str:
    # an IHA record without a request date shows a request was made by the time it was completed
    return _iha_record("IHA_REQUEST", "coalesce(requested, completed)",
                       f"add_working_days(opened, {int(settings.iha_request_working_days)})", extract_date)


def _iha(settings: Settings, extract_date: date) -> str:
    return _iha_record("IHA", "completed", "start_20wd", extract_date)


def _rha(settings: Settings, extract_date: date) -> str:
    under_five = f"{age_sql('dob', 'opened')} < 5"
    return chain_sql(Chain(
        duty="RHA",
        windows=PERIOD_WINDOWS,
        # any completed assessment, initial or review, is the "previous" one for the next
        completions="SELECT child, completed AS c_date FROM health_assessments",
        due=f"CASE WHEN {under_five} THEN {months('opened', 6)} ELSE {months('opened', 12)} END",
        steps="after_completion",
        history="health_assessments",
        # at H the age is taken on H: the previous assessment was (at the latest) just before it
        pickup_due=f"CASE WHEN {under_five} THEN {months('opened', 6)} ELSE {months('opened', 12)} END",
    ), extract_date)


DUTIES = [
    DutyDef(
        id="IHA_REQUEST", title="Request for the initial health assessment", family="health",
        due_rule="period start + 5 working days (local standard)",
        done_by="the REQUESTED date of the first IHA record requested on/after the period start",
        source=("local standard: the practice behind the seed report ¶2.8 (\"which referrals are required "
                "and when they are due\"), so that the IHA can be done within 20 working days"),
        evidence="health_assessments",
        choices=("Due the period start + 5 working days (setting iha_request_working_days). Met by the "
                 "earliest REQUESTED date, on/after the period start and before its end, of an assessment with "
                 "TYPE IHA; a record with no REQUESTED date counts as requested on its COMPLETED date (the "
                 "assessment shows a request had been made by then). A request dated before the period "
                 "began does not count. One per period of care. " + ONE_OFF_CHOICE),
        build=_iha_request,
    ),
    DutyDef(
        id="IHA", title="Initial health assessment", family="health",
        due_rule="period start + 20 working days",
        done_by="the first assessment of type IHA completed on/after the period start",
        source="CPPCR reg 7; Promoting the health and well-being of looked-after children (2015)",
        evidence="health_assessments",
        choices=("Only assessments with TYPE IHA count; one completed after the period ended does not. "
                 "One IHA per period of care. " + ONE_OFF_CHOICE),
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
                 "that day = 12 months); a child with no date of birth gets the 12-month interval. "
                 + pickup_choice("H + 6 months (child under 5 on H) or H + 12 months", "health_assessments")
                 + " So a period of care that began before H owes no IHA and its RHA chain starts at H."),
        build=_rha,
    ),
]
