"""Pre-birth, adoption and fostering for adoption (KPIS.md; seed ¶2.11, 2.14-2.15; DOMAIN.md B1)."""
from ..model import Aggregate, Kpi
from ..sql import KD_12_MONTHS, in_12_months_keyed, listed, timeliness

AREA = "Pre-birth and adoption"
ADOPTIVE = "('A3', 'A4', 'A5', 'A6')"

# adoptions in the 3 years to D, with the first adoptive placement (A3-A6 episode) of the period
_ADOPTED = f"""
    SELECT p.child, p.period_id, p.start_date, p.end_date,
           min(e.decom) FILTER (WHERE e.place IN {ADOPTIVE}) AS placed,
           min(e.decom) FILTER (WHERE e.ls IN ('E1', 'D1')) AS order_start
    FROM cw_periods p JOIN cw_eps e ON e.child = p.child AND e.decom >= p.start_date AND e.decom < p.end_date
    WHERE p.end_rec IN ('E11', 'E12')
    GROUP BY ALL
"""
_AD1 = "(SELECT child, arg_max_null(foster_care, year) AS foster_care, arg_max_null(date_match, year) AS date_match FROM ad1 GROUP BY child)"
_IN_3_YEARS = "a.end_date > kd.m36 AND a.end_date <= kd.period_end"
THREE_YEARS = ("3-year mean over children adopted in the 3 years to D (periods of care ending E11/E12 with "
               "the final DEC in (D - 36 months, D]): numerator = total days, denominator = children.")


def _mean_days(days_expr: str, extra: str = "", where: str = "true") -> str:
    """The adopted children's periods of care with their days (numerator = the days summed)."""
    return f"""
        WITH a AS ({_ADOPTED}), m AS (SELECT a.*, {days_expr} AS days FROM a {extra} WHERE {where})
        SELECT kd.period_end, concat_ws(':', a.child, a.period_id) AS key, true AS counted, a.child,
               a.start_date AS period_start, a.placed AS adoptive_placement, a.order_start, a.end_date AS adopted,
               a.days
        FROM kd JOIN m a ON {_IN_3_YEARS} AND a.days IS NOT NULL
    """


MEAN_DAYS = Aggregate(numerator="sum(r.days)", denominator="count(r.key)",
                      text="numerator = the rows' days summed, denominator = every row")


