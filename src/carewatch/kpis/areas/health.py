"""Health (KPIS.md; seed ¶2.7-2.10) and the DfE OC2 outcomes."""
from ..model import Kpi
from ..sql import timeliness

AREA = "Health"

# children looked after on D continuously for 12 months or more: current period began on/before D - 12 months
_YEAR_COHORT = """
    SELECT l.period_end, l.child, coalesce(cw_age(d.dob, l.period_end) < 5, false) AS under_5
    FROM cw_lac l JOIN kd USING (period_end) LEFT JOIN cw_dob d ON d.child = l.child
    WHERE l.period_start <= kd.m12
"""


def _latest_before(table: str, column: str) -> str:
    """Each cohort child's latest ``column`` on/before D (an as-of join, not a scan per month)."""
    return f"""
        SELECT c.period_end, c.child, c.under_5, ev.{column} AS latest
        FROM cohort c ASOF LEFT JOIN
             (SELECT child, {column} FROM {table} WHERE {column} IS NOT NULL) ev
             ON ev.child = c.child AND c.period_end >= ev.{column}
    """


def _oc2(flag: str, age_band: str = "true", flagged: str | None = None) -> str:
    return f"""
        WITH o AS (
            SELECT o.*, coalesce(o.dob, d.dob) AS birth FROM oc2 o LEFT JOIN cw_dob d USING (child)
            WHERE o.child NOT IN (SELECT child FROM cw_quarantine)
        )
        SELECT kd.period_end,
               count(DISTINCT o.child) FILTER (WHERE {flagged or f'o.{flag} = 1'}) AS numerator,
               count(DISTINCT o.child) AS denominator, NULL AS value
        FROM kd LEFT JOIN o ON o.year = year(kd.period_end)
             AND ({age_band.replace('AGE', 'cw_age(o.birth, kd.period_end)')})
        GROUP BY kd.period_end
    """


OC2_METHOD = ("DfE year-end (31 March) outcome from the 903 OC2 table of the collection year ending on "
              "D: the OC2 table lists the cohort (looked after at 31 March continuously for 12 months "
              "or more), so the denominator is the children in it")

KPIS = [
    Kpi(
        id="iha_within_20wd", title="Initial health assessments within 20 working days", area=AREA,
        unit="percent", polarity="higher", target=100.0, frequency="monthly",
        source="CPPCR 2010 reg 7; Promoting the health and well-being of looked-after children (2015).",
        method=("IHA duties (due = period start + 20 working days; a duty exists only for a child still "
                "looked after on its due date) whose period of care started in D's month (the duty's "
                "opened date, 1st to D) and whose due date is on/before the as-of date; numerator = IHA "
                "done on/before the due date. Aggregated from the duties table."),
        tables=("episodes", "health_assessments"), query=timeliness("IHA", bucket="opened"),
    ),
    Kpi(
        id="rha_on_time", title="Review health assessments on time", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="monthly",
        source="Promoting the health and well-being of looked-after children (2015): 6-monthly under 5, else annual.",
        method=("RHA duties due in D's month (1st to D) and on/before the as-of date; numerator = done "
                "on/before the due date. Aggregated from the duties table."),
        tables=("episodes", "health_assessments"), query=timeliness("RHA"),
    ),
    Kpi(
        id="health_assessment_up_to_date", title="Health assessment up to date", area=AREA,
        unit="percent", polarity="higher", target=None, frequency="monthly",
        source="Promoting the health and well-being of looked-after children (2015).",
        method=("Of children looked after on D whose current period of care began on/before D - 12 months: "
                "those whose latest health assessment (IHA or RHA, completed on/before D) was completed "
                "after D - 6 months if under 5 on D, after D - 12 months if 5 or over (a child without a "
                "date of birth is taken as 5 or over)."),
        tables=("episodes", "health_assessments"),
        query=f"""
            WITH cohort AS ({_YEAR_COHORT}), latest_done AS ({_latest_before('health_assessments', 'completed')})
            SELECT l.period_end,
                   count(*) FILTER (WHERE l.latest > CASE WHEN l.under_5 THEN kd.m6 ELSE kd.m12 END) AS numerator,
                   count(*) AS denominator, NULL AS value
            FROM latest_done l JOIN kd USING (period_end)
            GROUP BY l.period_end
        """,
    ),
    Kpi(
        id="dental_check_up_to_date", title="Dental check up to date", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="monthly",
        source="Local standard (KPIS.md DENTAL); the 903 OC2 counts a check in the year.",
        method=("Of children looked after on D whose current period of care began on/before D - 12 months: "
                "those with a dental check in the 12 months to D, (D - 12 months, D]."),
        tables=("episodes", "dental_checks"),
        query=f"""
            WITH cohort AS ({_YEAR_COHORT}), latest_done AS ({_latest_before('dental_checks', 'check_date')})
            SELECT l.period_end, count(*) FILTER (WHERE l.latest > kd.m12) AS numerator,
                   count(*) AS denominator, NULL AS value
            FROM latest_done l JOIN kd USING (period_end)
            GROUP BY l.period_end
        """,
    ),
    Kpi(
        id="oc2_health_assessment", title="Annual health assessment (OC2)", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC2 HEALTH_ASSESSMENT; DfE outcomes (DOMAIN.md B1); national 2022: 89%.",
        method=OC2_METHOD + "; numerator = HEALTH_ASSESSMENT = 1.",
        tables=("oc2",), query=_oc2("health_assessment"),
    ),
    Kpi(
        id="oc2_dental_check", title="Dental check (OC2)", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC2 TEETH_CHECK; national 2022: 70%.",
        method=OC2_METHOD + "; numerator = TEETH_CHECK = 1.",
        tables=("oc2",), query=_oc2("teeth_check"),
    ),
    Kpi(
        id="oc2_immunisations", title="Immunisations up to date (OC2)", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC2 IMMUNISATIONS; national 2022: 85%.",
        method=OC2_METHOD + "; numerator = IMMUNISATIONS = 1.",
        tables=("oc2",), query=_oc2("immunisations"),
    ),
    Kpi(
        id="oc2_development_assessment", title="Development assessments up to date, ages 0-4 (OC2)",
        area=AREA, unit="percent", polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC2 HEALTH_CHECK (under-5s only); national 89%.",
        method=OC2_METHOD + ", aged 0-4 on 31 March (OC2 DOB, else Header DOB); numerator = HEALTH_CHECK = 1.",
        tables=("oc2",), query=_oc2("health_check", "AGE BETWEEN 0 AND 4"),
    ),
    Kpi(
        id="oc2_sdq_received", title="Strengths and difficulties questionnaire, ages 5-16 (OC2)",
        area=AREA, unit="percent", polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC2 SDQ_SCORE; national 77%.",
        method=OC2_METHOD + ", aged 5-16 on 31 March; numerator = an SDQ score recorded (SDQ_SCORE not blank).",
        tables=("oc2",), query=_oc2("sdq_score", "AGE BETWEEN 5 AND 16", "o.sdq_score IS NOT NULL"),
    ),
]
