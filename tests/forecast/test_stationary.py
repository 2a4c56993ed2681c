"""A model fitted to a simulated stationary process recovers its rates, and its 80% interval holds
somewhat more than 80% of that process's simulated futures (it also carries the rates' uncertainty),
but not nearly all of them."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from carewatch.derive import derive_periods_and_placements
from carewatch.forecast.model import fit
from carewatch.forecast.simulate import percentiles, simulate
from carewatch.forecast.states import GROUPS, OUT, load_history, month_days, state_index
from duties.cohort import new_snapshot

FOST, RES = state_index(2, GROUPS.index("fostering")), state_index(2, GROUPS.index("residential"))
# true daily rates: fostering -> residential, fostering -> out, residential -> fostering, -> out
TRUE = {(FOST, RES): 0.002, (FOST, OUT): 0.004, (RES, FOST): 0.003, (RES, OUT): 0.005}
ENTRIES_PER_DAY = 1.0                      # all into fostering; steady state ~190 fostered, ~48 in homes
START, ORIGIN = date(2012, 1, 1), date(2019, 12, 31)
# 0 fostering, 1 residential, 2 out; row = from
P = np.array([[1 - 0.006, 0.002, 0.004], [0.003, 1 - 0.008, 0.005], [0, 0, 1]])
PLACE = np.array(["U4", "K2"])


def _episodes(rng: np.random.Generator) -> pl.DataFrame:
    """Children simulated day by day (vectorised over children) from START to ORIGIN; every change of
    state closes an episode (X1 to the other placement, E4A out of care) and opens the next."""
    state = np.zeros(0, dtype=np.int64)            # per child: 0, 1 or 2 (out)
    since = np.zeros(0, dtype=np.int64)            # day the current episode began
    rows = []
    days = (ORIGIN - START).days + 1
    for day in range(days):                         # days, not children
        live = np.flatnonzero(state < 2)
        u = rng.random(live.size)
        cum = np.cumsum(P[state[live]], axis=1)
        new = (u[:, None] > cum).sum(axis=1)
        moved = live[new != state[live]]
        if moved.size:
            rows.append((moved, since[moved], np.full(moved.size, day), state[moved], new[new != state[live]]))
            since[moved] = day
            state[moved] = new[new != state[live]]
        arrivals = rng.poisson(ENTRIES_PER_DAY)
        state = np.concatenate([state, np.zeros(arrivals, dtype=np.int64)])
        since = np.concatenate([since, np.full(arrivals, day)])
        rows.append((np.arange(state.size - arrivals, state.size), np.full(arrivals, day), np.full(arrivals, -1),
                     np.zeros(arrivals, dtype=np.int64), np.full(arrivals, -1)))
    ids, starts, ends, states, nxt = (np.concatenate(c) for c in zip(*rows))
    closed = pl.DataFrame({"child": ids, "start": starts, "end": ends, "state": states, "next": nxt}).filter(
        pl.col("end") >= 0)
    # the open episode of every child still looked after at ORIGIN
    still = np.flatnonzero(state < 2)
    open_ = pl.DataFrame({"child": still, "start": since[still], "end": np.full(still.size, -1),
                          "state": state[still], "next": np.full(still.size, -1)})
    eps = pl.concat([closed, open_])
    base = pl.lit(START)
    return eps.select(
        pl.format("C{}", pl.col("child")).alias("child"),
        (base + pl.duration(days=pl.col("start"))).alias("decom"),
        pl.when(pl.col("end") >= 0).then(base + pl.duration(days=pl.col("end"))).alias("dec"),
        pl.col("state").map_elements(lambda s: PLACE[s], return_dtype=pl.Utf8).alias("place"),
        pl.when(pl.col("end") < 0).then(None).when(pl.col("next") == 2).then(pl.lit("E4A"))
        .otherwise(pl.lit("X1")).alias("rec"),
    ), state


@pytest.fixture(scope="module")
def process():
    rng = np.random.default_rng(7)
    eps, final = _episodes(rng)
    con = new_snapshot()
    # aged 10 at the start of their first episode: no one reaches 16 before ORIGIN + 12 months
    first = eps.group_by("child").agg(pl.col("decom").min())
    header = first.select("child", (pl.col("decom") - pl.duration(days=3700)).alias("dob"))
    con.register("h", header)
    con.register("e", eps)
    con.execute("INSERT INTO header (child, dob, year) SELECT child, dob, 2020 FROM h")
    con.execute("""INSERT INTO episodes (child, decom, rne, ls, place, dec, rec, year, _row)
                   SELECT child, decom, 'P', 'C2', place, dec, rec, 2020, row_number() OVER () FROM e""")
    derive_periods_and_placements(con)
    history = load_history(con, date(2013, 1, 1), ORIGIN)
    return history, np.bincount(final[final < 2], minlength=2)


def test_rates_recovered(process):
    history, _ = process
    rates = fit(history, history.months - 1, 24)
    for (s, t), rate in TRUE.items():
        assert rates.moves[s, t] == pytest.approx(rate, rel=0.25), (s, t)
    assert rates.entries[0, FOST] == pytest.approx(ENTRIES_PER_DAY, rel=0.1)
    assert rates.entries.sum() == pytest.approx(rates.entries[0, FOST])
    # nothing else moves: no ageing, no other group
    assert rates.moves.sum() == pytest.approx(sum(rates.moves[s, t] for s, t in TRUE))


def test_interval_covers_about_80_percent_of_futures(process):
    history, stock = process
    assert history.stock[-1, 0, FOST] == stock[0] and history.stock[-1, 0, RES] == stock[1]
    days = month_days(date(2020, 1, 1), 12)
    p10, _, p90 = percentiles(simulate(history, history.months - 1, 24, days, sims=1000, seed=3).sum(axis=(2, 3)))
    # 2,000 futures of the true process, 366 days on from the same children (2020 is a leap year)
    rng = np.random.default_rng(11)
    counts = np.tile(np.append(stock, 0), (2000, 1))
    for _ in range(days.sum()):                     # days, not children
        moved = np.stack([rng.multinomial(counts[:, i], P[i]) for i in range(2)], axis=1).sum(axis=1)
        counts = moved + np.array([1, 0, 0]) * rng.poisson(ENTRIES_PER_DAY, size=(2000, 1))
    future = counts[:, :2].sum(axis=1)
    coverage = np.mean((future >= p10[-1]) & (future <= p90[-1]))
    # above 80% by design: these futures are drawn from the true rates, while the interval also
    # carries what 24 months leave unknown (the rates, the entry trend's standard error, the drift).
    # Over 97.5% would be an interval too wide to be called 80% (it was 95% before the trend kept its
    # standard error whole: docs/forecast.md, Intervals).
    assert 0.7 <= coverage <= 0.975, coverage