KPIS = [
    Kpi(
        id="pba_in_time", title="Pre-birth assessments in time", area=AREA, unit="percent",
        polarity="higher", target=100.0, target_basis='seed ¶2.11: pre-birth assessments completed in time; 100% of a local-standard timescale', frequency="monthly",
        source="Working Together; local standard: referral + 45 working days (setting pba_working_days).",
        method=("PBA duties due in D's month (1st to D) and on/before the as-of date; numerator = "
                "completed on/before the due date. Aggregated from the duties table."),
        tables=("pre_birth_assessments",), basis="duties", rows=timeliness("PBA"),
    ),
    Kpi(
        id="ffa_placements_12m", title="Fostering for adoption placements in the last 12 months",
        area=AREA, unit="count", polarity=None, target=None, frequency="monthly",
        source="SSDA903 PLACE U2/U5 (fostering for adoption / concurrent planning).",
        method=("Children with a placement of type U2 or U5 starting in the 12 months to D, (D - 12 months, "
                "D]: an episode with PLACE U2/U5 and DECOM in the window that either starts a placement "
                "(a new carer, as placements are counted: a new period, RNE S, P or B) or is the first "
                "U2/U5 episode of a placement that continues with the same carer (a foster carer becoming "
                "the fostering-for-adoption carer, RNE T or U). A legal-status change, a return from a "
                "temporary placement to the same U2/U5 carer and a second U2/U5 episode with the same "
                "carer are not new starts; a move between two U2/U5 carers is. Each child counted once."),
        tables=("episodes",),
        basis="children",
        rows=listed(
            """(SELECT child, decom, place FROM (
                    SELECT e.child, e.decom, e.place, pl.start_date AS placement_start,
                           lag(e.place) OVER (PARTITION BY e.child_no, pl.placement_id ORDER BY e.decom) AS previous_place
                    -- the episodes with the child's number (cw_eps_periods): joined and partitioned on an integer
                    FROM cw_eps_periods e JOIN cw_placements pl ON pl.child_no = e.child_no AND e.decom >= pl.start_date
                         AND (pl.end_date IS NULL OR e.decom < pl.end_date)
                    -- temporary episodes lie inside the placement they interrupt but are not its carer
                    WHERE coalesce(e.place, '') NOT IN ('T0', 'T1', 'T2', 'T3', 'T4'))
                WHERE place IN ('U2', 'U5')
                  AND (decom = placement_start OR coalesce(previous_place, '') NOT IN ('U2', 'U5')))""",
            in_12_months_keyed("s.decom"), "s.child", "s.decom AS placement_start, s.place::VARCHAR AS place", once="s.decom",
            dates=KD_12_MONTHS),
    ),
    Kpi(
        id="adoptions_12m", title="Children adopted in the last 12 months", area=AREA, unit="count",
        polarity="higher", target=None, frequency="monthly",
        source="SSDA903 REC E11/E12.",
        method="Children whose period of care ended with REC E11 or E12, final DEC in (D - 12 months, D].",
        tables=("episodes",),
        basis="children",
        rows=listed("cw_periods", in_12_months_keyed("s.end_date") + " AND s.end_rec IN ('E11', 'E12')",
                    "s.child", "s.end_date, s.end_rec", once="s.end_date DESC", dates=KD_12_MONTHS),
    ),
    Kpi(
        id="sgo_12m", title="Special guardianship orders in the last 12 months", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="SSDA903 REC E45-E48.",
        method="Children whose period of care ended with REC E45-E48, final DEC in (D - 12 months, D].",
        tables=("episodes",),
        basis="children",
        rows=listed("cw_periods", in_12_months_keyed("s.end_date") + " AND s.end_rec IN ('E45', 'E46', 'E47', 'E48')",
                    "s.child", "s.end_date, s.end_rec", once="s.end_date DESC", dates=KD_12_MONTHS),
    ),
    Kpi(
        id="adoption_placed_awaiting_order", title="Placed for adoption, awaiting the order", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="SSDA903 PLACE A3-A6.",
        method="Children looked after on D whose episode open on D has PLACE A3, A4, A5 or A6.",
        tables=("episodes",),
        basis="children",
        rows=listed("cw_lac", f"s.period_end = kd.period_end AND s.place IN {ADOPTIVE}", "s.child",
                    "s.ls::VARCHAR AS legal_status, s.place::VARCHAR AS place"),
    ),
    Kpi(
        id="adoption_awaiting_match", title="Adoption authorised, awaiting a match", area=AREA,
        unit="count", polarity=None, target=None, frequency="monthly",
        source="SSDA903 LS E1 (placement order) / D1 (freeing order).",
        method=("Children looked after on D whose episode open on D has legal status E1 or D1 and a "
                "PLACE other than A3-A6."),
        tables=("episodes",),
        basis="children",
        rows=listed("cw_lac", f"s.period_end = kd.period_end AND s.ls IN ('E1', 'D1') "
                              f"AND coalesce(s.place, '') NOT IN {ADOPTIVE}", "s.child", "s.ls::VARCHAR AS legal_status, s.place::VARCHAR AS place"),
    ),
    Kpi(
        id="adoption_a1_days", title="A1: days from entering care to moving in with the adoptive family",
        area=AREA, unit="days", polarity="lower", target=426.0, target_basis='DfE adoption scorecard threshold A1, 426 days', frequency="monthly",
        source="Adoption scorecard A1 (DOMAIN.md B1); threshold 426 days is a setting (adoption_a1_threshold).",
        method=(THREE_YEARS + " Days = first A3-A6 episode's DECOM in the period - period start. "
                "Adopted children with no A3-A6 episode are left out."),
        tables=("episodes",), basis="periods", aggregate=MEAN_DAYS, rows=_mean_days("a.placed - a.start_date"),
        target_setting="adoption_a1_threshold",
    ),
    Kpi(
        id="adoption_a10_days", title="A10: A1 with the clock stopped at the start of the foster-carer placement",
        area=AREA, unit="days", polarity="lower", target=426.0, target_basis="chosen: DfE's scorecard threshold for A10 is A1's, 426 days", frequency="monthly",
        source="Adoption scorecard A10 (DOMAIN.md B1); no threshold is published.",
        method=(THREE_YEARS + " As A1, except for adoptions by the foster carer (AD1 FOSTER_CARE = 1, "
                "latest year's row): the clock stops at the start of the placement (same carer) that "
                "the first adoptive episode belongs to. Children without an AD1 row are taken as not "
                "adopted by their foster carer."),
        tables=("episodes", "ad1"),
        basis="periods", aggregate=MEAN_DAYS, rows=_mean_days(
            "CASE WHEN ad.foster_care = 1 THEN coalesce(carer.start_date, a.placed) ELSE a.placed END - a.start_date",
            f"""LEFT JOIN {_AD1} ad ON ad.child = a.child
                LEFT JOIN cw_placements carer ON carer.child = a.child AND carer.period_id = a.period_id
                     AND carer.start_date <= a.placed AND (carer.end_date IS NULL OR carer.end_date > a.placed)"""),
    ),
    Kpi(
        id="adoption_a2_days", title="A2: days from court authority to a match", area=AREA,
        unit="days", polarity="lower", target=121.0, target_basis='DfE adoption scorecard threshold A2, 121 days', frequency="monthly",
        source="Adoption scorecard A2 (DOMAIN.md B1); threshold 121 days is a setting (adoption_a2_threshold).",
        method=(THREE_YEARS + " Days = AD1 DATE_MATCH (latest year's row) - first day of legal status "
                "E1/D1 in the period, 0 if the match came first. Children with no E1/D1 episode or no "
                "match date are left out."),
        tables=("episodes", "ad1"),
        basis="periods", aggregate=MEAN_DAYS, rows=_mean_days("greatest(ad.date_match - a.order_start, 0)", f"JOIN {_AD1} ad ON ad.child = a.child",
                         "a.order_start IS NOT NULL AND ad.date_match IS NOT NULL"),
        target_setting="adoption_a2_threshold",
    ),
]
