"""Fostering service (KPIS.md; seed ¶2.12-2.13)."""
from ..model import Kpi
from ..sql import KD_12_MONTHS, in_12_months_keyed, listed, row_key

AREA = "Fostering"

# one row per household: first approval, and deregistration (none while any approval is open)
_HOUSEHOLDS = """(
    SELECT household, min(approved) AS approved,
           CASE WHEN bool_or(deregistered IS NULL) THEN NULL ELSE max(deregistered) END AS deregistered
    FROM foster_households WHERE approved IS NOT NULL GROUP BY household)"""

ENQUIRY = row_key("s", "enquiry")

KPIS = [
    Kpi(
        id="foster_utilisation", title="Fostering households in use", area=AREA, unit="percent",
        polarity="higher", target=75.0, target_basis='seed ¶2.12: 75% of carers caring for a child 75% of the year (England 69%): hold that level', frequency="monthly",
        source="Local fostering service measure (seed ¶2.12: 75%, national 69%).",
        method=("Of households approved throughout the 12 months to D (approved on/before the window's "
                "first day, not deregistered on/before D): those with at least one child placed on 75% "
                "or more of the window's days (D - (D - 12 months) days). A placement covers its start "
                "date up to the day before its end date (the child left on the end date); overlapping "
                "placements of one household are merged so a day counts once. A household with several "
                "approval rows is approved from its first approval until its last deregistration."),
        tables=("foster_households", "foster_placements"), basis="households",
        rows=f"""
            WITH households AS (
                -- each household numbered: its placements, and the household-dates, are sorted,
                -- joined and grouped on an integer, not the id (a household never approved counts nowhere)
                SELECT *, row_number() OVER (ORDER BY household) AS household_no FROM {_HOUSEHOLDS}
            ), fp AS (
                SELECT h.household_no, p.start_date AS s, coalesce(p.end_date, DATE '9999-12-31') AS e
                FROM foster_placements p JOIN households h USING (household)
                WHERE p.start_date IS NOT NULL AND (p.end_date IS NULL OR p.end_date > p.start_date)
                  AND (p.child IS NULL OR p.child NOT IN (SELECT child FROM cw_quarantine))
            ), marked AS (
                SELECT *, CASE WHEN s <= max(e) OVER (PARTITION BY household_no ORDER BY s, e
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                               THEN 0 ELSE 1 END AS starts_island
                FROM fp
            ), islands AS (
                SELECT household_no, min(s) AS s, max(e) AS e FROM (
                    SELECT *, sum(starts_island) OVER (PARTITION BY household_no ORDER BY s, e) AS island
                    FROM marked)
                GROUP BY household_no, island
            ), cohort AS (
                SELECT kd.period_end, kd.m12, h.household, h.household_no, h.approved
                FROM kd JOIN households h ON h.approved <= kd.m12 + 1
                     AND (h.deregistered IS NULL OR h.deregistered > kd.period_end)
            ), placed AS (
                -- each household-date's days with a child, summed over its islands in the window as
                -- the household-dates are joined to them, not summed apart and joined back (least and
                -- greatest pass over a NULL: a household-date with no island sums nothing, so 0)
                SELECT c.period_end, any_value(c.household) AS household, any_value(c.approved) AS approved,
                       c.period_end - any_value(c.m12) AS days_in_window,
                       coalesce(sum(least(i.e, c.period_end + 1) - greatest(i.s, c.m12 + 1))
                                    FILTER (WHERE i.household_no IS NOT NULL), 0) AS days
                FROM cohort c LEFT JOIN islands i ON i.household_no = c.household_no
                     AND i.s <= c.period_end AND i.e > c.m12 + 1
                GROUP BY c.period_end, c.household_no
            )
            SELECT period_end, household AS key, 4 * days >= 3 * days_in_window AS counted,
                   approved, days AS days_with_a_child, days_in_window
            FROM placed
        """,
    ),
    Kpi(
        id="foster_households", title="Approved fostering households", area=AREA, unit="count",
        polarity="higher", target=None, frequency="monthly",
        source="Local extract foster_households.",
        method="Households approved on/before D and not deregistered on/before D.",
        tables=("foster_households",),
        basis="households",
        rows=listed(_HOUSEHOLDS, "s.approved <= kd.period_end AND (s.deregistered IS NULL OR s.deregistered > kd.period_end)",
                    "s.household", "s.approved, s.deregistered"),
    ),
    Kpi(
        id="fostering_enquiries_12m", title="Fostering enquiries in the last 12 months", area=AREA,
        unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local extract fostering_enquiries.",
        method="Enquiries with ENQUIRY_DATE in the 12 months to D, (D - 12 months, D].",
        tables=("fostering_enquiries",),
        basis="events",
        rows=listed("fostering_enquiries", in_12_months_keyed("s.enquiry_date"), ENQUIRY, "s.enquiry_date, s.outcome",
                    dates=KD_12_MONTHS),
    ),
    Kpi(
        id="fostering_approvals_12m", title="Fostering approvals in the last 12 months", area=AREA,
        unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local extract fostering_enquiries.",
        method="Enquiries with OUTCOME = APPROVED and OUTCOME_DATE in the 12 months to D.",
        tables=("fostering_enquiries",),
        basis="events",
        rows=listed("fostering_enquiries", in_12_months_keyed("s.outcome_date") + " AND s.outcome = 'APPROVED'",
                    ENQUIRY, "s.outcome, s.outcome_date, s.approved_places", dates=KD_12_MONTHS),
    ),
    Kpi(
        id="fostering_approvals_2plus_12m", title="Fostering approvals for 2 or more places in the last 12 months",
        area=AREA, unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local extract fostering_enquiries.",
        method="Approvals (as fostering_approvals_12m) with APPROVED_PLACES of 2 or more.",
        tables=("fostering_enquiries",),
        basis="events",
        rows=listed("fostering_enquiries",
                    in_12_months_keyed("s.outcome_date") + " AND s.outcome = 'APPROVED' AND s.approved_places >= 2",
                    ENQUIRY, "s.outcome, s.outcome_date, s.approved_places", dates=KD_12_MONTHS),
    ),
    Kpi(
        id="fostering_assessments_in_progress", title="Fostering assessments in progress", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="Local extract fostering_enquiries.",
        method="Enquiries with ASSESSMENT_START on/before D and no outcome by D (OUTCOME_DATE blank or after D).",
        tables=("fostering_enquiries",),
        basis="events",
        rows=listed("fostering_enquiries",
                    "s.assessment_start <= kd.period_end AND (s.outcome_date IS NULL OR s.outcome_date > kd.period_end)",
                    ENQUIRY, "s.assessment_start, s.outcome, s.outcome_date"),
    ),
]
