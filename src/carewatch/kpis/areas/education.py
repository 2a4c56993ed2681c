"""Life story, education and residential homes (KPIS.md; seed ¶2.16-2.23)."""
from ..model import Aggregate, Kpi
from ..sql import duty_rows, in_12_months, listed, not_quarantined, numbered, row_key, spans

AREA = "Life story, education and residential"

# the education table's academic year for the 31 March D: 31 March 2021 -> '2020/21'
_ACADEMIC_YEAR = "(year(kd.period_end) - 1)::VARCHAR || '/' || right(year(kd.period_end)::VARCHAR, 2)"
EDUCATION = ("Annual, at each 31 March D, for the academic year containing it (31 March 2021: 2020/21, "
             "as DfE's outcomes release pairs the academic year with the 31 March cohort); one row per "
             "child in the education table")

# the last day of the latest school term ended on/before D (terms end 31 Mar, 31 Jul, 31 Dec)
_TERM_END = """CASE WHEN kd.period_end >= make_date(year(kd.period_end), 12, 31) THEN make_date(year(kd.period_end), 12, 31)
                    WHEN kd.period_end >= make_date(year(kd.period_end), 7, 31) THEN make_date(year(kd.period_end), 7, 31)
                    WHEN kd.period_end >= make_date(year(kd.period_end), 3, 31) THEN make_date(year(kd.period_end), 3, 31)
                    ELSE make_date(year(kd.period_end) - 1, 12, 31) END"""


def _education_share(condition: str, counted: str, column: str) -> str:
    """Children with ``counted`` true in the year's rows; counted = ``condition`` on any of them."""
    return f"""
        SELECT kd.period_end, e.child AS key, coalesce(bool_or({condition}), false) AS counted,
               any_value(e.academic_year) AS academic_year, string_agg(DISTINCT e.{column}::VARCHAR, ', ') AS {column}
        FROM kd JOIN {not_quarantined('education')} e
             ON e.academic_year = {_ACADEMIC_YEAR} AND {counted}
        GROUP BY kd.period_end, e.child
    """


def _residential(event: str) -> str:
    return listed(
        "(SELECT * FROM residential_events WHERE child IS NULL OR child NOT IN (SELECT child FROM cw_quarantine))",
        in_12_months("s.event_date") + f" AND upper(s.event) = '{event}'",
        row_key("s", "home", "child", "event_date"), "s.home, s.child, s.event_date, s.event")


