"""The drift reasons (issue 18, KPIS.md "Drift and delay"): each one small unit like an indicator.

Each reason's ``rows`` lists, per date in ``kd``, the children looked after who meet it, with
``since`` (the date drift began) and ``days`` (from since to the date). The same rows are the drift
list at an as-of date (``carewatch.drift.drift_list``) and, counted at each month-end, the monthly
indicator ``drift_<reason>``: one definition for both. The rows read the engine's helper views
(``cw_lac``: one row per child looked after on the date, short breaks and quarantined children
excluded; ``cw_eps_periods``: episodes with their period of care; ``cw_placements``), joined on the
child's number (``child_no``, carewatch.kpis.engine), an integer, rather than the child's id.
"""
from __future__ import annotations

from dataclasses import dataclass

from carewatch.kpis.sql import spans
from carewatch.settings import Settings

#: a placement for adoption (PLACE A3-A6)
ADOPTION_PLACES = "('A3', 'A4', 'A5', 'A6')"


@dataclass(frozen=True)
class Reason:
    id: str
    title: str
    #: the rule in words (the indicator's method and docs/drift.md)
    rule: str
    #: the Settings field holding the threshold (months); None: the rule has no threshold
    setting: str | None
    #: SELECT over kd / cw_lac / cw_eps_periods / cw_placements with ``{threshold}`` for the threshold
    #: and ``{kpi:ID}``-style placeholders filled by ``rows``: period_end, key (the child), counted
    #: (true), since, days, detail
    sql: str
    #: the dates that decide it (the row's deciding fields besides since and days)
    deciding: tuple[str, ...] = ()
    #: the snapshot tables it reads (a reason whose table was not imported lists no one)
    tables: tuple[str, ...] = ("episodes",)
    #: the team when the row names no child with an allocation (an unborn baby's case: its own team)
    team: str = "NULL"
    #: the indicator's basis: children, or events for rows keyed by something else
    basis: str = "children"

    def threshold(self, settings: Settings) -> int | None:
        return getattr(settings, self.setting) if self.setting else None

    def rows(self, settings: Settings) -> str:
        return self.sql.format(threshold=self.threshold(settings), **_indicator_rows())


def _indicator_rows() -> dict[str, str]:
    """Rows of the indicators a reason is built on (so their rule is written once). Imported here,
    not at the top: the indicator registry imports this module."""
    from carewatch.kpis.areas import placements, plans

    return {f"kpi_{k.id}": k.rows for k in (*placements.KPIS, *plans.KPIS) if k.rows}


#: the latest permanence plan agreed in the current period on/before the date, per child looked after
#: (the latest plan on/before the date, sql.LATEST_PLANS, when agreed on/after the period's start)
_LATEST_PLAN = f"""
    SELECT l.period_end, l.child, l.place AS l_place, pp.plan, pp.agreed
    FROM cw_lac l JOIN cw_latest_plans pp ON pp.child_no = l.child_no AND {spans('pp', 'l.period_end')}
    WHERE pp.agreed >= l.period_start
"""


def _row(since: str, detail: str, source: str, where: str) -> str:
    """The common tail: one row per child with ``since`` (an expression over ``source``'s columns),
    the days from it to the date, and the detail text."""
    return f"""
        SELECT period_end, child AS key, true AS counted, {since} AS since,
               datediff('day', {since}, period_end) AS days, {detail} AS detail
        FROM ({source}) s WHERE {where}
    """


