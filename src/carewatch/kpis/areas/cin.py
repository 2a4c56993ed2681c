"""Children in need and child protection (CIN census; KPIS.md; DOMAIN.md D)."""
from ..model import Kpi
from ..sql import KD_12_MONTHS, in_12_months_keyed, in_month, listed

AREA = "Children in need"

# referrals, one per child and referral date (a referral open across two census years counts once)
_REFERRALS = """(SELECT DISTINCT child, referral_date FROM cin_referrals
                 WHERE referral_date IS NOT NULL AND child NOT IN (SELECT child FROM cw_quarantine))"""
# plans, one per child and start date, with the largest NumberOfPreviousCPP recorded for it
_PLANS = """(SELECT child, start_date, max(end_date) AS end_date, max(previous_cpp) AS previous_cpp
             FROM cin_cp_plans WHERE start_date IS NOT NULL AND child NOT IN (SELECT child FROM cw_quarantine)
             GROUP BY child, start_date)"""

REFERRAL = "concat_ws(':', s.child, s.referral_date)"
PLAN = "concat_ws(':', s.child, s.start_date)"

KPIS = [
    Kpi(
        id="referrals", title="Referrals to children's social care", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="CIN census CINreferralDate (DOMAIN.md D).",
        method=("Referrals (one per child and referral date, NFA included) with CINreferralDate in D's "
                "month (1st to D)."),
        tables=("cin_referrals",), basis="events",
        rows=listed(_REFERRALS, in_month("s.referral_date"), REFERRAL, "s.child, s.referral_date"),
    ),
    Kpi(
        id="re_referrals_pct", title="Re-referrals within 12 months", area=AREA, unit="percent",
        polarity="lower", target=None, frequency="monthly",
        source="DfE re-referrals measure (DOMAIN.md D); national 2024: 22%.",
        method=("Of referrals in D's month: those whose child's previous referral (in any census file "
                "imported) is dated on/after the referral date - 12 months ('within 12 months of' read as "
                "inclusive: a previous referral exactly 12 months earlier counts, unlike the (D - 12 months, D] "
                "windows of the counts, which are about the 12 months to a date). A child's first referral "
                "in the data counts as not a re-referral, so early months understate."),
        tables=("cin_referrals",),
        basis="events",
        rows=f"""
            WITH r AS (
                SELECT child, referral_date,
                       lag(referral_date) OVER (PARTITION BY child ORDER BY referral_date) AS previous
                FROM {_REFERRALS}
            )
            SELECT kd.period_end, {REFERRAL.replace('s.', 'r.')} AS key,
                   coalesce(r.previous >= (r.referral_date - INTERVAL 12 MONTH)::DATE, false) AS counted,
                   r.child, r.referral_date, r.previous AS previous_referral
            FROM kd JOIN r ON {in_month('r.referral_date')}
        """,
    ),
    Kpi(
        id="cp_plans", title="Children subject to a child protection plan", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="CIN census CPPstartDate / CPPendDate (DOMAIN.md D).",
        method="Children with a plan started on/before D and not ended on/before D (CPPendDate blank or after D).",
        tables=("cin_cp_plans",),
        basis="children",
        rows=listed(_PLANS, "s.start_date <= kd.period_end AND (s.end_date IS NULL OR s.end_date > kd.period_end)",
                    "s.child", "s.start_date, s.end_date", once="s.start_date DESC"),
    ),
    Kpi(
        id="cp_plan_starts", title="Child protection plans started", area=AREA, unit="count",
        polarity=None, target=None, frequency="monthly",
        source="CIN census CPPstartDate.",
        method="Plans (one per child and start date) with CPPstartDate in D's month (1st to D).",
        tables=("cin_cp_plans",), basis="events",
        rows=listed(_PLANS, in_month("s.start_date"), PLAN, "s.child, s.start_date, s.previous_cpp"),
    ),
    Kpi(
        id="cp_second_or_subsequent_pct", title="Second or subsequent child protection plans", area=AREA,
        unit="percent", polarity="lower", target=None, frequency="monthly",
        source="CIN census NumberOfPreviousCPP (DOMAIN.md D).",
        method=("Of plans starting in the 12 months to D, (D - 12 months, D]: those with "
                "NumberOfPreviousCPP of 1 or more (a blank counts as none)."),
        tables=("cin_cp_plans",),
        basis="events",
        rows=f"""
            SELECT kd.period_end, {PLAN.replace('s.', 'p.')} AS key, coalesce(p.previous_cpp >= 1, false) AS counted,
                   p.child, p.start_date, p.previous_cpp
            FROM {KD_12_MONTHS} kd JOIN {_PLANS} p ON {in_12_months_keyed('p.start_date')}
        """,
    ),
]
