"""CARE_PLAN, PERMANENCE_PLAN and PATHWAY_PLAN (local tables care_plans, permanence_plans, pathway_plans)."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import ONE_OFF_CHOICE, PERIOD_WINDOWS, Chain, birthday_sql, chain_sql, months, pickup_choice
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _care_plan(settings: Settings, extract_date: date) -> str:
    return chain_sql(Chain(
        duty="CARE_PLAN",
        windows=PERIOD_WINDOWS,
        completions="SELECT child, plan_date AS c_date FROM care_plans",
        due="start_10wd",
        steps="first",
        history="care_plans",
    ), extract_date)


def _permanence_plan(settings: Settings, extract_date: date) -> str:
    # the second review's date; until it is held, the date the REVIEW chain has it due
    windows = f"""
        WITH held AS (  -- the period's two earliest review dates, in order (a list, not a numbering)
            SELECT cp.child, cp.period_id, min(r.review, 2) AS reviews
            FROM care_periods cp
            JOIN (SELECT DISTINCT child, review FROM reviews WHERE review <= DATE '{extract_date}') r
              ON r.child = cp.child AND r.review >= cp.start_date
             AND (cp.end_date IS NULL OR r.review < cp.end_date)
            GROUP BY cp.child, cp.period_id
        ), first_two AS (
            SELECT child, period_id, reviews[1] AS first_review, reviews[2] AS second_review FROM held
        )
        SELECT w.*, coalesce(f.second_review, {months('f.first_review', 3)},
                             {months('w.start_20wd', 3)}) AS second_review_due
        FROM ({PERIOD_WINDOWS}) w
        LEFT JOIN first_two f ON f.child = w.child AND f.period_id = w.period_id"""
    return chain_sql(Chain(
        duty="PERMANENCE_PLAN",
        windows=windows,
        completions="SELECT child, agreed AS c_date FROM permanence_plans",
        due="second_review_due",
        steps="first",
        history="permanence_plans",
    ), extract_date)


def _pathway_plan(settings: Settings, extract_date: date) -> str:
    # from the 16th birthday, or the period start for a child who comes into care older
    windows = f"""
        SELECT * EXCLUDE (win_start), greatest(win_start, {birthday_sql('dob', 16)}) AS win_start
        FROM ({PERIOD_WINDOWS}) w
        WHERE dob IS NOT NULL
          AND greatest(win_start, {birthday_sql('dob', 16)}) <= DATE '{extract_date}'
          AND (win_end IS NULL OR win_end > greatest(win_start, {birthday_sql('dob', 16)}))"""
    return chain_sql(Chain(
        duty="PATHWAY_PLAN",
        windows=windows,
        completions="SELECT child, plan_date AS c_date FROM pathway_plans",
        due=f"CASE WHEN seq = 1 THEN {months('opened', 3)} ELSE {months('opened', 6)} END",
        steps="all",
        history="pathway_plans",
        pickup_due=months("opened", 6),
    ), extract_date)


DUTIES = [
    DutyDef(
        id="CARE_PLAN", title="Care plan", family="plans",
        due_rule="period start + 10 working days",
        done_by="a care plan dated on/after the period start",
        source="CPPCR reg 4",
        evidence="care_plans",
        choices="One per period of care; a plan dated after the period ended does not count. " + ONE_OFF_CHOICE,
        build=_care_plan,
    ),
    DutyDef(
        id="PERMANENCE_PLAN", title="Permanence plan", family="plans",
        due_rule="the date of the second review of the period",
        done_by="a permanence plan agreed on/after the period start",
        source="Children Act 1989 guidance vol 2",
        evidence="permanence_plans",
        choices=("Until the second review is held, the due date is the date the REVIEW chain has it "
                 "due: first review + 3 months, or (no first review yet) period start + 20 working "
                 "days + 3 months. A second review held late moves the due date with it. If the second review "
                 "never happens, that expected date stands: a child who leaves care on or before it owes "
                 "nothing, one who leaves after it has the plan missed. Without a Reviews table the due date is "
                 "period start + 20 working days + 3 months. " + ONE_OFF_CHOICE),
        build=_permanence_plan,
    ),
    DutyDef(
        id="PATHWAY_PLAN", title="Pathway plan", family="plans",
        due_rule="16th birthday + 3 months for children looked after at 16; then every 6 months",
        done_by="a pathway plan dated on/after the 16th birthday (or the previous plan)",
        source="CPPCR regs 40–43",
        evidence="pathway_plans",
        choices=("The chain opens at the 16th birthday, or at the period start for a child who comes "
                 "into care aged 16 or 17 (due 3 months later); the 13-weeks-since-14 eligibility test "
                 "is not applied. The needs assessment is evidenced by the first pathway plan; plans "
                 "dated before the 16th birthday do not count. Reviews every 6 months from the last "
                 "plan, while the child is looked after. "
                 + pickup_choice("H + 6 months", "pathway_plans", "chain (from the 16th birthday)")),
        build=_pathway_plan,
    ),
]
