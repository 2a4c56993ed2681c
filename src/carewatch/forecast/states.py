"""States of the demand model and the monthly history they are fitted from (docs/forecast.md).

A child looked after is in one *state*: an age band x a placement group. Each group's PLACE codes
are listed once, here (DOMAIN.md A2); a code not listed (blank, or a code new to the 903) is
`other`. Leaving care, and turning 18, is the state `out`.

Everything is one set-based pass in DuckDB over the episodes the indicators use (the indicator
engine's helper views: short breaks V3/V4 and quarantined children left out), cut into *pieces*
at the age-band birthdays; the pieces are then summed per calendar month into small numpy arrays:

- ``exposure[m, s]``: child-days spent in state ``s`` during month ``m`` (a child is in a state
  from DECOM up to the day before DEC, as "looked after on D" is DECOM <= D < DEC);
- ``moves[m, s, t]``: changes of state on a day of month ``m`` (another group, the next age band,
  or ``out``: the period of care ended, or the child turned 18);
- ``entries[m, k, s]``: periods of care starting in month ``m`` by stream ``k`` (0 other, 1 UASC)
  and the state they start in;
- ``stock[m, k, s]``: children looked after at the end of month ``m``.

Month ``m`` holds the days after one month-end up to and including the next, so the stock at one
month-end, the moves and entries of the next month and its stock agree exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import polars as pl

from carewatch import calendar

from carewatch.kpis.engine import _HELPERS as INDICATOR_HELPERS  # the cohort every indicator uses

from .groups import GROUP_CODES, GROUP_TITLES, GROUPS  # noqa: F401 - re-exported

#: age bands: (label, first age, age the band ends at); the last band ends at 18, leaving care
BANDS = (("0-4", 0, 5), ("5-9", 5, 10), ("10-15", 10, 16), ("16-17", 16, 18))
STREAMS = ("other", "uasc")
N_GROUPS, N_BANDS = len(GROUPS), len(BANDS)
N_STATES = N_GROUPS * N_BANDS          # state s = band * N_GROUPS + group
OUT = N_STATES                         # index of `out` among destinations


def state_index(band: int, group: int) -> int:
    return band * N_GROUPS + group


def _group_case(column: str) -> str:
    arms = " ".join(f"WHEN {column} IN ({', '.join(repr(c) for c in codes)}) THEN {i}"
                    for i, (g, codes) in enumerate(GROUP_CODES.items()) if g != "other")
    return f"CASE {arms} ELSE {GROUPS.index('other')} END"


_BANDS_SQL = " UNION ALL ".join(f"SELECT {i} AS band, {lo} AS lo, {hi} AS hi" for i, (_, lo, hi) in enumerate(BANDS))

# one row per piece of an episode inside one age band, with the state change at its end (if any)
_PIECES = f"""
CREATE OR REPLACE TEMP TABLE fc_pieces AS
WITH uasc_duc AS (  -- the latest collection year's row decides the DUC, as the uasc_count indicator
    SELECT child, arg_max_null(duc, coalesce(year, 0)) AS duc FROM uasc GROUP BY child
), eps AS (
    SELECT e.child, e.decom, e.dec, {_group_case('e.place')} AS grp, p.period_id,
           p.start_date AS period_start, d.dob, u.child IS NOT NULL AS uasc, u.duc
    FROM cw_eps e
    JOIN cw_periods p ON p.child = e.child AND e.decom >= p.start_date
         AND (p.end_date IS NULL OR e.decom < p.end_date)
    JOIN cw_dob d ON d.child = e.child
    LEFT JOIN uasc_duc u ON u.child = e.child
    WHERE e.dec IS NULL OR e.dec > e.decom
), chained AS (
    SELECT *,
           lead(grp) OVER w AS next_grp, lead(decom) OVER w AS next_decom
    FROM eps WINDOW w AS (PARTITION BY child, period_id ORDER BY decom)
), segs AS (
    SELECT *,
           -- the group the child is in from DEC: the next episode's, or -1 (out of care)
           CASE WHEN dec IS NULL THEN NULL WHEN next_decom = dec THEN next_grp ELSE -1 END AS grp_after
    FROM chained
)
SELECT s.child, s.uasc, s.duc, s.decom = s.period_start AS is_entry, s.decom, b.band, s.grp,
       greatest(s.decom, (s.dob + to_years(b.lo))::DATE) AS start_d,
       least(coalesce(s.dec, DATE '9999-12-31'), (s.dob + to_years(b.hi))::DATE) AS end_d,
       (s.dob + to_years(b.hi))::DATE AS band_end, s.dec, s.grp_after
FROM segs s JOIN ({_BANDS_SQL}) b
  ON s.decom < (s.dob + to_years(b.hi))::DATE
 AND coalesce(s.dec, DATE '9999-12-31') > (s.dob + to_years(b.lo))::DATE
