"""The stock-and-flow model: daily rates fitted over a reference window, projected month by month.

Rates (per child-day) are the moves out of a state divided by the child-days spent in it over the
window; entry rates (per day) are the periods of care that started, by stream and starting state,
divided by the days in the window. A projected month of ``d`` days moves the stock by the daily
transition matrix raised to the power ``d``; the month's entries arrive, on average, mid-month, so
they move by half a month's matrix (``d // 2`` days) before the month-end is counted.

Uncertainty (carewatch.forecast.simulate) resamples blocks of the window's months and simulates
each child's moves; this module holds the arithmetic both share.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .states import N_STATES, OUT, History


@dataclass
class Rates:
    """Fitted rates. ``moves``: [..., S, S+1] per child-day (``out`` last); ``entries``: [..., K, S] per day."""
    moves: np.ndarray
    entries: np.ndarray
    window_months: int = 0
    exposure_days: np.ndarray = field(default_factory=lambda: np.zeros(0))
    entry_trend: tuple = ()        # simulate: per-simulation entry trend and its lever (months)


def window_slice(origin: int, window: int) -> slice:
    """The months of the reference window ending with month ``origin`` (its month-end is the origin)."""
    return slice(max(0, origin - window + 1), origin + 1)


def rates_from_sums(moves: np.ndarray, exposure: np.ndarray, entries: np.ndarray, days: np.ndarray) -> Rates:
    """Rates from summed counts: ``moves`` [..., S, S+1], ``exposure`` [..., S], ``entries`` [..., K, S],
    ``days`` [...] (days in the window). A state nobody spent a day in keeps its children (rate 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        move_rates = np.where(exposure[..., None] > 0, moves / exposure[..., None], 0.0)
    entry_rates = entries / np.asarray(days, dtype=float)[..., None, None]
    return Rates(move_rates, entry_rates, exposure_days=exposure)


def fit(history: History, origin: int, window: int) -> Rates:
    """Rates over the ``window`` months ending at month ``origin`` (only data up to that month-end)."""
    w = window_slice(origin, window)
    rates = rates_from_sums(history.moves[w].sum(0), history.exposure[w].sum(0),
                            history.entries[w].sum(0), history.days[w].sum())
    rates.window_months = w.stop - w.start
    return rates


def daily_matrix(move_rates: np.ndarray) -> np.ndarray:
    """[..., S+1, S+1] one-day transition probabilities; ``out`` is absorbing."""
    shape = move_rates.shape[:-2]
    p = np.zeros(shape + (N_STATES + 1, N_STATES + 1))
    p[..., :N_STATES, :] = move_rates
    idx = np.arange(N_STATES)
    # rates are per child-day; a daily probability cannot pass 1 (only a tiny window could do that)
    leaving = np.minimum(p[..., :N_STATES, :].sum(-1) - p[..., idx, idx], 1.0)
    scale = np.where(leaving > 0, np.minimum(1.0, 1.0 / np.maximum(leaving, 1e-12)), 1.0)
    p[..., :N_STATES, :] *= scale[..., None]
    p[..., idx, idx] = 1.0 - (p[..., :N_STATES, :].sum(-1) - p[..., idx, idx])
    p[..., OUT, OUT] = 1.0
    return p


def month_matrices(daily: np.ndarray, days: np.ndarray) -> dict[int, np.ndarray]:
    """The d-day matrices for months of ``days`` and their half months (d // 2), built from one
    another (P^15 = P^14 P, P^28 = P^14 P^14, ...) rather than each from scratch."""
    needed = sorted({int(d) for d in days} | {int(d) // 2 for d in days})
    powers = {0: np.broadcast_to(np.eye(daily.shape[-1]), daily.shape).copy(), 1: daily}
    for d in needed:
        if d in powers:
            continue
        half = d // 2
        if half not in powers:
            powers[half] = np.linalg.matrix_power(daily, half)
        powers[d] = powers[half] @ powers[half] if d % 2 == 0 else powers[half] @ powers[half] @ daily
    return {d: powers[d] for d in needed}


def project_mean(stock: np.ndarray, rates: Rates, days: np.ndarray) -> np.ndarray:
    """Expected stock [months, K, S] at each projected month-end from ``stock`` [K, S]."""
    powers = month_matrices(daily_matrix(rates.moves), days)
    out = np.zeros((len(days), stock.shape[0], N_STATES))
    current = stock.astype(float)
    for m, d in enumerate(days):  # months, not children: 36 small matrix products
        d = int(d)
        moved = current @ powers[d][:N_STATES, :N_STATES]
        arrived = (rates.entries * d) @ powers[d // 2][:N_STATES, :N_STATES]
        current = moved + arrived
        out[m] = current
    return out
