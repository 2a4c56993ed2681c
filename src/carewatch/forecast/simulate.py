"""Intervals by simulation: the reference window's months resampled, then each month's moves drawn.

Each simulated future first draws its own rates: the window's months are resampled in blocks of
consecutive months with replacement (a block bootstrap over the reference window, so a window with
a few unusual months, or a level that shifts within it, gives wider intervals), and the rates and
the entry trend are fitted from those months. It then moves the stock month by month: the children
in each state are split among the destinations by a multinomial draw with the month's transition
probabilities, and the month's entries are a negative binomial draw (as over-dispersed as the
window's months were) moved on by half a month. The 10th, 50th and 90th percentiles over the
simulations are the interval and the central projection. Loops run over months, never over children.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Rates, daily_matrix, month_matrices, rates_from_sums, window_slice
from .states import N_STATES, OUT, History

QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class Adjust:
    """What a scenario changes in the fitted rates (carewatch.forecast.scenarios builds these)."""
    entries_pct: float = 0.0                 # entries other than UASC, +/- per cent
    uasc_per_month: float | None = None      # UASC entries per month instead of the fitted rate
    move_from: int | None = None             # group index whose moves to ``move_to`` change ...
    move_to: int | None = None               # ... group index, or -1 for leaving care
    move_pct: float = 0.0                    # ... by this many per cent


def adjust(rates: Rates, change: Adjust | None, days_per_month: float = 365.25 / 12) -> Rates:
    """The rates with a scenario applied (works on one fit or a stack of simulated fits)."""
    if change is None:
        return rates
    from .states import N_BANDS, N_GROUPS, OUT
    moves, entries = rates.moves.copy(), rates.entries.copy()
    entries[..., 0, :] *= 1 + change.entries_pct / 100
    if change.uasc_per_month is not None:
        mix = entries[..., 1, :]
        total = mix.sum(-1, keepdims=True)
        # no UASC entries in the window: arrivals are 16-17 and fostered (the usual NTS placement)
        default = np.zeros(N_STATES)
        default[(N_BANDS - 1) * N_GROUPS] = 1.0
        share = np.where(total > 0, mix / np.where(total > 0, total, 1), default)
        entries[..., 1, :] = share * change.uasc_per_month / days_per_month
    if change.move_from is not None and change.move_to is not None:
        for band in range(N_BANDS):  # four bands: the same change in each
            s = band * N_GROUPS + change.move_from
            t = OUT if change.move_to < 0 else band * N_GROUPS + change.move_to
            moves[..., s, t] *= 1 + change.move_pct / 100
    return Rates(moves, entries, rates.window_months, rates.exposure_days, rates.entry_trend)


def bootstrap_rates(history: History, origin: int, window: int, sims: int,
                    rng: np.random.Generator) -> Rates:
    """``sims`` fits, each over the window's months resampled in blocks with replacement."""
    w = window_slice(origin, window)
    n = w.stop - w.start
    weights = np.zeros((sims, n))
    picks = block_picks(n, sims, rng)
    np.add.at(weights, (np.arange(sims)[:, None], picks), 1.0)
    moves = np.einsum("nw,wst->nst", weights, history.moves[w])
    exposure = weights @ history.exposure[w]
    entries = np.einsum("nw,wks->nks", weights, history.entries[w])
    days = weights @ history.days[w].astype(float)
    rates = rates_from_sums(moves, exposure, entries, days)
    # rates drift: the window's average holds at its middle, n / 2 months before the origin, and
    # rates wander from there as a random walk whose yearly step is the past year-on-year change.
    # (simulate draws the walk: entry rates scale the month's entries, leaving-care rates the
    # month's leavers).
    rates.window_months = n
    rates.entry_trend = entry_trend(weights, history.entries[w].sum(axis=(1, 2)), history.days[w].astype(float))
    return rates


def block_length(months: int) -> int:
    """Months per bootstrap block: n^(1/3) rounded, the usual rate for a block bootstrap of a mean
    (3 for a 24-month window)."""
    return max(1, round(months ** (1 / 3)))