KPIS = [
    Kpi(
        id="life_story_coverage", title="Life story work for children with a permanence plan", area=AREA,
        unit="percent", polarity="higher", target=100.0, target_basis='seed ¶2.16: children with adoption, long-term fostering or SGO plans have life story books', frequency="monthly",
        source="Adoption Agencies Regulations 2005 (life story book); local standard for long-term fostering and SGO.",
        method=("Of children looked after on D whose latest permanence plan agreed on/before D is ADOPTION, "
                "LONG_TERM_FOSTERING or SGO: those with a life story book dated on/before D."),
        tables=("episodes", "permanence_plans", "life_story"), basis="children",
        rows=f"""
            -- each child's first book, numbered by its child: the child-dates with a plan (6.6 million
            -- at national scale) are joined to it on an integer, not the id
            WITH first_book AS ({numbered("SELECT child, min(book_date) AS book_date FROM life_story GROUP BY child")})
            SELECT l.period_end, l.child AS key, coalesce(b.book_date <= l.period_end, false) AS counted,
                   pp.plan AS permanence_plan,
                   CASE WHEN b.book_date <= l.period_end THEN b.book_date END AS life_story_book
            FROM cw_lac l JOIN cw_latest_plans pp ON pp.child_no = l.child_no AND {spans('pp', 'l.period_end')}
                 LEFT JOIN first_book b ON b.child_no = l.child_no
            WHERE pp.plan IN ('ADOPTION', 'LONG_TERM_FOSTERING', 'SGO')
        """,
    ),
    Kpi(
        id="pep_in_timescale", title="Personal education plans in timescale", area=AREA,
        unit="percent", polarity="higher", target=100.0, target_basis='chosen: 100%, a statutory expectation (termly PEP review, DfE 2018); the seed reports 95% for 2020/21 (¶2.18) and sets none', frequency="monthly",
        source="DfE Promoting the education of looked-after children (2018): termly PEP review.",
        method=("PEP duties of the latest school term ended on/before D (terms end 31 March, 31 July, "
                "31 December; the duty is due on the term's last day) that are due on/before the as-of "
                "date; numerator = a PEP done on/before the due date. Aggregated from the duties table."),
        tables=("episodes", "peps"), basis="duties",
        rows=duty_rows("PEP", "kd.period_end", f"JOIN kd ON du.due = {_TERM_END}"),
    ),
    Kpi(
        id="school_attendance", title="School attendance", area=AREA, unit="percent",
        polarity="higher", target=90.0, target_basis="chosen: 90%, below which DfE counts a pupil persistently absent; the seed says attendance 'remained strong' with no figure (¶2.19)", frequency="annual",
        source="Local extract education (Virtual School).",
        method=(EDUCATION + ": the mean of ATTENDANCE_PCT over children with a figure. A mean of "
                "recorded percentages, so there is no numerator; the denominator is the children."),
        tables=("education",),
        basis="children",
        rows=f"""
            SELECT kd.period_end, e.child AS key, true AS counted, e.academic_year, e.attendance_pct
            FROM kd JOIN {not_quarantined('education')} e ON e.academic_year = {_ACADEMIC_YEAR}
            WHERE e.attendance_pct IS NOT NULL
        """,
        aggregate=Aggregate(numerator="NULL", denominator="count(r.key)", value="avg(r.attendance_pct)",
                            text="the mean of the rows' ATTENDANCE_PCT; denominator = every row"),
    ),
    Kpi(
        id="persistent_absence", title="Persistent absence", area=AREA, unit="percent",
        polarity="lower", target=10.0, target_basis='chosen: at most 10%; the seed (¶2.17) names persistent absence as high in 2019, with no figure', frequency="annual",
        source="Local extract education; DfE persistent absence (10% or more sessions missed).",
        method=EDUCATION + ": of children with PERSISTENT_ABSENCE recorded, those flagged.",
        tables=("education",),
        basis="children", rows=_education_share("e.persistent_absence", "e.persistent_absence IS NOT NULL",
                                                "persistent_absence"),
    ),
    Kpi(
        id="ks4_any_pass", title="Key stage 4: a graded pass", area=AREA, unit="percent",
        polarity="higher", target=95.0, target_basis='seed ¶2.20: over 95% achieved a graded pass', frequency="annual",
        source="Local extract education (seed ¶2.20: over 95%).",
        method=EDUCATION + ": of children with KS4_ANY_PASS recorded (the key stage 4 cohort), those with a graded pass.",
        tables=("education",),
        basis="children", rows=_education_share("e.ks4_any_pass", "e.ks4_any_pass IS NOT NULL", "ks4_any_pass"),
    ),
    Kpi(
        id="ks4_standard_pass", title="Key stage 4: a standard pass", area=AREA, unit="percent",
        polarity="higher", target=60.0, target_basis='seed ¶2.20: over 60% achieved a standard pass', frequency="annual",
        source="Local extract education (seed ¶2.20: over 60%).",
        method=EDUCATION + ": of children with KS4_STANDARD_PASS recorded, those with a standard pass (grade 4+).",
        tables=("education",),
        basis="children", rows=_education_share("e.ks4_standard_pass", "e.ks4_standard_pass IS NOT NULL", "ks4_standard_pass"),
    ),
    Kpi(
        id="ks4_strong_pass", title="Key stage 4: a strong pass", area=AREA, unit="percent",
        polarity="higher", target=33.3, target_basis='seed ¶2.20: over a third achieved a strong pass', frequency="annual",
        source="Local extract education (seed ¶2.20: over a third).",
        method=EDUCATION + ": of children with KS4_STRONG_PASS recorded, those with a strong pass (grade 5+).",
        tables=("education",),
        basis="children", rows=_education_share("e.ks4_strong_pass", "e.ks4_strong_pass IS NOT NULL", "ks4_strong_pass"),
    ),
    Kpi(
        id="school_good_or_better", title="Attending a school rated good or better", area=AREA,
        unit="percent", polarity="higher", target=80.0, target_basis="chosen: 80%; the seed says 'most of the children' attend schools graded good or better (¶2.18)", frequency="annual",
        source="Local extract education SCHOOL_OFSTED (seed ¶2.18).",
        method=(EDUCATION + ": of children whose school has an Ofsted grade (SCHOOL_OFSTED recorded and "
                "not NONE), those at a school graded OUTSTANDING or GOOD."),
        tables=("education",),
        basis="children",
        rows=_education_share("upper(e.school_ofsted) IN ('OUTSTANDING', 'GOOD')",
                              "upper(e.school_ofsted) IN ('OUTSTANDING', 'GOOD', 'RI', 'INADEQUATE')", "school_ofsted"),
    ),
    Kpi(
        id="residential_missing_12m", title="Missing episodes from our children's homes, last 12 months",
        area=AREA, unit="count", polarity="lower", target=0.0, target_basis='seed ¶2.21: reduced rates of going missing; target 0, amber up to rag_amber_points (5) events', frequency="monthly",
        source="Local extract residential_events.",
        method="Residential events MISSING dated in the 12 months to D, (D - 12 months, D], in all homes listed.",
        tables=("residential_events",), basis="events", rows=_residential("MISSING"),
    ),
    Kpi(
        id="residential_restraints_12m", title="Restraints in our children's homes, last 12 months",
        area=AREA, unit="count", polarity="lower", target=0.0, target_basis='seed ¶2.21: almost no restrictive physical interventions; target 0, amber up to rag_amber_points (5)', frequency="monthly",
        source="Local extract residential_events; Children's Homes (England) Regulations 2015 reg 20.",
        method="Residential events RESTRAINT dated in the 12 months to D.",
        tables=("residential_events",), basis="events", rows=_residential("RESTRAINT"),
    ),
    Kpi(
        id="residential_complaints_12m", title="Complaints in our children's homes, last 12 months",
        area=AREA, unit="count", polarity="lower", target=0.0, target_basis='seed ¶2.22: almost no complaints in 12 months; target 0, amber up to rag_amber_points (5)', frequency="monthly",
        source="Local extract residential_events.",
        method="Residential events COMPLAINT dated in the 12 months to D.",
        tables=("residential_events",), basis="events", rows=_residential("COMPLAINT"),
    ),
    Kpi(
        id="residential_breakdowns_12m", title="Placement breakdowns in our children's homes, last 12 months",
        area=AREA, unit="count", polarity="lower", target=0.0, target_basis='seed ¶2.22: no placement breakdowns in 18 months; target 0', frequency="monthly",
        source="Local extract residential_events (seed: none in 18 months).",
        method="Residential events BREAKDOWN dated in the 12 months to D.",
        tables=("residential_events",), basis="events", rows=_residential("BREAKDOWN"),
    ),
]
