"""Care plans, reviews and visits (KPIS.md; seed ¶2.5-2.6)."""
from ..model import Kpi
from ..sql import KD_12_MONTHS, in_12_months_keyed, listed, month_key, not_quarantined, row_key, timeliness

AREA = "Care plans, reviews and visits"
TIMELY = ("Aggregated from the duties table, so it always agrees with the due list: duties due in D's "
          "month (1st to D) and on/before the as-of date; numerator = done on/before the due date. "
          "Missed duties (child left care, placement ended) stay in the denominator as not on time.")

KPIS = [
    Kpi(
        id="care_plan_reviewed", title="Children with a care plan and reviews up to date", area=AREA,
        unit="percent", polarity="higher", target=100.0, target_basis='seed ¶2.6: the target for a care plan in place and reviewed is 100%', frequency="monthly",
        source="CPPCR 2010 reg 4 (care plan within 10 working days) and reg 33 (reviews).",
        method=("Of children looked after on D whose current period of care began at least 10 working "
                "days before D (D is on/after period start + 10 working days): those with a care plan "
                "dated from the period start to D, and no REVIEW duty of the current period overdue on "
                "D (opened on/before D, due before D, not done by D, not closed by D)."),
        tables=("episodes", "care_plans", "reviews"), basis="children",
        rows=f"""
            WITH plans AS (
                -- each period's first care plan dated in it
                SELECT p.child_no, p.period_id, min(cp.plan_date) AS first_plan
                FROM cw_periods p JOIN care_plans cp ON cp.child = p.child AND cp.plan_date >= p.start_date
                     AND (p.end_date IS NULL OR cp.plan_date < p.end_date)
                GROUP BY ALL
            ), overdue AS (
                -- a REVIEW duty is overdue on D (opened on/before D, due before D, neither done nor
                -- closed by D) for D from since to until; most are met in time, never overdue (an
                -- empty span), and are left out before the join to the dates (and numbered)
                SELECT o.*, n.child_no FROM (
                    SELECT child, period_id, greatest(due + 1, opened) AS since,
                           least(coalesce(done, DATE '9999-12-31'), coalesce(closed, DATE '9999-12-31')) AS until
                    FROM cw_duties WHERE duty = 'REVIEW' AND due IS NOT NULL AND opened IS NOT NULL
                ) o JOIN cw_child_numbers n ON n.child = o.child WHERE since < until
            ), overdue_on AS (
                -- each span spread over the month keys it touches within the dates', joined to the
                -- dates on that integer, then held to its days: not a range join to every date
                SELECT DISTINCT kd.period_end, o.child_no, o.period_id
                FROM (SELECT o.*, unnest(range(greatest({month_key('o.since')}, b.first_key),
                                               least({month_key('o.until')}, b.last_key) + 1)) AS month_key
                      FROM overdue o, (SELECT min({month_key('period_end')}) AS first_key,
                                              max({month_key('period_end')}) AS last_key FROM kd) b) o
                JOIN (SELECT *, {month_key('period_end')} AS month_key FROM kd) kd USING (month_key)
                WHERE o.since <= kd.period_end AND o.until > kd.period_end
            )
            SELECT l.period_end, l.child AS key,
                   coalesce(p.first_plan <= l.period_end AND o.child_no IS NULL, false) AS counted,
                   l.period_start, l.wd_in_care AS working_days_in_care,
                   CASE WHEN p.first_plan <= l.period_end THEN p.first_plan END AS first_plan,
                   o.child_no IS NOT NULL AS review_overdue
            FROM cw_lac l LEFT JOIN plans p ON p.child_no = l.child_no AND p.period_id = l.period_id
                 LEFT JOIN overdue_on o ON o.period_end = l.period_end AND o.child_no = l.child_no AND o.period_id = l.period_id
            WHERE l.wd_in_care >= 10
        """,
    ),
    Kpi(
        id="reviews_on_time", title="Looked-after reviews on time", area=AREA, unit="percent",
        polarity="higher", target=100.0, target_basis="a statutory timescale (CPPCR reg 33), so 100%, the seed's expectation for plans and visits (¶2.5-2.6)", frequency="monthly",
        source="CPPCR 2010 reg 33: first review within 20 working days, second within 3 months, then 6-monthly.",
        method="REVIEW duties. " + TIMELY,
        tables=("episodes", "reviews"), basis="duties", rows=timeliness("REVIEW"),
    ),
    Kpi(
        id="visits_on_time", title="Social worker visits on time", area=AREA, unit="percent",
        polarity="higher", target=100.0, target_basis='seed ¶2.6: statutory visits in timescale, 100% as for care plans (89% Oct 2021, 93% Nov 2021)', frequency="monthly",
        source="CPPCR 2010 reg 28 (simplified as KPIS.md VISIT); virtual visits count only 2020-04-24 to 2021-09-30.",
        method="VISIT duties. " + TIMELY,
        tables=("episodes", "visits"), basis="duties", rows=timeliness("VISIT"),
    ),
    Kpi(
        id="permanence_plan_by_second_review", title="Permanence plan by the second review", area=AREA,
        unit="percent", polarity="higher", target=100.0, target_basis='seed ¶2.5: the indicator carries an expectation of 100%', frequency="monthly",
        source="Children Act 1989 guidance vol 2: permanence plan by the second review.",
        method=("Of children looked after on D whose current period of care has had its second review "
                "(the second distinct review date in the 903 Reviews table on/after the period start) "
                "on/before D: those with a permanence plan agreed from the period start up to and "
                "including that review's date."),
        tables=("episodes", "reviews", "permanence_plans"), basis="children",
        # the periods' second reviews (sql.SECOND_REVIEWS), a table the engine builds once per run:
        # drift_no_permanence_plan reads these rows too
        rows="""
            SELECT l.period_end, l.child AS key, s.planned AS counted, s.start_date AS period_start,
                   s.review AS second_review, s.first_agreed AS permanence_plan_agreed
            FROM cw_lac l JOIN cw_second_reviews s ON s.child_no = l.child_no AND s.period_id = l.period_id
                 AND s.review <= l.period_end
        """,
    ),
    Kpi(
        id="children_in_permanent_placement", title="Children in a confirmed permanent placement",
        area=AREA, unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local permanence panel confirmations (local extract permanence_plans.CONFIRMED).",
        method=("Children looked after on D with a permanence confirmation dated on/before D and no "
                "placement change since it: a confirmation dated from the start of their current placement "
                "(the latest placement of the current period starting on/before D) up to D."),
        tables=("episodes", "permanence_plans"), basis="children",
        rows="""
            WITH pl AS (
                SELECT child, child_no, period_id, start_date,
                       -- partitioned by the child's number: sorted on integers, not the id
                       lead(start_date) OVER (PARTITION BY child_no, period_id ORDER BY start_date) AS next_start
                FROM cw_placements
            ), confirmed AS (
                -- each placement's first confirmation on/after its start
                SELECT pl.child_no, pl.period_id, pl.start_date, pl.next_start, min(pp.confirmed) AS first_confirmed
                FROM pl JOIN permanence_plans pp ON pp.child = pl.child AND pp.confirmed >= pl.start_date
                GROUP BY ALL
            )
            -- the current placement (the latest of the period starting on/before D) confirmed by D
            SELECT l.period_end, l.child AS key, true AS counted, c.start_date AS placement_start,
                   c.first_confirmed AS confirmed
            FROM cw_lac l JOIN confirmed c
                ON c.child_no = l.child_no AND c.period_id = l.period_id AND c.start_date <= l.period_end
               AND (c.next_start IS NULL OR c.next_start > l.period_end) AND c.first_confirmed <= l.period_end
        """,
    ),
    Kpi(
        id="permanence_meetings_12m", title="Permanence planning meetings in the last 12 months",
        area=AREA, unit="count", polarity=None, target=None, frequency="monthly",
        source="Local extract permanence_meetings.",
        method="Permanence planning meeting rows dated in the 12 months to D, (D - 12 months, D].",
        tables=("permanence_meetings",),
        basis="events",
        rows=listed(not_quarantined("permanence_meetings", "*"),
                    in_12_months_keyed("s.meeting_date"),
                    row_key("s", "child", "meeting_date"), "s.child, s.meeting_date", dates=KD_12_MONTHS),
    ),
]
