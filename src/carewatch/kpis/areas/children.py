"""Children we care for (KPIS.md; seed ¶1.4)."""
from ..model import Kpi
from ..sql import count_rows, in_month

AREA = "Children we care for"
LAC = "Looked after on D: an episode with DECOM <= D and DEC blank or after D (a child whose care ends on D is not looked after on D), legal status not V3/V4 (short breaks)."

_POPULATION = """
    SELECT kd.period_end, arg_max(p.age_0_17, p.year) AS population
    FROM kd JOIN cw_pop p ON p.year <= year(kd.period_end) AND p.age_0_17 > 0
    GROUP BY kd.period_end
"""

_CLA_COUNT = count_rows("cw_lac", "s.period_end = kd.period_end")

KPIS = [
    Kpi(
        id="cla_count", title="Children looked after", area=AREA, unit="count", polarity=None,
        target=None, frequency="monthly",
        source="SSDA903 episodes; DfE 'children looked after at 31 March' (DOMAIN.md B1).",
        method=f"Children looked after on D. {LAC} Each child counted once.",
        tables=("episodes",), query=_CLA_COUNT,
    ),
    Kpi(
        id="cla_rate_per_10k", title="Children looked after per 10,000 children", area=AREA,
        unit="rate", polarity=None, target=None, frequency="monthly",
        source="DfE rate per 10,000 children aged 0-17 (DOMAIN.md B1), ONS mid-year estimates.",
        method=("cla_count x 10,000 / population aged 0-17 from the population table: the mid-year "
                "estimate for D's calendar year, else the latest earlier year (no earlier year: no value). "
                "Rows for the snapshot's authority (meta 'la'); all rows when none carries that code. "
                "Numerator = children looked after, denominator = population."),
        tables=("episodes", "population"),
        query=f"""
            WITH c AS ({_CLA_COUNT}), pop AS ({_POPULATION})
            SELECT c.period_end, c.value AS numerator, pop.population AS denominator, NULL AS value
            FROM c JOIN pop USING (period_end)
        """,
    ),
    Kpi(
        id="cla_starts", title="Children starting to be looked after", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="SSDA903 episodes (period of care starts; DOMAIN.md B1).",
        method=("Children with a period of care (not short breaks) whose first DECOM falls in D's month "
                "(from the 1st to D); a child starting twice in the month counted once."),
        tables=("episodes",),
        query=count_rows("cw_periods", in_month("s.start_date"), "DISTINCT s.child"),
    ),
    Kpi(
        id="cla_ceased", title="Children ceasing to be looked after", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="SSDA903 episodes (period of care ends; DOMAIN.md B1).",
        method=("Children with a period of care (not short breaks) whose final DEC falls in D's month "
                "(from the 1st to D); each child counted once."),
        tables=("episodes",),
        query=count_rows("cw_periods", in_month("s.end_date"), "DISTINCT s.child"),
    ),
]