REASONS: tuple[Reason, ...] = (
    Reason(
        id="placement_order_not_placed",
        title="Placement order, not placed for adoption",
        rule=("Looked after on D with legal status E1 in the current period of care for more than the "
              "threshold (default 6 months): the period's first E1 episode began before D minus the "
              "threshold, and no placement for adoption (PLACE A3-A6) began between that episode's "
              "DECOM and D (inclusive: a child placed for adoption on D is no longer drifting). "
              "Since = that episode's DECOM."),
        setting="drift_placement_order_months",
        sql=_row("first_e1", "'E1 since ' || strftime(first_e1, '%-d %B %Y')", """
            SELECT l.period_end, l.child, min(e.decom) FILTER (WHERE e.ls = 'E1') AS first_e1,
                   max(e.decom) FILTER (WHERE e.place IN ('A3', 'A4', 'A5', 'A6')) AS last_adoptive
            -- only E1 and adoptive episodes decide (a child with neither has no first_e1): the
            -- join is over those, not over every episode of every child looked after each month
            FROM cw_lac l JOIN (SELECT * FROM cw_eps_periods WHERE ls = 'E1' OR place IN ('A3', 'A4', 'A5', 'A6')) e
              ON e.child_no = l.child_no AND e.period_id = l.period_id AND e.decom <= l.period_end
            GROUP BY ALL
        """, "first_e1 < (period_end - INTERVAL {threshold} MONTH)::DATE "
             "AND (last_adoptive IS NULL OR last_adoptive < first_e1)"),
        deciding=("first E1 episode's DECOM",),
    ),
    Reason(
        id="ffa_not_converted",
        title="Fostering for adoption, not converted",
        rule=("Looked after on D in a fostering-for-adoption placement (PLACE U2 or U5 on D) that began "
              "before D minus the threshold (default 9 months): it has neither become a placement for "
              "adoption (A3-A6) nor ended with the child leaving care. Since = the placement's start."),
        setting="drift_ffa_months",
        sql=_row("placement_start", "l_place || ' since ' || strftime(placement_start, '%-d %B %Y')", """
            SELECT l.period_end, l.child, l.place AS l_place, p.start_date AS placement_start
            FROM cw_lac l JOIN cw_placements p
              ON p.child_no = l.child_no AND p.start_date <= l.period_end
             AND (p.end_date IS NULL OR p.end_date > l.period_end)
            WHERE l.place IN ('U2', 'U5')
        """, "placement_start < (period_end - INTERVAL {threshold} MONTH)::DATE"),
        deciding=("placement start",),
    ),
    Reason(
        id="placed_with_parents",
        title="Placed with parents on a care order",
        rule=("Looked after on D placed with parents (PLACE P1) on a care order (legal status C2) in a "
              "placement that began before D minus the threshold (default 6 months). Since = the P1 "
              "placement's start."),
        setting="drift_placed_with_parents_months",
        sql=_row("placement_start", "'P1 since ' || strftime(placement_start, '%-d %B %Y')", """
            SELECT l.period_end, l.child, p.start_date AS placement_start
            FROM cw_lac l JOIN cw_placements p
              ON p.child_no = l.child_no AND p.start_date <= l.period_end
             AND (p.end_date IS NULL OR p.end_date > l.period_end)
            WHERE l.place = 'P1' AND l.ls = 'C2'
        """, "placement_start < (period_end - INTERVAL {threshold} MONTH)::DATE"),
        deciding=("placement start",),
    ),
)

