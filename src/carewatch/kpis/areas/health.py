"""Health (KPIS.md; seed ¶2.7-2.10) and the DfE OC2 outcomes."""
from ..model import Kpi
from ..sql import spans, timeliness

AREA = "Health"

# the continuity cohort (sql.CONTINUOUSLY_LOOKED_AFTER, evaluated once by the engine, with the date of
# birth) with under-5s flagged
_YEAR_COHORT = """
    SELECT c.period_end, c.child, c.child_no, coalesce(cw_age(c.dob, c.period_end) < 5, false) AS under_5
    FROM cw_continuous c
"""
CONTINUOUS = ("looked after on D continuously for 12 months or more, DfE's OC2 rule applied to the 12 months "
              "to D, (D - 12 months, D]: the current period of care (not short breaks) began on/before the "
              "window's first day (for 31 March: on/before 1 April, since DfE breaks continuity only at a "
              "start after 1 April), and no episode open on/after that day starts a period after it (RNE S), "
              "ends one before D (REC other than X1) or is a short break (V3/V4)")


def _latest_before(table: str, column: str) -> str:
    """Each cohort child's latest ``column`` on/before D: each record holds from its date until the
    child's next (sql.spans), so an equality join on the child finds it, not a scan per month. The
    records are numbered by their child (``cw_child_numbers``: a child without a number is never in the
    cohort), so the spans are sorted and the 6 million cohort rows joined on an integer, not the id."""
    return f"""
        SELECT c.period_end, c.child, c.under_5, ev.since AS latest
        FROM cohort c LEFT JOIN
             (SELECT n.child_no, r.{column} AS since,
                     lead(r.{column}) OVER (PARTITION BY n.child_no ORDER BY r.{column}) AS until
              FROM {table} r JOIN cw_child_numbers n USING (child) WHERE r.{column} IS NOT NULL) ev
             ON ev.child_no = c.child_no AND {spans('ev', 'c.period_end')}
    """


def _oc2(flagged: str, age_band: str = "true") -> str:
    """The OC2 cohort from the episodes (DfE's continuity rule), the flags from the OC2 table of the
    collection year ending on D; a cohort child without an OC2 row counts as not flagged."""
    return f"""
        WITH cohort AS (SELECT * FROM cw_continuous), o AS (
            SELECT c.period_end, c.child, o.health_check, o.health_assessment, o.immunisations,
                   o.teeth_check, o.sdq_score, coalesce(o.dob, c.dob) AS birth
            FROM cohort c LEFT JOIN oc2 o ON o.child = c.child AND o.year = year(c.period_end)
        )
        SELECT o.period_end, o.child AS key, coalesce(bool_or({flagged}), false) AS counted,
               min(o.birth) AS dob, max(o.health_assessment) AS health_assessment, max(o.teeth_check) AS teeth_check,
               max(o.immunisations) AS immunisations, max(o.health_check) AS health_check,
               max(o.sdq_score) AS sdq_score
        FROM kd JOIN o ON o.period_end = kd.period_end
             AND ({age_band.replace('AGE', 'cw_age(o.birth, kd.period_end)')})
        GROUP BY o.period_end, o.child
    """


OC2_METHOD = ("DfE year-end (31 March) outcome. Cohort: children " + CONTINUOUS + "; taken from the "
              "episodes, not from the OC2 table. The flags come from the OC2 table of the collection year ending on D; a cohort child without an "
              "OC2 row counts as not flagged, and an OC2 row for a child outside the cohort is ignored")

