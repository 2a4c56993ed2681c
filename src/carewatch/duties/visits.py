"""VISIT: social worker visits (local table ``visits``), chained per visit placement."""
from __future__ import annotations

from datetime import date

from carewatch.duties.common import Chain, chain_sql, months, pickup_choice
from carewatch.duties.registry import DutyDef
from carewatch.settings import Settings

# a visit placement of a period duties run over (from the end of any short break the period began
# with), with the day its 3-month interval can begin: the carer placement's first anniversary in a
# U1/U4 placement (null in any other), worked out once per window, not for each of its visits
_WINDOWS = f"""
    SELECT v.child, v.period_id, v.visit_placement_id AS win_id, greatest(v.start_date, cp.start_date) AS win_start,
           v.end_date AS win_end, CASE WHEN v.place IN ('U1', 'U4') THEN {months('p.start_date', 12)} END AS long_term_from
    FROM visit_placements v
    JOIN care_periods cp ON cp.child = v.child AND cp.period_id = v.period_id
    JOIN placements p ON p.child = v.child AND p.placement_id = v.placement_id"""


def _visit(settings: Settings, extract_date: date) -> str:
    long_term = "opened >= long_term_from"
    virtual_window = f"DATE '{settings.virtual_visits_from}' AND DATE '{settings.virtual_visits_to}'"
    return chain_sql(Chain(
        duty="VISIT",
        windows=_WINDOWS,
        completions=f"""
            SELECT child, visit_date AS c_date FROM visits
            WHERE coalesce(seen, true)
              AND (NOT coalesce(virtual, false)
                   OR visit_date BETWEEN {virtual_window})""",
        due=f"""CASE WHEN seq = 1 THEN opened + 7
                     WHEN {long_term} THEN {months('opened', 3)}
                     ELSE opened + 42 END""",
        steps="all",
        history="visits",
        pickup_due=f"CASE WHEN {long_term} THEN {months('opened', 3)} ELSE opened + 42 END",
    ), extract_date)


DUTIES = [
    DutyDef(
        id="VISIT", title="Social worker visit", family="visits",
        due_rule=("each placement start for visits + 7 days; then previous visit + 6 weeks; from the "
                  "placement's first anniversary, + 3 months where PLACE is U1 or U4"),
        done_by="a visit with the child seen, on/after the previous visit (or the placement start)",
        source="CPPCR reg 28 (simplified: DOMAIN.md C)",
        evidence="visits",
        choices=("A visit placement starts at a placement start or a same-carer move (RNE T/U), not at "
                 "a return from a temporary placement. The anniversary is that of the carer placement "
                 "(a same-carer move keeps it); the 3-month interval follows a visit made on/after it. "
                 "A visit on the day of a move counts for the new placement. SEEN blank counts as seen. "
                 "Virtual visits count only inside the settings window (inclusive). Two visits on one "
                 "day count once. An instance whose due date falls after the placement ended is not owed. "
                 "A temporary spell (T0–T4) followed by the return to the same carer belongs to the "
                 "carer's chain, so a visit during it counts; a temporary spell after which the child "
                 "goes elsewhere ends the carer's chain on the day the spell began. "
                 + pickup_choice("H + 6 weeks, or H + 3 months in a U1/U4 placement past its first anniversary "
                                 "on H", "visits", "visit placement")),
        build=_visit,
    ),
]
