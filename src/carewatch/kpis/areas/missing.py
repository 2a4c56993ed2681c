"""Children missing from care (KPIS.md Life story, education, residential; DOMAIN.md B1)."""
from ..model import Kpi
from ..sql import KD_12_MONTHS, in_12_months, in_12_months_keyed, listed

AREA = "Missing"

# missing (not 'away') episodes, one per child and start date
_MISSING = """(SELECT DISTINCT child, mis_start FROM missing
               WHERE upper(trim(missing)) = 'M' AND mis_start IS NOT NULL
                 AND child NOT IN (SELECT child FROM cw_quarantine))"""

# each child once a date: their first period of care overlapping the 12 months to D (the one before did not)
_FIRST_IN_WINDOW = """pp.start_date <= kd.period_end AND pp.end_date > kd.m12 + 1
                      AND (pp.previous_end IS NULL OR pp.previous_end <= kd.m12 + 1)"""

KPIS = [
    Kpi(
        id="missing_children_pct", title="Children who went missing in the last 12 months", area=AREA,
        unit="percent", polarity="lower", target=11.0, target_basis="chosen: England's figure, 11% (KPIS.md); the seed names reduced missing (¶2.21) with no figure", frequency="monthly",
        source="DfE 'percentage of CLA during the year who went missing' (DOMAIN.md B1); national 11%.",
        method=("Of children looked after at any time in the 12 months to D (a period of care, not short "
                "breaks, starting on/before D and ending after the window's first day, since a child is "
                "not looked after on the day care ends): those with a missing episode (MISSING = M, not A) "
                "starting in (D - 12 months, D]. A child with two periods in the window counts once."),
        tables=("episodes", "missing"),
        basis="children",
        # the child's missing starts carried on each period as a list, filtered to the window on each
        # date: at national scale a join of the 13 million child-dates to the missing rows costs twice this
        rows=f"""
            WITH starts AS (SELECT child, list(mis_start) AS starts FROM {_MISSING} GROUP BY child),
            pp AS (
                SELECT p.child, p.start_date, coalesce(p.end_date, DATE '9999-12-31') AS end_date,
                       lag(p.end_date) OVER (PARTITION BY p.child ORDER BY p.start_date) AS previous_end, s.starts
                FROM cw_periods p LEFT JOIN starts s USING (child)
            ), cohort AS (
                -- the children who never went missing (most) joined to the dates apart from the few who
                -- did, so the lists and their filter ride only on those few's child-dates
                SELECT kd.period_end, pp.child, pp.start_date AS period_start, NULL::DATE[] AS went
                FROM kd JOIN pp ON {_FIRST_IN_WINDOW} WHERE pp.starts IS NULL
                UNION ALL
                SELECT kd.period_end, pp.child, pp.start_date, [s FOR s IN pp.starts IF {in_12_months('s')}]
                FROM kd JOIN pp ON {_FIRST_IN_WINDOW} WHERE pp.starts IS NOT NULL
            )
            SELECT period_end, child AS key, coalesce(len(went), 0) > 0 AS counted,
                   period_start AS first_period_start_in_window, list_min(went) AS first_missing,
                   coalesce(len(went), 0) AS missing_episodes
            FROM cohort
        """,
    ),
    Kpi(
        id="missing_incidents_12m", title="Missing episodes in the last 12 months", area=AREA,
        unit="count", polarity="lower", target=None, frequency="monthly",
        source="SSDA903 Missing table.",
        method=("Missing episodes (MISSING = M; one per child and start date, so a row repeated in two "
                "collection years counts once) starting in the 12 months to D while the child was "
                "looked after (not on a short break)."),
        tables=("episodes", "missing"),
        basis="events",
        rows=listed(
            f"""(SELECT m.* FROM {_MISSING} m WHERE EXISTS (
                    SELECT 1 FROM cw_eps e WHERE e.child = m.child AND e.decom <= m.mis_start
                       AND (e.dec IS NULL OR e.dec > m.mis_start)))""",
            in_12_months_keyed("s.mis_start"), "concat_ws(':', s.child, s.mis_start)", "s.child, s.mis_start",
            dates=KD_12_MONTHS),
    ),
]
