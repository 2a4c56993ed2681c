"""Periods of care and their 903 episodes, simulated for whole cohorts at once.

Each month a Poisson number of children starts to be looked after; each period of care gets an
age, a route out of care (home, special guardianship, adoption, long-term care to 18, other) and
the dates its route implies. Legal-status changes and placement moves are change points inside the
period; the episodes are the pieces between consecutive change points, so they are contiguous by
construction and joined by X1, and every change starts a new episode with the RNE it implies.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from carewatch.synth import days as D
from carewatch.synth.profiles import Profile, by_year

HOME, SGO, ADOPTION, TO_18, OTHER = range(5)
ROUTE_NAMES = ("RETURN_HOME", "SGO", "ADOPTION", "LONG_TERM_FOSTERING", "FAMILY_FRIENDS")

ETHNIC = ("WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
          "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNIC_WEIGHTS = (0.70, 0.005, 0.06, 0.005, 0.005, 0.03, 0.01, 0.015, 0.03, 0.01,
                  0.01, 0.005, 0.01, 0.01, 0.015, 0.005, 0.002, 0.04, 0.005, 0.003)
UASC_ETHNIC = ("BAFR", "AOTH", "OOTH", "BOTH")
# Real postcodes in the seven West Sussex districts (ONS Postcode Directory, as the DfE validator's
# lookup holds them), so distances and placement LAs derive as they would for a real return.
POSTCODES = ("BN14 9JU", "BN15 9BQ", "BN4 5FA", "BN42 4QB", "BN43 6LR", "BN11 1YA", "BN16 4GQ", "BN17 7UA",
             "PO21 1YW", "PO21 9EH", "BN18 0SS", "GU31 5PX", "PO19 1SG", "PO19 7BG", "PO20 2GN", "RH10 0AA",
             "RH10 2LN", "RH10 6HJ", "RH10 9NH", "RH11 7XB", "BN11 1LW", "RH12 1LJ", "RH12 5LJ", "RH13 6RF",
             "RH14 9NZ", "BN1 8YL", "RH15 0BN", "RH16 1PB", "RH16 9HB", "RH19 1TL", "BN11 1AA", "BN11 4BS",
             "BN12 4AD", "BN13 1RS", "BN14 7FA")

# Placement groups: who a placement is for decides the PLACE codes it can have.
(G_YOUNG, G_TEEN, G_OLDER, G_LONG_TERM, G_SGO_CARER, G_UASC_U16, G_UASC_16, G_ADOPTIVE,
 G_FFA) = range(9)
PLACE_BY_GROUP = {
    G_YOUNG: (("U6", "U3", "U4"), (0.74, 0.22, 0.04)),
    G_TEEN: (("U6", "U3", "K2"), (0.64, 0.12, 0.24)),
    G_OLDER: (("U6", "U3", "K2", "H5"), (0.42, 0.08, 0.16, 0.34)),
    G_LONG_TERM: (("U4", "U1", "K2"), (0.78, 0.15, 0.07)),
    G_SGO_CARER: (("U3", "U1", "U6"), (0.6, 0.2, 0.2)),
    G_UASC_U16: (("U6", "K2"), (0.8, 0.2)),
    G_UASC_16: (("H5", "U6", "K2"), (0.55, 0.35, 0.10)),
    G_ADOPTIVE: (("A6",), (1.0,)),
    G_FFA: (("U5", "U6"), (0.5, 0.5)),
}
PROVIDER_BY_PLACE = {
    "U1": (("PR1",), (1.0,)), "U3": (("PR1",), (1.0,)), "U5": (("PR1",), (1.0,)),
    "U4": (("PR1", "PR4"), (0.6, 0.4)), "U6": (("PR1", "PR4"), (0.55, 0.45)),
    "K2": (("PR1", "PR4", "PR5"), (0.15, 0.8, 0.05)), "H5": (("PR4", "PR5"), (0.7, 0.3)),
    "A5": (("PR1", "PR2", "PR5"), (0.6, 0.15, 0.25)), "A6": (("PR1", "PR2", "PR5"), (0.6, 0.15, 0.25)),
}
MOVE_REASONS = (("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "OTHER"),
                (0.34, 0.05, 0.02, 0.03, 0.01, 0.18, 0.12, 0.08, 0.07, 0.10))
OWN_HOMES = 6  # the council's own children's homes (residential events)
# placement moves per year in care by age at entry (under 5, 5-9, 10-15, 16+), before the
# profile's move intensity, and the gamma shape of the per-child frailty (smaller: moves more
# concentrated on a few children). Calibrated with the demo's curves to council 938's published
# placement stability (docs/synth.md).
MOVE_RATE = (0.5, 0.7, 1.3, 1.5)
MOVE_SHAPE = 1.0
MOVE_PEAK = 2.0
# the Permanence Panel: the share of children about to drift that it moves on, by month (none
# before it was set up in mid-2019); plans are agreed about the second review, PLAN_DAYS in
PERMANENCE_PANEL = {(2015, 4): 0.0, (2019, 6): 0.0, (2020, 6): 0.7, (2021, 3): 0.9}
PANEL_FROM = date(2019, 6, 1)
PANEL_BACKLOG_DAYS = 730
PLAN_DAYS = 45
# the share of the panel's reach that children waiting to go home see (their return
# depends on parents, less on the council)
HOME_SHARE = 0.8


@dataclass
class Care:
    """Every simulated period of care (one per child) and its episodes, plus what the local
    extract needs to know about them."""
    periods: pl.DataFrame
    episodes: pl.DataFrame
    as_of: int


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Identifiers such as ENQ000042: a prefix and a zero-padded number, for whole arrays."""
    digits = pl.Series(np.asarray(numbers, dtype=np.int64)).cast(pl.Utf8).str.zfill(width)
    return pl.select(pl.lit(prefix) + digits).to_series().alias("")


