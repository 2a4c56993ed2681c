"""Voice and participation (KPIS.md; seed ¶3.2-3.5)."""
from ..model import Kpi

AREA = "Voice and participation"


def _events(condition: str) -> str:
    # COUNT blank = 1 event
    return f"""
        SELECT kd.period_end, coalesce(sum(coalesce(p.events, 1)), 0) AS value
        FROM kd LEFT JOIN participation p ON {condition}
        GROUP BY kd.period_end
    """


KPIS = [
    Kpi(
        id="momo_uses", title="Mind of My Own statements this calendar year", area=AREA, unit="count",
        polarity="higher", target=None, frequency="monthly",
        source="Local extract participation (CHANNEL = MOMO).",
        method="Sum of COUNT (blank = 1) of MOMO participation rows dated from 1 January of D's year to D.",
        tables=("participation",),
        query=_events("upper(p.channel) = 'MOMO' AND p.event_date BETWEEN kd.y_start AND kd.period_end"),
    ),
    Kpi(
        id="participation_events_12m", title="Participation in the last 12 months", area=AREA,
        unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local extract participation (all channels).",
        method="Sum of COUNT (blank = 1) of participation rows of every channel dated in the 12 months to D.",
        tables=("participation",),
        query=_events("p.event_date > kd.m12 AND p.event_date <= kd.period_end"),
    ),
]
