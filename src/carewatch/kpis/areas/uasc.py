"""Unaccompanied asylum-seeking children and the National Transfer Scheme (KPIS.md; seed ¶2.24-2.25)."""
from ..model import COUNT, Kpi, figure_sql
from ..sql import in_12_months, listed, row_key

AREA = "Unaccompanied children"

_UASC_ROWS = listed(
    """(SELECT l.period_end, l.child, u.duc FROM cw_lac l
        JOIN (SELECT child, arg_max_null(duc, coalesce(year, 0)) AS duc FROM uasc GROUP BY child) u
          ON u.child = l.child AND (u.duc IS NULL OR u.duc > l.period_end))""",
    "s.period_end = kd.period_end", "s.child", "s.duc AS uasc_ceased")

_THRESHOLD = """
    SELECT kd.period_end,
           CASE WHEN kd.period_end < DATE '2022-08-24' THEN arg_max(p.age_0_17, p.year) * 7 // 10000
                ELSE arg_max(p.age_0_17, p.year) // 1000 END AS value
    FROM kd JOIN cw_pop p ON p.year <= year(kd.period_end) AND p.age_0_17 > 0
    GROUP BY kd.period_end
"""
POPULATION = ("population aged 0-17 for D's calendar year, else the latest earlier year (no earlier "
              "year: no value; a zero estimate is no estimate)")

KPIS = [
    Kpi(
        id="uasc_count", title="Unaccompanied asylum-seeking children looked after", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="SSDA903 UASC table (DUC = date UASC status ceased).",
        method=("Children looked after on D who appear in the UASC table with DUC blank or after D (the "
                "latest collection year's row decides the DUC)."),
        tables=("episodes", "uasc"), basis="children", rows=_UASC_ROWS,
    ),
    Kpi(
        id="nts_threshold", title="National Transfer Scheme threshold", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="National Transfer Scheme protocol: 0.07% of the child population, 0.1% from 24 August 2022.",
        method=f"Rounded down: {POPULATION} x 0.07% for D before 2022-08-24, x 0.1% from then.",
        tables=("population",), basis="none", query=_THRESHOLD,
    ),
    Kpi(
        id="nts_headroom", title="Headroom under the National Transfer Scheme threshold", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="National Transfer Scheme protocol.",
        method="nts_threshold - uasc_count on D (negative when above the threshold).",
        tables=("population", "episodes", "uasc"),
        basis="none",
        query=f"""
            WITH t AS ({_THRESHOLD}), u AS ({figure_sql(_UASC_ROWS, COUNT)})
            SELECT t.period_end, t.value - u.value AS value FROM t JOIN u USING (period_end)
        """,
    ),
    Kpi(
        id="nts_accepted_12m", title="National Transfer Scheme referrals accepted, last 12 months",
        area=AREA, unit="count", polarity=None, target=None, frequency="monthly",
        source="Local extract nts_referrals.",
        method=("Referrals with DECISION = ACCEPTED and REFERRAL_DATE in the 12 months to D (the extract "
                "has no decision date, so the referral date places it)."),
        tables=("nts_referrals",),
        basis="events",
        rows=listed("nts_referrals", in_12_months("s.referral_date") + " AND upper(s.decision) = 'ACCEPTED'",
                    row_key("s", "referral"), "s.referral_date, s.decision, s.arrival_date"),
    ),
]
