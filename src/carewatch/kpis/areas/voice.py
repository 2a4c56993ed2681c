"""Voice and participation (KPIS.md; seed ¶3.2-3.5)."""
from ..model import Aggregate, Kpi
from ..sql import row_key

AREA = "Voice and participation"


def _events(condition: str) -> str:
    # COUNT blank = 1 event
    return f"""
        SELECT kd.period_end, {row_key('p', 'channel', 'event_date')} AS key, true AS counted, p.event_date,
               p.channel, coalesce(p.events, 1) AS events
        FROM kd JOIN participation p ON {condition}
    """


EVENTS = Aggregate(numerator="NULL", denominator="NULL", value="coalesce(sum(r.events), 0)",
                   text="the rows' COUNT summed")


KPIS = [
    Kpi(
        id="momo_uses", title="Mind of My Own statements this calendar year", area=AREA, unit="count",
        polarity="higher", target=None, frequency="monthly",
        source="Local extract participation (CHANNEL = MOMO).",
        method="Sum of COUNT (blank = 1) of MOMO participation rows dated from 1 January of D's year to D.",
        tables=("participation",),
        basis="events", aggregate=EVENTS, rows=_events("upper(p.channel) = 'MOMO' AND p.event_date BETWEEN kd.y_start AND kd.period_end"),
    ),
    Kpi(
        id="participation_events_12m", title="Participation in the last 12 months", area=AREA,
        unit="count", polarity="higher", target=None, frequency="monthly",
        source="Local extract participation (all channels).",
        method="Sum of COUNT (blank = 1) of participation rows of every channel dated in the 12 months to D.",
        tables=("participation",),
        basis="events", aggregate=EVENTS, rows=_events("p.event_date > kd.m12 AND p.event_date <= kd.period_end"),
    ),
]
