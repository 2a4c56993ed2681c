"""Placement stability (KPIS.md Placements; DfE measures DOMAIN.md B1)."""
from ..model import Kpi
from ..sql import spans

AREA = "Placements"
PLACEMENT = ("A placement is a spell with one carer as derived into the placements table: RNE S, P or B "
             "starts one, RNE L, T and U continue it, temporary placements (T0-T4) are never counted and "
             "a return from one to the same carer continues the earlier placement. DfE does not publish "
             "its counting rule in a form we could verify, so this follows its 'living with the same "
             "carer' wording.")

KPIS = [
    Kpi(
        id="placements_3plus", title="Children with three or more placements in the last 12 months",
        area=AREA, unit="percent", polarity="lower", target=10.0, target_basis="chosen: England's figure, 10% (KPIS.md); the seed names placement stability (¶1.7) with no figure", frequency="monthly",
        source="DfE 'CLA at 31 March with 3 or more placements during the year' (DOMAIN.md B1); national 10%.",
        method=("Of children looked after on D, those with 3 or more placements overlapping the 12 months "
                "to D, (D - 12 months, D]. A placement overlaps when it started on/before D and ended "
                "(or the child left it) after the window's first day; placements of earlier periods of "
                "care count, short-break periods do not (the count is sql.PLACEMENT_COUNTS, which "
                "Annex A's List 8 uses too). " + PLACEMENT),
        tables=("episodes",),
        basis="children",
        rows=f"""
            SELECT l.period_end, l.child AS key, coalesce(n.placements, 0) >= 3 AS counted,
                   coalesce(n.placements, 0) AS placements_in_12_months
            FROM cw_lac l LEFT JOIN cw_placement_counts n ON n.child_no = l.child_no AND {spans('n', 'l.period_end')}
        """,
    ),
    Kpi(
        id="placement_stability_long_term", title="Long-term placement stability", area=AREA,
        unit="percent", polarity="higher", target=71.0, target_basis="chosen: England's figure, 71% (KPIS.md); the seed names stability (¶1.7) with no figure", frequency="monthly",
        source="DfE long-term stability: under-16s looked after 2.5 years, with the same carer 2 years (DOMAIN.md B1); national 71%.",
        method=("Of children looked after on D, aged under 16 on D, whose current period of care (not short "
                "breaks) began on/before D - 30 months: those whose current placement began on/before "
                "D - 24 months. The current placement is the latest placement of the current period "
                "starting on/before D (so a child away in a temporary placement on D keeps the placement "
                "they return to). A placement for adoption with the current foster carer (A3/A5 entered "
                "by RNE T or U) continues the foster placement, because the carer is the same. Children "
                "without a date of birth are left out (age unknown), and so are periods of care that began "
                "as short breaks (first legal status V3/V4, later joined by X1 to other care), as DfE since "
                "2021: short breaks are excluded from every indicator, and their start is not a start of "
                "care. DfE's 2021 rule that a move into U2/U5 counts as a change is not applied, and DfE's "
                "rule that any adoptive placement counts "
                "together with the placement before it is narrowed to one with the same carer: KPIS.md "
                "defines the placement by carer. "
                + PLACEMENT),
        tables=("episodes", "header"),
        basis="children",
        rows=f"""
            -- the children in care 30 months picked from the dates first (a third of the child-dates),
            -- then joined to their birth and period: DuckDB otherwise joins every child-date first
            WITH long_in_care AS MATERIALIZED (
                SELECT l.period_end, l.child, l.child_no, l.period_id, l.period_start
                FROM cw_lac l JOIN kd USING (period_end) WHERE l.period_start <= kd.m30
            ),
            cohort AS (
                SELECT l.period_end, l.child, l.child_no, l.period_id, l.period_start, cw_age(d.dob, l.period_end) AS age
                FROM long_in_care l JOIN cw_dob d ON d.child_no = l.child_no
                     JOIN cw_periods p ON p.child_no = l.child_no AND p.period_id = l.period_id
                WHERE cw_age(d.dob, l.period_end) < 16
                  -- care that began as short breaks is left out (DfE since 2021)
                  AND coalesce(p.first_ls, '') NOT IN ('V3', 'V4')
            )
            -- the current placement: the latest of the period started on/before D (each holds until the
            -- next starts), found by one join on the child's spans, not a second pass over the cohort
            SELECT c.period_end, c.child AS key, coalesce(cur.since <= kd.m24, false) AS counted,
                   c.period_start, cur.since AS placement_start, c.age
            FROM cohort c JOIN kd USING (period_end) LEFT JOIN (
                SELECT child_no, period_id, start_date AS since,
                       lead(start_date) OVER (PARTITION BY child_no, period_id ORDER BY start_date) AS until
                FROM cw_placements) cur
              ON cur.child_no = c.child_no AND cur.period_id = c.period_id AND {spans('cur', 'c.period_end')}
        """,
    ),
]
