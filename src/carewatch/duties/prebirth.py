"""PBA: pre-birth assessments (local table ``pre_birth_assessments``), one per referral."""
from __future__ import annotations

from datetime import date

from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings


def _pba(settings: Settings, extract_date: date) -> str:
    return f"""
        SELECT case_id AS child, 'PBA' AS duty, 1 AS seq, NULL::INTEGER AS period_id,
               referral_date AS opened, add_working_days(referral_date, {settings.pba_working_days}) AS due,
               CASE WHEN completed <= DATE '{extract_date}' THEN completed END AS done,
               NULL::DATE AS closed, team
        FROM pre_birth_assessments
        WHERE case_id IS NOT NULL AND referral_date IS NOT NULL AND referral_date <= DATE '{extract_date}'
    """


DUTIES = [
    DutyDef(
        id="PBA", title="Pre-birth assessment", family="prebirth",
        due_rule="referral + 45 working days (local standard)",
        done_by="the assessment's completed date",
        source="Working Together to Safeguard Children",
        evidence="pre_birth_assessments",
        choices=("The child column holds the case id (an unborn child has no 903 id); the team is the "
                 "table's own team, else an allocation for that case id covering the due date. The duty "
                 "never closes: an assessment not completed stays overdue, and on the due list, until it "
                 "is. Referrals after the extract date are left out."),
        build=_pba,
    ),
]
