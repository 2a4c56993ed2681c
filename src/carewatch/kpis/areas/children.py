"""Children we care for (KPIS.md; seed ¶1.4)."""
from ..model import Aggregate, Kpi
from ..sql import in_month, listed

AREA = "Children we care for"
LAC = "Looked after on D: an episode with DECOM <= D and DEC blank or after D (a child whose care ends on D is not looked after on D), legal status not V3/V4 (short breaks)."

# the population aged 0-17 for D's year (else the latest earlier year), for one date of kd
POPULATION_ON_D = """(SELECT arg_max(p.age_0_17, p.year) FROM cw_pop p
                      WHERE p.year <= year(kd.period_end) AND p.age_0_17 > 0)"""

# the children looked after on D, with what makes them so
CLA_ROWS = listed("cw_lac", "s.period_end = kd.period_end", "s.child",
                  "s.period_start, s.ls::VARCHAR AS legal_status, s.place::VARCHAR AS place")

KPIS = [
    Kpi(
        id="cla_count", title="Children looked after", area=AREA, unit="count", polarity=None,
        target=None, frequency="monthly",
        source="SSDA903 episodes; DfE 'children looked after at 31 March' (DOMAIN.md B1).",
        method=f"Children looked after on D. {LAC} Each child counted once.",
        tables=("episodes",), basis="children", rows=CLA_ROWS,
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
        basis="children", rows=CLA_ROWS,
        # the rows are the numerator; no population, no figure (not a count over nobody)
        aggregate=Aggregate(numerator=f"CASE WHEN {POPULATION_ON_D} IS NOT NULL THEN count(r.key) END",
                            denominator=POPULATION_ON_D,
                            text="numerator = every row, denominator = the population aged 0-17"),
    ),
    Kpi(
        id="cla_starts", title="Children starting to be looked after", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="SSDA903 episodes (period of care starts; DOMAIN.md B1).",
        method=("Children with a period of care (not short breaks) whose first DECOM falls in D's month "
                "(from the 1st to D); a child starting twice in the month counted once."),
        tables=("episodes",),
        basis="children",
        rows=listed("cw_periods", in_month("s.start_date"), "s.child", "s.period_id, s.start_date, s.first_ls",
                    once="s.start_date"),
    ),
    Kpi(
        id="cla_ceased", title="Children ceasing to be looked after", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="SSDA903 episodes (period of care ends; DOMAIN.md B1).",
        method=("Children with a period of care (not short breaks) whose final DEC falls in D's month "
                "(from the 1st to D); each child counted once."),
        tables=("episodes",),
        basis="children",
        rows=listed("cw_periods", in_month("s.end_date"), "s.child", "s.period_id, s.end_date, s.end_rec",
                    once="s.end_date DESC"),
    ),
]