KPIS = [
    Kpi(
        id="iha_within_20wd", title="Initial health assessments within 20 working days", area=AREA,
        unit="percent", polarity="higher", target=100.0, target_basis='seed ¶2.7: the required standard is within 20 working days of becoming looked after', frequency="monthly",
        source="CPPCR 2010 reg 7; Promoting the health and well-being of looked-after children (2015).",
        method=("IHA duties (due = period start + 20 working days; a duty exists only for a child still "
                "looked after on its due date) whose period of care started in D's month (the duty's "
                "opened date, 1st to D) and whose due date is on/before the as-of date; numerator = IHA "
                "done on/before the due date. Aggregated from the duties table."),
        tables=("episodes", "health_assessments"), basis="duties", rows=timeliness("IHA", bucket="opened"),
    ),
    Kpi(
        id="rha_on_time", title="Review health assessments on time", area=AREA, unit="percent",
        polarity="higher", target=100.0, target_basis="chosen: a statutory timescale (2015 health guidance), so 100% as the seed's other statutory timescales; the seed reports about 85% (¶2.8) and sets none", frequency="monthly",
        source="Promoting the health and well-being of looked-after children (2015): 6-monthly under 5, else annual.",
        method=("RHA duties due in D's month (1st to D) and on/before the as-of date; numerator = done "
                "on/before the due date. Aggregated from the duties table."),
        tables=("episodes", "health_assessments"), basis="duties", rows=timeliness("RHA"),
    ),
    Kpi(
        id="health_assessment_up_to_date", title="Health assessment up to date", area=AREA,
        unit="percent", polarity="higher", target=89.0, target_basis="chosen: England's 2022 OC2 figure, 89%, as the minimum standard the seed calls for (¶2.10 reports 86%)", frequency="monthly",
        source="Promoting the health and well-being of looked-after children (2015).",
        method=("Of children " + CONTINUOUS + ": "
                "those whose latest health assessment (IHA or RHA, completed on/before D) was completed "
                "after D - 6 months if under 5 on D, after D - 12 months if 5 or over (a child without a "
                "date of birth is taken as 5 or over)."),
        tables=("episodes", "health_assessments"),
        basis="children",
        rows=f"""
            WITH cohort AS ({_YEAR_COHORT}), latest_done AS ({_latest_before('health_assessments', 'completed')})
            SELECT l.period_end, l.child AS key,
                   coalesce(l.latest > CASE WHEN l.under_5 THEN kd.m6 ELSE kd.m12 END, false) AS counted,
                   l.under_5, l.latest AS latest_assessment
            FROM latest_done l JOIN kd USING (period_end)
        """,
    ),
    Kpi(
        id="dental_check_up_to_date", title="Dental check up to date", area=AREA, unit="percent",
        polarity="higher", target=70.0, target_basis="chosen: England's 2022 OC2 figure, 70% (the seed reports 70% now, 52% at 31 March 2021, ¶2.10)", frequency="monthly",
        source="Local standard (KPIS.md DENTAL); the 903 OC2 counts a check in the year.",
        method=("Of children " + CONTINUOUS + ": "
                "those with a dental check in the 12 months to D, (D - 12 months, D]."),
        tables=("episodes", "dental_checks"),
        basis="children",
        rows=f"""
            WITH cohort AS ({_YEAR_COHORT}), latest_done AS ({_latest_before('dental_checks', 'check_date')})
            SELECT l.period_end, l.child AS key, coalesce(l.latest > kd.m12, false) AS counted,
                   l.latest AS latest_check
            FROM latest_done l JOIN kd USING (period_end)
        """,
    ),
    Kpi(
        id="oc2_health_assessment", title="Annual health assessment (OC2)", area=AREA, unit="percent",
        polarity="higher", target=89.0, target_basis="chosen: England's 2022 figure, 89% (KPIS.md)", frequency="annual",
        source="SSDA903 OC2 HEALTH_ASSESSMENT; DfE outcomes (DOMAIN.md B1); national 2022: 89%.",
        method=OC2_METHOD + "; numerator = HEALTH_ASSESSMENT = 1.",
        tables=("episodes", "oc2"), basis="children", rows=_oc2("o.health_assessment = 1"),
    ),
    Kpi(
        id="oc2_dental_check", title="Dental check (OC2)", area=AREA, unit="percent",
        polarity="higher", target=70.0, target_basis="chosen: England's 2022 figure, 70% (KPIS.md)", frequency="annual",
        source="SSDA903 OC2 TEETH_CHECK; national 2022: 70%.",
        method=OC2_METHOD + "; numerator = TEETH_CHECK = 1.",
        tables=("episodes", "oc2"), basis="children", rows=_oc2("o.teeth_check = 1"),
    ),
    Kpi(
        id="oc2_immunisations", title="Immunisations up to date (OC2)", area=AREA, unit="percent",
        polarity="higher", target=85.0, target_basis="chosen: England's 2022 figure, 85% (KPIS.md)", frequency="annual",
        source="SSDA903 OC2 IMMUNISATIONS; national 2022: 85%.",
        method=OC2_METHOD + "; numerator = IMMUNISATIONS = 1.",
        tables=("episodes", "oc2"), basis="children", rows=_oc2("o.immunisations = 1"),
    ),
    Kpi(
        id="oc2_development_assessment", title="Development assessments up to date, ages 0-4 (OC2)",
        area=AREA, unit="percent", polarity="higher", target=89.0, target_basis="chosen: England's figure, 89% (KPIS.md)", frequency="annual",
        source="SSDA903 OC2 HEALTH_CHECK (under-5s only); national 89%.",
        method=OC2_METHOD + ", aged 0-4 on 31 March (OC2 DOB, else Header DOB); numerator = HEALTH_CHECK = 1.",
        tables=("episodes", "oc2"), basis="children", rows=_oc2("o.health_check = 1", "AGE BETWEEN 0 AND 4"),
    ),
    Kpi(
        id="oc2_sdq_received", title="Strengths and difficulties questionnaire, ages 5-16 (OC2)",
        area=AREA, unit="percent", polarity="higher", target=77.0, target_basis="chosen: England's figure, 77% (KPIS.md)", frequency="annual",
        source="SSDA903 OC2 SDQ_SCORE; national 77%.",
        method=OC2_METHOD + ", aged 5-16 on 31 March (OC2 DOB, else Header DOB); numerator = an SDQ score recorded (SDQ_SCORE not blank).",
        tables=("episodes", "oc2"), basis="children", rows=_oc2("o.sdq_score IS NOT NULL", "AGE BETWEEN 5 AND 16"),
    ),
]
