"""PEP: personal education plans (local table ``peps``), one instance per school term."""
from __future__ import annotations

from datetime import date, timedelta

from carewatch.calendar import CALENDAR_START, TERMS, terms_between
from carewatch.duties.common import age_sql
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _pep(settings: Settings, extract_date: date) -> str:
    # terms up to the first one ending after the extract date (the next upcoming instance)
    next_term_end = terms_between(extract_date + timedelta(days=1), extract_date + timedelta(days=366))[0][2]
    term_rows = ", ".join(f"({sm}, {sd}, {em}, {ed})" for _, (sm, sd), (em, ed) in TERMS)
    return f"""
        WITH terms AS (
            SELECT make_date(y, sm, sd) AS term_start, make_date(y, em, ed) AS term_end,
                   -- age is taken on the 31 August before the term starts
                   CASE WHEN sm >= 9 THEN make_date(y, 8, 31) ELSE make_date(y - 1, 8, 31) END AS age_date
            FROM range({CALENDAR_START.year}, {next_term_end.year + 1}) AS years(y)
            CROSS JOIN (VALUES {term_rows}) AS t(sm, sd, em, ed)
            WHERE make_date(y, em, ed) <= DATE '{next_term_end}'
        ), owed AS (
            SELECT cp.child, cp.period_id, t.term_start, t.term_end,
                   greatest(t.term_start, cp.start_date) AS opened
            FROM care_periods cp
            JOIN terms t ON t.term_end >= cp.start_20wd AND (cp.end_date IS NULL OR t.term_end < cp.end_date)
            WHERE {age_sql('cp.dob', 't.age_date')} BETWEEN 4 AND 15
        ), pep_dates AS (  -- each child's PEP dates up to the extract as one list, to look each term up in
            SELECT child, list(pep_date) AS d FROM peps WHERE pep_date <= DATE '{extract_date}' GROUP BY child
        ), first_peps AS (
            -- each owed term with its first PEP, if any: the least of the child's PEP dates within the term,
            -- by an equi-join on child (no range join of the PEPs to the terms, no grouping by term:
            -- national PEP 3.0-3.1 -> 2.4-2.5 s of CPU)
            -- KPIS.md: "a PEP dated within that term", even one from before the period began
            SELECT o.child, o.period_id, o.term_end, o.opened,
                   list_min(list_filter(p.d, lambda x: x BETWEEN o.term_start AND o.term_end)) AS done
            FROM owed o LEFT JOIN pep_dates p ON p.child = o.child
        )
        SELECT child, 'PEP' AS duty,
               row_number() OVER (PARTITION BY child, period_id ORDER BY term_end)::INTEGER AS seq,
               period_id, opened, term_end AS due, done, term_end + 1 AS closed, NULL::VARCHAR AS team
        FROM first_peps
    """


DUTIES = [
    DutyDef(
        id="PEP", title="Personal education plan", family="education",
        due_rule=("each school term's last day (autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar, summer "
                  "1 Apr–31 Jul), for a child aged 4–15 on the 31 August before the term, looked after "
                  "on that day, whose period began at least 20 working days earlier"),
        done_by="a PEP dated within that term",
        source="DfE 2018 guidance (termly review)",
        evidence="peps",
        choices=("A PEP dated after the term never meets it, so an unmet term is due up to its last "
                 "day and missed from the next (closed = term end + 1): PEPs are never overdue. Any PEP "
                 "dated within the term counts, even one dated before the period began (an earlier "
                 "period in the same term), so done can precede opened. 'Began ≥ 20 working "
                 "days earlier' means period start + 20 working days ≤ the term's last day. A child with no "
                 "date of birth is not known to be of school age and owes no PEP."),
        build=_pep,
    ),
]