"""

# the state after each piece's end: the next band (turning 5, 10, 16; out at 18) or the episode's
# own change; -1 when nothing changes (same group and band) or the piece is still open
_EVENTS = f"""
CREATE OR REPLACE TEMP TABLE fc_events AS
SELECT end_d AS event_d, band * {N_GROUPS} + grp AS s,
       CASE WHEN end_d = dec AND grp_after = -1 THEN {OUT}
            WHEN end_d = band_end AND band = {N_BANDS - 1} THEN {OUT}
            WHEN end_d = band_end THEN (band + 1) * {N_GROUPS} + CASE WHEN end_d = dec THEN grp_after ELSE grp END
            WHEN grp_after <> grp THEN band * {N_GROUPS} + grp_after
            ELSE -1 END AS t
FROM fc_pieces WHERE end_d < DATE '9999-12-31'
"""


@dataclass
class History:
    """Monthly arrays from the first month of the history to the last complete month."""
    first_month: date            # first day of month 0
    days: np.ndarray             # [M] days in each month
    exposure: np.ndarray         # [M, S] child-days
    moves: np.ndarray            # [M, S, S+1] changes of state
    entries: np.ndarray          # [M, K, S] periods of care starting
    stock: np.ndarray            # [M, K, S] looked after at the month-end

    @property
    def months(self) -> int:
        return self.days.shape[0]

    def month_end(self, m: int) -> date:
        return month_end(self.first_month, m)

    def totals(self) -> np.ndarray:
        """Children looked after at each month-end."""
        return self.stock.sum(axis=(1, 2))


def month_end(first_month: date, m: int) -> date:
    """The last day of the ``m``-th month after ``first_month`` (0: its own)."""
    return calendar.month_end(calendar.add_months(first_month, m))


def month_days(first_month: date, months: int) -> np.ndarray:
    return np.array([month_end(first_month, m).day for m in range(months)], dtype=np.int64)


def load_history(con: duckdb.DuckDBPyConnection, first_month: date, last_month_end: date) -> History:
    """The monthly arrays for months from ``first_month`` to the month ending ``last_month_end``."""
    con.execute(INDICATOR_HELPERS)
    con.execute(_PIECES)
    con.execute(_EVENTS)
    base = first_month.year * 12 + first_month.month - 1
    n = (last_month_end.year * 12 + last_month_end.month - 1) - base + 1
    days = month_days(first_month, n)
    params = {"first": first_month, "last": last_month_end}
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fc_months AS
        SELECT (year(m) * 12 + month(m) - 1) - $base AS mi, m::DATE AS m_start, last_day(m)::DATE AS m_end
        FROM generate_series($first::TIMESTAMP, $last::TIMESTAMP, INTERVAL 1 MONTH) g(m)
    """, params | {"base": base})
    exposure = np.zeros((n, N_STATES))
    moves = np.zeros((n, N_STATES, N_STATES + 1))
    entries = np.zeros((n, len(STREAMS), N_STATES))
    stock = np.zeros((n, len(STREAMS), N_STATES))
    exp = con.sql(f"""
        SELECT m.mi, p.band * {N_GROUPS} + p.grp AS s,
               sum(datediff('day', greatest(p.start_d, m.m_start), least(p.end_d, m.m_end + 1)))::DOUBLE AS days
        FROM fc_pieces p JOIN fc_months m ON p.start_d <= m.m_end AND p.end_d > m.m_start
        WHERE p.start_d < p.end_d GROUP BY ALL
    """).pl()
    np.add.at(exposure, (exp["mi"].to_numpy(), exp["s"].to_numpy()), exp["days"].to_numpy())
    ev = con.sql(f"""
        SELECT (year(event_d) * 12 + month(event_d) - 1) - $base AS mi, s, t, count(*) AS n
        FROM fc_events WHERE t >= 0 AND event_d BETWEEN $first AND $last GROUP BY ALL
    """, params=params | {"base": base}).pl()
    np.add.at(moves, (ev["mi"].to_numpy(), ev["s"].to_numpy(), ev["t"].to_numpy()), ev["n"].to_numpy())
    ent = con.sql(f"""
        SELECT (year(start_d) * 12 + month(start_d) - 1) - $base AS mi,
               (uasc AND (duc IS NULL OR duc > start_d))::INT AS k, band * {N_GROUPS} + grp AS s, count(*) AS n
        FROM fc_pieces WHERE is_entry AND start_d BETWEEN $first AND $last AND start_d < end_d
          AND start_d = decom  -- the piece the period starts in (a child 18 or over at DECOM has none)
        GROUP BY ALL
    """, params=params | {"base": base}).pl()
    st = con.sql(f"""
        SELECT m.mi, (p.uasc AND (p.duc IS NULL OR p.duc > m.m_end))::INT AS k,
               p.band * {N_GROUPS} + p.grp AS s, count(*) AS n
        FROM fc_pieces p JOIN fc_months m ON p.start_d <= m.m_end AND p.end_d > m.m_end
        GROUP BY ALL
    """).pl()
    for frame, target in ((ent, entries), (st, stock)):
        if frame.height:
            np.add.at(target, (frame["mi"].to_numpy(), frame["k"].to_numpy(), frame["s"].to_numpy()),
                      frame["n"].to_numpy())
    for table in ("fc_pieces", "fc_events", "fc_months"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return History(first_month, days, exposure, moves, entries, stock)