def block_picks(n: int, sims: int, rng: np.random.Generator) -> np.ndarray:
    """[sims, n] month indices: a moving-block bootstrap, circular (a block running past the last
    month goes on from the first, so every month is drawn equally often on average). Months next to
    each other are alike when the level shifts within the window; blocks keep that, so the resampled
    rates vary as much as such a window warrants (months drawn one by one would vary too little)."""
    length = block_length(n)
    starts = rng.integers(0, n, size=(sims, -(-n // length)))
    return ((starts[:, :, None] + np.arange(length)) % n).reshape(sims, -1)[:, :n]


def entry_dispersion(entries: np.ndarray) -> float:
    """How over-dispersed monthly entries are: their month-to-month variance over their mean, at
    least 1 (1: Poisson). Half the variance of successive differences estimates a month's variance
    without the slow changes of level (the trend's part), so only month-to-month scatter counts."""
    if entries.size < 3 or entries.mean() <= 0:
        return 1.0
    return max(1.0, float(np.diff(entries).var(ddof=1)) / (2.0 * float(entries.mean())))


#: the entry trend is damped once projected: month k after the origin adds TREND_DAMPING ** k months
#: of it (a damped trend, the usual forecasting choice: a rise or fall slows rather than runs on)
TREND_DAMPING = 0.9
#: a guard for tiny councils: no entry trend steeper than 3% a month (about 40% a year)
MAX_TREND = 0.03


def entry_trend(weights: np.ndarray, entries: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each simulation's entry trend, from its resampled months: the relative change in entries per
    day per month (least squares over the months drawn, each month at its place in the window), and
    how many months the window's weighted middle lies before the origin.

    A trend no larger than its own bootstrap spread is mostly noise: the centre is shrunk by
    centre^2 / (centre^2 + spread^2) (centre: the median trend, spread: its standard deviation), so a
    clear rise is followed almost whole and a stationary council's central forecast is barely moved.
    Each simulation keeps its own distance from the centre: the trend's uncertainty (its bootstrap
    standard error) stays whole, as unsure a flat-looking window is whether entries are turning.
    """
    t = np.arange(entries.shape[0], dtype=float)
    per_day = entries / days
    total = weights.sum(-1)
    t_mid = weights @ t / total
    level = weights @ per_day / total
    dt = t[None, :] - t_mid[:, None]
    slope = (weights * dt * (per_day - level[:, None])).sum(-1) / np.maximum((weights * dt ** 2).sum(-1), 1e-12)
    trend = np.clip(np.where(level > 0, slope / np.where(level > 0, level, 1.0), 0.0), -MAX_TREND, MAX_TREND)
    centre, spread = float(np.median(trend)), float(trend.std())
    shrink = centre ** 2 / (centre ** 2 + spread ** 2) if spread > 0 else 1.0
    # month i of the window has its middle at i, so the origin (the end of month n - 1) is at n - 0.5
    return centre * shrink + (trend - centre), (entries.shape[0] - 0.5) - t_mid


def year_on_year_drift(history: History, origin: int, block: int = 12) -> tuple[float, float]:
    """How far rates move from one 12 months to the next beyond chance (entries per day, leaving
    care per child-day), over every month-end up to ``origin`` with 24 months behind it.

    The mean square change of the log rate, less what counting alone gives (a count of n events
    has a log with variance about 1/n, twice over for a change), floored at 0; its square root.
    """
    ends = np.arange(2 * block - 1, origin + 1)
    if ends.size == 0:
        return 0.0, 0.0
    cum = lambda a: np.concatenate([np.zeros((1,) + a.shape[1:]), np.cumsum(a, axis=0)])  # noqa: E731
    sums = [cum(history.entries.sum(axis=(1, 2))), cum(history.days.astype(float)),
            cum(history.moves[..., OUT].sum(axis=1)), cum(history.exposure.sum(axis=1))]

    def counted(num, last):  # events and exposure in the 12 months ending with month ``last``
        return num[last + 1] - num[last + 1 - block]

    drifts = []
    for num, den in ((sums[0], sums[1]), (sums[2], sums[3])):
        n_now, n_before = counted(num, ends), counted(num, ends - block)
        ok = (n_now > 0) & (n_before > 0)
        if not ok.any():
            drifts.append(0.0)
            continue
        change = np.log(n_now[ok] / counted(den, ends)[ok]) - np.log(n_before[ok] / counted(den, ends - block)[ok])
        noise = 1.0 / n_now[ok] + 1.0 / n_before[ok]
        drifts.append(float(np.sqrt(max(0.0, np.mean(change ** 2) - np.mean(noise)))))
    return drifts[0], drifts[1]


def simulate(history: History, origin: int, window: int, days: np.ndarray, *, sims: int = 500,
             seed: int = 0, change: Adjust | None = None, by_stream: bool = True) -> np.ndarray:
    """Simulated stock [sims, months, K, S] at each projected month-end after month ``origin``.

    ``by_stream=False`` pools UASC with other children (K = 1): the same totals, as both streams
    move at the same rates, for half the work (the backtest needs only totals)."""
    rng = np.random.default_rng(seed)
    rates = adjust(bootstrap_rates(history, origin, window, sims, rng), change)
    stock = history.stock[origin]
    if not by_stream:
        rates.entries = rates.entries.sum(axis=-2, keepdims=True)
        stock = stock.sum(axis=0, keepdims=True)
    movers = {d: _Movers(m) for d, m in month_matrices(daily_matrix(rates.moves), days).items()}
    current = np.broadcast_to(stock, (sims,) + stock.shape).astype(np.int64)
    out = np.zeros((sims, len(days)) + current.shape[1:], dtype=np.int64)
    sigma = np.array(year_on_year_drift(history, origin))[:, None]          # [2, 1]: entries, leaving
    # over-dispersed entries: a month's entries are Poisson with a gamma-distributed mean (mean 1,
    # variance (phi - 1) / the window's mean month), so their variance is phi times their mean
    monthly = history.entries[window_slice(origin, window)].sum(axis=(1, 2))
    phi = entry_dispersion(monthly)
    shape = monthly.mean() / (phi - 1.0) if phi > 1.0 else None
    walk = np.exp(sigma * np.sqrt(rates.window_months / 24) * rng.standard_normal((2, sims)))
    trend, months_on = rates.entry_trend                                   # [sims] each
    for m, d in enumerate(days):
        d = int(d)
        # entries arrive mid-month: the trend runs from the window's middle to this month's middle
        months_on = months_on + TREND_DAMPING ** (m + 1)
        level = np.exp(trend * (months_on - 0.5))
        walk *= np.exp(sigma * np.sqrt(d / 365.25) * rng.standard_normal((2, sims)))
        moved = movers[d].draw(rng, current, walk[1])
        burst = rng.gamma(shape, 1.0 / shape, size=sims) if shape else 1.0
        arrivals = rng.poisson(rates.entries * d * (walk[0] * level * burst)[:, None, None])
        arrived = movers[d // 2].draw(rng, arrivals, walk[1])
        current = moved + arrived
        out[:, m] = current
    return out


class _Movers:
    """Moves children [sims, K, S] by a d-day ``matrix`` [sims, S+1, S+1]; keeps those still in care.

    The same draw as a multinomial per state, done faster: how many leave each state is binomial,
    then each leaver picks a destination from the state's other probabilities (one uniform number
    per leaver, vectorised; a council's month moves a few children per state, so this is cheap).
    When there are more leavers than (state, destination) pairs (national scale), each state's
    leavers are split among destinations instead, one binomial per destination in turn (the
    multinomial drawn as conditional binomials): the same distribution, at a cost that does not
    grow with the number of children.
    """

    def __init__(self, matrix: np.ndarray):
        s = N_STATES
        idx = np.arange(s)
        self.leave_p = np.clip(1.0 - matrix[:, idx, idx], 0.0, 1.0)     # [sims, S]
        other = matrix[:, :s, :].copy()
        other[:, idx, idx] = 0.0
        cum = np.cumsum(other, axis=-1)
        self.cum = cum / np.where(cum[..., -1:] > 0, cum[..., -1:], 1.0)  # [sims, S, S+1]
        self.cum_out = 1.0 - self.cum[..., -2]                              # share of leavers leaving care
        # every row's cumulative probabilities shifted by its row number: one sorted array, so one
        # searchsorted finds every leaver's destination
        rows = self.cum.shape[0] * s
        self.flat_cum = (self.cum.reshape(rows, s + 1) + np.arange(rows)[:, None]).ravel()

    def draw(self, rng: np.random.Generator, counts: np.ndarray, leaving: np.ndarray | None = None) -> np.ndarray:
        """``leaving`` [sims]: a factor on leaving care (the drift); more leave, or some stay."""
        sims, k, s = counts.shape
        leave = rng.binomial(counts, np.broadcast_to(self.leave_p[:, None, :], counts.shape))
        result = counts - leave
        total = int(leave.sum())
        if total == 0:
            return result
        if total > leave.size * (s + 1):
            arrived, left = self._split(rng, leave)
        else:
            arrived, left = self._one_by_one(rng, leave, total)
        result = result + arrived
        if leaving is None:
            return result
        # the drift: a factor f under 1 keeps (1 - f) of those who left; over 1, (f - 1) times as
        # many again leave from those still in the state
        f = leaving[:, None, None]
        kept = rng.binomial(left, np.clip(1.0 - f, 0.0, 1.0))
        p_out = self.leave_p * self.cum_out                                # [sims, S] chance of leaving care
        stayed = counts - leave
        more = rng.binomial(stayed, np.clip(p_out[:, None, :] * (f - 1.0) / np.maximum(1.0 - self.leave_p[:, None, :], 1e-9), 0.0, 1.0))
        return result + kept - more

    def _one_by_one(self, rng: np.random.Generator, leave: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
        """Arrivals in each state and leavers of care from each state, [sims, K, S] each: every
        leaver draws a destination."""
        sims, k, s = leave.shape
        flat = np.repeat(np.arange(sims * k * s), leave.ravel())         # one entry per leaver
        sim_of, rest = np.divmod(flat, k * s)
        stream_of, state_of = np.divmod(rest, s)
        row = sim_of * s + state_of
        dest = np.searchsorted(self.flat_cum, row + rng.random(total), side="left") - row * (s + 1)
        keep = dest < s                                                   # leaving care counts nowhere
        arrived = np.bincount(((sim_of * k + stream_of) * s + dest)[keep], minlength=sims * k * s)
        left = np.bincount(flat[~keep], minlength=sims * k * s)
        return arrived.reshape(sims, k, s), left.reshape(sims, k, s)

    def _split(self, rng: np.random.Generator, leave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The same as ``_one_by_one``, drawn per destination: of the leavers not yet placed, those
        going to destination j are binomial with j's share of the probability not yet used."""
        sims, k, s = leave.shape
        share = np.diff(self.cum, axis=-1, prepend=0.0)[:, None]           # [sims, 1, S, S+1]
        rest, unused = leave.copy(), np.ones(share.shape[:-1])
        arrived = np.zeros((sims, k, s), dtype=np.int64)
        for j in range(s + 1):  # destinations, not children
            n = rng.binomial(rest, np.clip(share[..., j] / np.maximum(unused, 1e-12), 0.0, 1.0))
            n = rest if j == s else n                                     # leaving care: all that remain
            rest = rest - n
            unused = unused - share[..., j]
            if j < s:
                arrived[..., j] += n.sum(axis=-1)
        return arrived, n


def percentiles(values: np.ndarray) -> np.ndarray:
    """p10, p50, p90 over the first axis (simulations)."""
    return np.quantile(values, QUANTILES, axis=0)