def _choice(rng: np.random.Generator, options: tuple, weights: tuple, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options)[rng.choice(len(options), size=n, p=p / p.sum())]


def _by_group(rng: np.random.Generator, groups: np.ndarray, table: dict) -> np.ndarray:
    """Draw a code for every row from the distribution of its group (a loop over groups, not rows)."""
    out = np.empty(len(groups), dtype=object)
    for g, (options, weights) in table.items():
        rows = np.flatnonzero(groups == g)
        out[rows] = _choice(rng, options, weights, len(rows))
    return out


def _lognormal_days(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.maximum(1, np.round(median * np.exp(sigma * rng.standard_normal(n)))).astype(np.int32)


def _entries(rng: np.random.Generator, profile: Profile, first_day: int, as_of: int) -> tuple[np.ndarray, np.ndarray]:
    """Start dates of every period of care and its council, month by month."""
    months = np.arange(D.month_index(np.array([first_day]))[0], D.month_index(np.array([as_of]))[0] + 1)
    month_start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    month_len = ((months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - month_start)
    cyear = (months - 3) // 12 + 1971
    calendar_month = months % 12 + 1
    annual = np.array([by_year(profile.starts_per_year, int(y)) for y in np.unique(cyear)])
    per_year = dict(zip(np.unique(cyear).tolist(), annual.tolist()))
    # more starts in autumn, fewer in August and December; the first lockdown cut starts by a
    # third in April–May 2020 and pushed them into the summer
    season = np.array([1.0, 1.0, 1.05, 0.95, 1.0, 1.05, 0.95, 0.85, 1.05, 1.1, 1.05, 0.95])[calendar_month - 1]
    lockdown = np.where(np.isin(months, [D.month_key(2020, 4), D.month_key(2020, 5)]), 0.67, 1.0)
    lockdown = np.where(np.isin(months, [D.month_key(2020, 7), D.month_key(2020, 8)]), 1.3, lockdown)
    lam = np.array([per_year[int(y)] for y in cyear]) / 12 * season * lockdown
    counts = rng.poisson(lam)
    start = np.repeat(month_start, counts) + (rng.random(counts.sum()) * np.repeat(month_len, counts)).astype(np.int64)
    start = np.minimum(start, as_of)
    n_la = len(profile.las)
    weights = np.asarray(profile.weights or (1.0,) * n_la, dtype=float)
    la = rng.choice(n_la, size=len(start), p=weights / weights.sum())
    order = np.lexsort((la, start))
    return start[order].astype(np.int32), la[order]


def simulate(profile: Profile, seed: int, as_of: date) -> Care:
    rng = np.random.default_rng(seed)
    asof = D.day(as_of)
    # simulate at least to the profile's own extract date, so that an earlier --as-of gives the
    # same children and episodes, only cut off sooner
    horizon = max(asof, D.day(profile.simulated_to or profile.default_as_of))
    first_day = D.day(date(profile.history_start.year - profile.burn_in_years, 4, 1))
    start, la = _entries(rng, profile, first_day, horizon)
    n = len(start)
    cyear = D.collection_year(start)

    # who comes into care ------------------------------------------------------------------------
    uasc_share = np.array([by_year(profile.uasc_share, int(y)) for y in range(1990, 2046)])[cyear - 1990]
    uasc = rng.random(n) < uasc_share
    # age at entry: under 1, 1–4, 5–9, 10–15, 16–17; from 2018-19 more teenagers came in (the
    # seed report's children "coming into care too late") and fewer young children
    band_p = np.where((cyear >= 2019)[:, None], [0.17, 0.14, 0.17, 0.38, 0.14], [0.20, 0.16, 0.19, 0.33, 0.12])
    age_band = (rng.random(n)[:, None] > band_p.cumsum(axis=1)).sum(axis=1)
    band_lo = np.array([0, 1, 5, 10, 16])[age_band] * 365.25
    band_hi = np.array([1, 5, 10, 16, 18])[age_band] * 365.25 - 30
    # a fifth of babies come into care within days of birth
    newborn = (age_band == 0) & (rng.random(n) < 0.2)
    age_days = np.where(newborn, rng.integers(0, 8, n), band_lo + rng.random(n) * (band_hi - band_lo))
    age_days = np.where(uasc, (14.5 + rng.random(n) * 3.3) * 365.25, age_days).astype(np.int32)
    dob = (start - age_days).astype(np.int32)
    sex = np.where(uasc, np.where(rng.random(n) < 0.93, 1, 2), rng.integers(1, 3, n))
    ethnic = np.where(uasc, _choice(rng, UASC_ETHNIC, (0.4, 0.25, 0.25, 0.1), n),
                      _choice(rng, ETHNIC, ETHNIC_WEIGHTS, n))
    cin = np.where(uasc, "N8", _choice(rng, ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"),
                                        (0.62, 0.03, 0.04, 0.08, 0.15, 0.03, 0.01, 0.04), n))
    b18 = D.birthday(dob, 18)
    age = age_days / 365.25

    # route out of care, by age --------------------------------------------------------------------
    route_p = np.select(
        [age < 2, age < 5, age < 10, age < 16],
        [0, 1, 2, 3], 4)
    route_table = np.array([
        [0.28, 0.18, 0.34, 0.15, 0.05],
        [0.38, 0.25, 0.12, 0.20, 0.05],
        [0.45, 0.15, 0.00, 0.35, 0.05],
        [0.45, 0.03, 0.00, 0.45, 0.07],
        [0.35, 0.00, 0.00, 0.60, 0.05],
    ])
    cum = route_table.cumsum(axis=1)[route_p]
    route = (rng.random(n)[:, None] > cum).sum(axis=1)
    route = np.where(uasc, TO_18, route)

    # dates the route implies ------------------------------------------------------------------------
    dur = np.select(
        [route == HOME, route == SGO, route == TO_18, route == OTHER],
        [_lognormal_days(rng, 195, 0.9, n), _lognormal_days(rng, 560, 0.35, n),
         np.where(rng.random(n) < 0.5, 40_000, _lognormal_days(rng, 1000, 0.6, n)),
         _lognormal_days(rng, 380, 0.8, n)], 0)
    placement_order = start + np.maximum(100, rng.normal(290, 70, n)).astype(np.int32)
    # DATE_PLACED, the decision to place for adoption: never before care began (DfE rule 1003)
    adm_decision = np.maximum(start + 1, placement_order - rng.integers(20, 120, n))
    match = placement_order + _lognormal_days(rng, 110, 0.6, n)
    placed_for_adoption = match + rng.integers(7, 40, n)
    adoption_order = placed_for_adoption + np.maximum(75, rng.normal(240, 70, n)).astype(np.int32)
    # the Permanence Panel (from mid-2019) acts on children drifting, more as it worked through its
    # backlog: a share of those about to cross a drift threshold move on soon after it. Its own
    # stream, so the rest of the council is drawn as before (docs/synth.md "Drift").
    panel_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    panel = D.monthly(PERMANENCE_PANEL)
    first_panel = D.day(PANEL_FROM)

    def review(due):
        """When the panel looks at a child whose drift begins on ``due``: then, or for a child
        already drifting when it began, some time in its first two years (the backlog)."""
        return np.maximum(due, first_panel + panel_rng.integers(0, PANEL_BACKLOG_DAYS, n))

    # a placement order 6 months old with no placement for adoption: placed within two months
    due = review(placement_order + 183)
    acts = (placed_for_adoption > due) & (panel_rng.random(n) < panel(due))
    shift = np.where(acts, np.minimum(0, due + panel_rng.integers(0, 60, n) - placed_for_adoption), 0)
    match, placed_for_adoption, adoption_order = match + shift, placed_for_adoption + shift, adoption_order + shift
    end = np.where(route == ADOPTION, adoption_order, start + dur).astype(np.int64)
    # a plan to go home or to a special guardian 9 months old (agreed about the second review):
    # the child leaves within three months
    due = review(start + PLAN_DAYS + 274)
    acts = (np.isin(route, [HOME, SGO]) & (end > due)
            & (panel_rng.random(n) < panel(due) * np.where(route == HOME, HOME_SHARE, 1.0)))
    end = np.where(acts, np.minimum(end, due + panel_rng.integers(0, 90, n)), end)
    aged_out = end >= b18
    end = np.minimum(end, b18).astype(np.int32)
    # long-term carers are identified about a year in (a move, or the same carer made long-term)
    long_term_from = start + np.maximum(120, rng.normal(340, 100, n)).astype(np.int32)
    # a long-term fostering plan 6 months old with the child not yet in a long-term placement: one
    # made within two months; for an unaccompanied child under 16 (who otherwise has none), the
    # foster placement confirmed as long-term (the same carer)
    due = review(start + PLAN_DAYS + 183)
    acts = ((long_term_from > due) | uasc) & (panel_rng.random(n) < panel(due))
    uasc_confirmed = acts & uasc & (due < D.birthday(dob, 16))
    long_term_from = np.where(acts, np.minimum(long_term_from, due + panel_rng.integers(0, 60, n)), long_term_from)
    long_term_same_carer = (rng.random(n) < 0.55) | uasc_confirmed
    adopted_by_foster_carer = rng.random(n) < 0.15

    rec = np.select(
        [route == HOME, route == SGO, route == ADOPTION, route == OTHER],
        [_choice(rng, ("E4A", "E4B", "E13"), (0.8, 0.15, 0.05), n),
         _choice(rng, ("E45", "E46", "E47", "E48"), (0.45, 0.15, 0.35, 0.05), n),
         _choice(rng, ("E11", "E12"), (0.75, 0.25), n),
         _choice(rng, ("E13", "E41", "E3", "E8"), (0.35, 0.3, 0.15, 0.2), n)],
        _choice(rng, ("E4A", "E41", "E8"), (0.6, 0.25, 0.15), n))
    rec = np.where(aged_out, _choice(rng, ("E17", "E5", "E6", "E8"), (0.3, 0.45, 0.1, 0.15), n), rec)

    # legal status change points ------------------------------------------------------------------
    court = np.select([route == ADOPTION, route == SGO, uasc], [0.97, 0.85, 0.0],
                      np.where(age < 10, 0.65, 0.35)) > rng.random(n)
    first_ls = np.where(court, "C1", "V2")
    # care proceedings end in a full care order about 26–40 weeks in, unless the route ends first
    care_order = start + np.maximum(120, rng.normal(260, 50, n)).astype(np.int32)
    has_care_order = court & np.isin(route, [HOME, TO_18, OTHER]) & (care_order < end)
    has_placement_order = (route == ADOPTION) & (placement_order < end)
    pid = np.arange(n, dtype=np.int32)
    ls_events = pl.DataFrame({
        "pid": np.concatenate([pid, pid[has_care_order], pid[has_placement_order]]),
        "date": np.concatenate([start, care_order[has_care_order], placement_order[has_placement_order]]),
        "ls": np.concatenate([first_ls, np.full(has_care_order.sum(), "C2"),
                              np.full(has_placement_order.sum(), "E1")]),
    })

    # placement change points -----------------------------------------------------------------------
    # moves draw from their own stream, so retuning them does not reshuffle the rest of the council
    move_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    # candidates to the horizon whatever the period's end (those after it are dropped), so the
    # moves do not change when a route's dates do
    years = np.maximum(0, horizon - start) / 365.25
    move_rate = np.select([age < 5, age < 10, age < 16], MOVE_RATE[:3], MOVE_RATE[3])
    # a few children move often (a gamma "frailty" of mean 1 per child): three placements in a year
    # come from them, as in real councils, not from everyone moving a little
    frailty = move_rng.gamma(MOVE_SHAPE, 1 / MOVE_SHAPE, n)
    intensity = D.monthly(profile.move_intensity)
    # drawn at a fixed peak rate and thinned, so retuning the curve at one date keeps the moves of
    # every other date (common random numbers)
    peak = max(MOVE_PEAK, *profile.move_intensity.values())
    moves = move_rng.poisson(move_rate * frailty * years * peak)
    move_pid = np.repeat(pid, moves)
    move_window_end = np.minimum(np.where(route == ADOPTION, placed_for_adoption, end), horizon)[move_pid]
    move_date = start[move_pid] + 1 + (move_rng.random(len(move_pid)) * np.maximum(
        0, horizon - start[move_pid] - 1)).astype(np.int32)
    # the move rate over time (thinning: a move drawn at the peak rate happens with the rate then)
    happens = move_rng.random(len(move_pid)) * peak < intensity(move_date)
    # long-term placements are more stable: most moves after one is made do not happen
    settled = ((route[move_pid] == TO_18) & (move_date > long_term_from[move_pid])
               & (move_rng.random(len(move_pid)) < D.monthly(profile.long_term_settled)(move_date)))
    keep = (move_date < move_window_end) & happens & ~settled
    move_pid, move_date = move_pid[keep], move_date[keep]
    adopt_rows = pid[(route == ADOPTION) & (placed_for_adoption < end)]
    lt_rows = pid[(route == TO_18) & (long_term_from < end) & (~uasc | uasc_confirmed)]
    sgo_rows = pid[(route == SGO) & (start + 60 < end - 120)]
    sgo_move = (end[sgo_rows] - rng.integers(120, 300, len(sgo_rows))).astype(np.int32)
    sgo_keep = sgo_move > start[sgo_rows]
    sgo_rows, sgo_move = sgo_rows[sgo_keep], sgo_move[sgo_keep]
    pl_events = pl.DataFrame({
        "pid": np.concatenate([pid, move_pid, adopt_rows, lt_rows, sgo_rows]),
        "date": np.concatenate([start, move_date, placed_for_adoption[adopt_rows],
                                long_term_from[lt_rows], sgo_move]),
        # 0 first placement, 1 move, 2 adoptive placement, 3 long-term placement, 4 SGO carer
        "kind": np.concatenate([np.zeros(n), np.ones(len(move_pid)), np.full(len(adopt_rows), 2),
                                np.full(len(lt_rows), 3), np.full(len(sgo_rows), 4)]).astype(np.int8),
    })
    periods = pl.DataFrame({
        "pid": pid, "la": np.asarray([c for c, _ in profile.las])[la], "start": start, "end": end,
        "dob": dob, "sex": sex, "ethnic": ethnic, "cin": cin, "uasc": uasc, "route": route,
        "rec": rec, "aged_out": aged_out, "b18": b18,
        "adm_decision": adm_decision.astype(np.int32), "placement_order": placement_order.astype(np.int32),
        "match": match.astype(np.int32), "placed_for_adoption": placed_for_adoption.astype(np.int32),
        "adopted_by_foster_carer": adopted_by_foster_carer, "long_term_from": long_term_from.astype(np.int32),
        "long_term_same_carer": long_term_same_carer,
        "home_post": _choice(rng, POSTCODES, (1.0,) * len(POSTCODES), n),
    }).with_columns(
        pl.col("start", "end", "dob", "b18", "adm_decision", "placement_order", "match",
               "placed_for_adoption", "long_term_from").cast(pl.Date),
        child=pl.col("la") + pl.col("pid").cast(pl.Utf8).str.zfill(7),
    )
    episodes = _episodes(rng, periods, ls_events, pl_events)
    return Care(periods=periods, episodes=episodes, as_of=asof)


def _episodes(rng: np.random.Generator, periods: pl.DataFrame, ls_events: pl.DataFrame,
              pl_events: pl.DataFrame) -> pl.DataFrame:
    p = periods.select("pid", "start", "end", "dob", "uasc", "route", "long_term_from",
                       "long_term_same_carer", "adopted_by_foster_carer", "home_post")
    pl_events = (pl_events.with_columns(pl.col("date").cast(pl.Date))
                 .sort("pid", "date", "kind").unique(["pid", "date"], keep="last", maintain_order=True)
                 .join(p, on="pid"))
    age = (pl.col("date") - pl.col("dob")).dt.total_days() / 365.25
    pl_events = pl_events.with_columns(group=(
        pl.when(pl.col("kind") == 2).then(G_ADOPTIVE)
        .when(pl.col("kind") == 4).then(G_SGO_CARER)
        .when(pl.col("uasc") & (age >= 16)).then(G_UASC_16)
        .when(pl.col("uasc")).then(G_UASC_U16)
        .when((pl.col("route") == TO_18) & (pl.col("date") >= pl.col("long_term_from"))).then(G_LONG_TERM)
        .when((pl.col("route") == ADOPTION) & (pl.col("kind") == 0) & (age < 1)).then(G_FFA)
        .when(age < 10).then(G_YOUNG).when(age < 16).then(G_TEEN).otherwise(G_OLDER)))
    groups = pl_events["group"].to_numpy()
    place = _by_group(rng, groups, PLACE_BY_GROUP)
    pl_events = pl_events.with_columns(place=pl.Series(place, dtype=pl.Utf8)).with_columns(
        prev_place=pl.col("place").shift(1).over("pid"))
    # the same carer: a foster placement made long-term (U6 -> U4, U3 -> U1), or adoption by the
    # child's foster carer (A5); the 903 records these as RNE T/U
    foster = pl.col("prev_place").is_in(["U4", "U5", "U6", "U1", "U3"])
    same_lt = (pl.col("kind") == 3) & pl.col("long_term_same_carer") & pl.col("prev_place").is_in(["U3", "U5", "U6"])
    same_adopt = (pl.col("kind") == 2) & pl.col("adopted_by_foster_carer") & foster
    pl_events = pl_events.with_columns(
        same_carer=same_lt | same_adopt,
        place=pl.when(same_adopt).then(pl.lit("A5"))
        .when(same_lt & pl.col("prev_place").is_in(["U3", "U1"])).then(pl.lit("U1"))
        .when(same_lt).then(pl.lit("U4")).otherwise(pl.col("place")),
    )
    place = pl_events["place"].to_numpy()
    provider = _by_group(rng, place, PROVIDER_BY_PLACE)
    # H5 placements need an Ofsted URN from 28 October 2023
    registered = (pl_events["date"] >= date(2023, 10, 28)).to_numpy()
    # the same carer (RNE T/U) keeps the address, provider and URN of the placement it continues;
    # carer_row points every row at the row that began its carer (rows are sorted by child and a
    # child's first placement is never "same carer")
    same = pl_events["same_carer"].to_numpy()
    carer_row = np.maximum.accumulate(np.where(same, 0, np.arange(len(place))))
    inherits = same & (place != "A5")
    provider = np.where(inherits, provider[carer_row], provider)
    # placement postcode: never the child's home (that is only for P1 placements), and a move is
    # to a new address, never the previous placement's
    home_idx = pl_events["home_post"].replace_strict(POSTCODES, list(range(len(POSTCODES)))).to_numpy()
    post_idx = (home_idx + rng.integers(1, len(POSTCODES), len(place))) % len(POSTCODES)
    same_child = np.r_[False, pl_events["pid"].to_numpy()[1:] == pl_events["pid"].to_numpy()[:-1]]
    for _ in range(10):
        final = post_idx[carer_row]
        clash = same_child & ~same & (final == np.r_[-1, final[:-1]])
        if not clash.any():
            break
        post_idx = np.where(clash, (post_idx + 1) % len(POSTCODES), post_idx)
        post_idx = np.where(post_idx == home_idx, (post_idx + 1) % len(POSTCODES), post_idx)
    post_idx = post_idx[carer_row]
    # Ofsted URNs: the council's own fostering service and homes, agencies' and private homes' URNs,
    # XXXXXXX for adoption agencies (RAAs); none for semi-independent (H5) placements. "" stands
    # for "none" until the episodes are built, so that only legal-status-only episodes inherit one.
    agency = np.char.add("SC", rng.integers(400_000, 400_060, len(place)).astype(str))
    home = np.char.add("SC", rng.integers(500_000, 500_400, len(place)).astype(str))
    own_home = np.char.add("SC", rng.integers(600_000, 600_000 + OWN_HOMES, len(place)).astype(str))
    urn = np.select([np.isin(place, ["A5", "A6"]), (place == "H5") & ~registered, (place == "K2") & (provider == "PR1"),
                     place == "K2",
                     provider == "PR1"], ["XXXXXXX", "", own_home, home, "SC" + "0" * 6], agency)
    urn = np.where(inherits, urn[carer_row], urn)
    reason = _choice(rng, *MOVE_REASONS, len(place))
    pl_events = pl_events.with_columns(
        place_provider=pl.Series(provider, dtype=pl.Utf8),
        pl_post=pl.Series(np.asarray(POSTCODES)[post_idx]),
        urn=pl.Series(urn, dtype=pl.Utf8),
        move_reason=pl.when(pl.col("kind").is_in([2, 4])).then(pl.lit("CARPL"))
        .when(pl.col("kind") == 3).then(pl.when(pl.col("same_carer")).then(pl.lit("PLACE")).otherwise(pl.lit("CARPL")))
        .otherwise(pl.Series(reason, dtype=pl.Utf8)),
        placement_seq=pl.int_range(pl.len()).over("pid"),
    )
    ls_events = ls_events.with_columns(pl.col("date").cast(pl.Date))
    points = (pl.concat([ls_events.select("pid", "date"), pl_events.select("pid", "date")])
              .unique().join(p.select("pid", "end"), on="pid").filter(pl.col("date") < pl.col("end"))
              .drop("end"))
    ep = (points.join(ls_events, on=["pid", "date"], how="left")
          .join(pl_events.select("pid", "date", "place", "place_provider", "pl_post", "urn", "same_carer",
                                 "move_reason", "placement_seq"), on=["pid", "date"], how="left")
          .sort("pid", "date")
          .with_columns(ls_changed=pl.col("ls").is_not_null(), pl_changed=pl.col("place").is_not_null())
          .with_columns(pl.col("ls", "place", "place_provider", "pl_post", "urn", "placement_seq")
                        .forward_fill().over("pid"))
          .join(periods.select("pid", "child", "end", "rec", "cin", "home_post"), on="pid"))
    first = (pl.col("pid") != pl.col("pid").shift(1)).fill_null(True)
    same = pl.col("same_carer").fill_null(False)
    ep = ep.with_columns(
        rne=pl.when(first).then(pl.lit("S"))
        .when(pl.col("ls_changed") & pl.col("pl_changed")).then(pl.when(same).then(pl.lit("U")).otherwise(pl.lit("B")))
        .when(pl.col("pl_changed")).then(pl.when(same).then(pl.lit("T")).otherwise(pl.lit("P")))
        .otherwise(pl.lit("L")),
        dec=pl.col("date").shift(-1).over("pid").fill_null(pl.col("end")),
    ).with_columns(
        # SGO to a former foster carer (E45/E46) needs a foster placement at the end
        rec=pl.when(pl.col("rec").is_in(["E45", "E46"]) & ~pl.col("place").is_in(["U1", "U2", "U3", "U4", "U5", "U6"]))
        .then(pl.col("rec").replace({"E45": "E47", "E46": "E48"})).otherwise("rec"),
    ).with_columns(
        rec_out=pl.when((pl.col("pid") == pl.col("pid").shift(-1)).fill_null(False)).then(pl.lit("X1")).otherwise(pl.col("rec")),
        reason_place_change=pl.when(pl.col("rne").shift(-1).over("pid").is_in(["P", "B", "T", "U"]))
        .then(pl.col("move_reason").shift(-1).over("pid")),
    )
    ep = ep.join(periods.select("pid", "uasc", "la"), on="pid").with_columns(
        urn=pl.when(pl.col("urn") == "SC000000").then(pl.lit("SC") + pl.col("la") + pl.lit("01"))
        .when(pl.col("urn") != "").then("urn"),
        # an unaccompanied child has no home address in England, hence no home postcode
        home_post=pl.when(~pl.col("uasc")).then("home_post"))
    return ep.select(
        "pid", "child", decom=pl.col("date"), rne="rne", ls="ls", cin="cin", place="place",
        place_provider="place_provider", dec="dec", rec=pl.col("rec_out"),
        reason_place_change="reason_place_change", home_post="home_post", pl_post="pl_post", urn="urn",
        placement_seq="placement_seq",
    )