REASONS += (
    Reason(
        id="no_permanence_plan",
        title="No permanence plan after the second review",
        rule=("Looked after on D, the current period's second review held on/before D (the second "
              "distinct review date, as permanence_plan_by_second_review), and no permanence plan "
              "agreed from the period's start to D. Since = the second review's date. A second review "
              "that fell due but was not held is on the due list (REVIEW), not here: the 903 gives "
              "held reviews only."),
        setting=None,
        sql="""
            SELECT r.period_end, r.key, true AS counted, r.second_review AS since,
                   datediff('day', r.second_review, r.period_end) AS days,
                   'second review ' || strftime(r.second_review, '%-d %B %Y') AS detail
            FROM ({kpi_permanence_plan_by_second_review}) r
            -- an anti join, not a correlated NOT EXISTS (planned as a join to the distinct outer rows)
            ANTI JOIN permanence_plans pp ON pp.child = r.key AND pp.agreed BETWEEN r.period_start AND r.period_end
            WHERE NOT r.counted
        """,
        deciding=("second review",),
        tables=("episodes", "reviews", "permanence_plans"),
    ),
    Reason(
        id="ltf_plan_not_confirmed",
        title="Long-term fostering plan, placement not long-term",
        rule=("Looked after on D whose latest permanence plan in the current period (agreed on/before D) "
              "is LONG_TERM_FOSTERING, agreed before D minus the threshold (default 6 months), and who "
              "is on D in a foster placement not designated long-term (PLACE U3 or U6). Since = the "
              "plan's date plus the threshold (KPIS.md)."),
        setting="drift_ltf_months",
        sql=_row("(agreed + INTERVAL {threshold} MONTH)::DATE",
                 "'plan agreed ' || strftime(agreed, '%-d %B %Y') || ', ' || l_place", _LATEST_PLAN,
                 "plan = 'LONG_TERM_FOSTERING' AND l_place IN ('U3', 'U6') "
                 "AND agreed < (period_end - INTERVAL {threshold} MONTH)::DATE"),
        deciding=("plan agreed",),
        tables=("episodes", "permanence_plans"),
    ),
    Reason(
        id="plan_not_progressing",
        title="Plan to leave care not progressing",
        rule=("Looked after on D whose latest permanence plan in the current period (agreed on/before D) "
              "is RETURN_HOME, SGO or CAO, agreed before D minus the threshold (default 9 months). "
              "Since = the plan's date."),
        setting="drift_plan_months",
        sql=_row("agreed", "plan || ' agreed ' || strftime(agreed, '%-d %B %Y')", _LATEST_PLAN,
                 "plan IN ('RETURN_HOME', 'SGO', 'CAO') AND agreed < (period_end - INTERVAL {threshold} MONTH)::DATE"),
        deciding=("plan agreed",),
        tables=("episodes", "permanence_plans"),
    ),
    Reason(
        id="unstable",
        title="Three or more placements in 12 months",
        rule=("Looked after on D with three or more placements in the 12 months to D: the children "
              "placements_3plus counts. Since = the start of the latest of them (the move that made "
              "three)."),
        setting=None,
        sql="""
            SELECT r.period_end, r.key, true AS counted, p.start_date AS since,
                   datediff('day', p.start_date, r.period_end) AS days,
                   r.placements_in_12_months || ' placements in the 12 months' AS detail
            -- the latest placement started on/before D: an as-of join, not every placement grouped,
            -- on the child's number (an integer compares at a fraction of the id's cost)
            FROM ({kpi_placements_3plus}) r JOIN cw_child_numbers n ON n.child = r.key
            ASOF JOIN cw_placements p ON p.child_no = n.child_no AND r.period_end >= p.start_date
            WHERE r.counted
        """,
        deciding=("latest placement start",),
    ),
    Reason(
        id="pba_late_for_birth",
        title="Pre-birth assessment late for the birth",
        rule=("An unborn baby's pre-birth assessment (local extract pre_birth_assessments) not completed "
              "by D, where D is after the expected date of birth minus the threshold (default 4 weeks) "
              "and not after the expected date of birth (timely birth-planning, seed ¶2.11; after the "
              "birth the baby is a child, on the other lists). Since = the expected date of birth minus "
              "the threshold. The row is the case (key: case id); the team is the case's own."),
        setting="drift_pba_weeks",
        sql="""
            SELECT kd.period_end, b.case_id AS key, true AS counted,
                   (b.expected_dob - INTERVAL {threshold} WEEK)::DATE AS since,
                   datediff('day', (b.expected_dob - INTERVAL {threshold} WEEK)::DATE, kd.period_end) AS days,
                   'expected ' || strftime(b.expected_dob, '%-d %B %Y') AS detail, b.team AS case_team
            FROM kd JOIN pre_birth_assessments b
              ON kd.period_end > (b.expected_dob - INTERVAL {threshold} WEEK)::DATE AND kd.period_end <= b.expected_dob
             AND (b.completed IS NULL OR b.completed > kd.period_end)
        """,
        deciding=("expected date of birth",),
        tables=("pre_birth_assessments",),
        team="x.case_team",
        basis="events",
    ),
)

BY_ID = {r.id: r for r in REASONS}
