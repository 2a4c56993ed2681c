"""Time derive_periods_and_placements + derive_duties on a large synthetic authority.

    uv run python benchmarks/bench_duties.py [--children 80000] [--years 10] [--seed 1]

The data is generated here with numpy (fast, crude, synthetic: no real children): each child has
a period of care of 1–8 episodes starting in the 10 years to the extract, some a second one; visits
roughly 6-weekly, reviews 6-monthly, yearly health and dental checks, termly PEPs, a care plan and a
permanence plan per period, pathway plans for the over-16s, allocations and pre-birth referrals.
Prints rows per table, seconds per step and peak resident memory (resource.getrusage).

Its data derives about 0.74 M duties, an eighteenth of the 13.4 M the `national` synthetic profile
derives on import (docs/benchmarks.md, "Deriving and indicators at national scale"): time that
import's stage lines for the national figure.
"""
from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

import carewatch
from carewatch.calendar import calendar_frame
from carewatch.derive import derive_periods_and_placements
from carewatch.duties import derive_duties
from carewatch.settings import DEFAULT

EXTRACT = date(2024, 3, 31)
EPOCH = np.datetime64("1970-01-01", "D")


def days(d: date) -> int:
    return int((np.datetime64(d, "D") - EPOCH).astype(int))


def as_dates(day_numbers: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    dates = day_numbers.astype("datetime64[D]")
    if missing is not None:
        dates = np.where(missing, np.datetime64("NaT", "D"), dates)
    return pl.Series(dates)


def events(rng, starts, ends, first_gap, gap, jitter):
    """Per group i, event days start+first_gap, then every gap±jitter days, while before ends[i]."""
    counts = np.maximum((ends - starts) // max(gap - jitter, 1) + 1, 1)
    group = np.repeat(np.arange(len(starts)), counts)
    gaps = rng.integers(gap - jitter, gap + jitter + 1, size=len(group))
    first = np.r_[0, np.cumsum(counts)[:-1]]
    gaps[first] = first_gap
    running = np.cumsum(gaps)
    offsets = running - np.repeat(running[first] - first_gap, counts)
    day = starts[group] + offsets
    keep = day < ends[group]
    return group[keep], day[keep]


def synthesise(n_children: int, years: int, seed: int) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    extract = days(EXTRACT)
    first_day = extract - 365 * years
    children = np.array([f"C{i:07d}" for i in range(n_children)])
    dob = first_day - rng.integers(0, 17 * 365, size=n_children)

    # periods: one per child, and a second for 15% (dropped where it would start after the extract)
    p_child = np.arange(n_children)
    p_start = rng.integers(np.maximum(first_day, dob), extract)
    n_eps = rng.integers(1, 9, size=n_children)
    second = rng.random(n_children) < 0.15
    p_child = np.r_[p_child, p_child[second]]
    n_eps = np.r_[n_eps, rng.integers(1, 5, size=second.sum())]

    # episodes: lengths 20–400 days; the second period starts 30–400 days after the first ends
    ep_period = np.repeat(np.arange(len(p_child)), n_eps)
    ep_len = rng.integers(20, 400, size=len(ep_period))
    first_in_period = np.r_[0, np.cumsum(n_eps)[:-1]]
    period_len = np.add.reduceat(ep_len, first_in_period)
    first_len = period_len[:n_children]
    p_start = np.r_[p_start, p_start[second] + first_len[second] + rng.integers(30, 400, size=second.sum())]
    before = np.cumsum(ep_len) - ep_len
    decom = p_start[ep_period] + before - before[first_in_period][ep_period]
    dec = decom + ep_len
    last_in_period = np.r_[first_in_period[1:] - 1, len(ep_period) - 1]
    keep = decom <= extract
    rne = rng.choice(np.array(["P", "L", "T", "B", "U"]), size=len(ep_period), p=[0.5, 0.15, 0.15, 0.1, 0.1])
    rne[first_in_period] = "S"
    place = rng.choice(np.array(["U4", "U6", "U1", "U3", "K2", "P1", "T1"]), size=len(ep_period),
                       p=[0.3, 0.25, 0.15, 0.1, 0.1, 0.08, 0.02])
    ls = rng.choice(np.array(["C2", "C1", "V2", "E1", "V3"]), size=len(ep_period), p=[0.55, 0.15, 0.2, 0.07, 0.03])
    rec = np.full(len(ep_period), "X1", dtype=object)
    rec[last_in_period] = "E4A"
    is_open = dec > extract
    episodes = pl.DataFrame({
        "child": children[p_child[ep_period]], "decom": as_dates(decom), "rne": rne, "ls": ls, "cin": "N1",
        "place": place, "place_provider": "PR1", "dec": as_dates(dec, is_open),
        "rec": np.where(is_open, None, rec), "reason_place_change": None, "home_post": "AB1",
        "pl_post": rng.choice(np.array(["AB1", "AB2", "CD1", "CD2"]), size=len(ep_period)), "urn": None,
        "year": 2024, "_file": "episodes.csv", "_row": np.arange(len(ep_period)) + 2,
    })
    episodes = episodes.filter(pl.Series(keep))

    period_end = np.minimum(p_start + period_len, extract)
    kept_period = p_start <= extract
    pc, ps, pe = p_child[kept_period], p_start[kept_period], period_end[kept_period]

    def per_period(first_gap, gap, jitter):
        g, day = events(rng, ps, pe, first_gap, gap, jitter)
        return children[pc[g]], as_dates(day), g

    v_child, v_day, _ = per_period(3, 40, 12)
    r_child, r_day, _ = per_period(18, 170, 30)
    h_child, h_day, h_group = per_period(15, 330, 60)
    dn_child, dn_day, _ = per_period(60, 340, 40)
    pep_child, pep_day, _ = per_period(40, 110, 20)
    n_v, n_p = len(v_day), len(ps)
    over16 = np.maximum(ps, dob[pc] + 16 * 365)
    pw_g, pw_day = events(rng, over16, np.maximum(pe, over16), 60, 170, 20)
    allocation_start = ps - rng.integers(0, 5, size=n_p)
    return {
        "header": pl.DataFrame({"child": children, "sex": "1", "dob": as_dates(dob), "year": 2024}),
        "episodes": episodes,
        "reviews": pl.DataFrame({"child": r_child, "review": r_day}),
        "visits": pl.DataFrame({"child": v_child, "visit_date": v_day, "seen": rng.random(n_v) < 0.97,
                                "virtual": rng.random(n_v) < 0.1}),
        "health_assessments": pl.DataFrame({
            "child": h_child, "completed": h_day,
            "type": np.where(np.r_[True, h_group[1:] != h_group[:-1]], "IHA", "RHA")}),
        "dental_checks": pl.DataFrame({"child": dn_child, "check_date": dn_day}),
        "peps": pl.DataFrame({"child": pep_child, "pep_date": pep_day}),
        "care_plans": pl.DataFrame({"child": children[pc], "plan_date": as_dates(ps + rng.integers(0, 20, size=n_p))}),
        "permanence_plans": pl.DataFrame({"child": children[pc],
                                          "agreed": as_dates(ps + rng.integers(60, 200, size=n_p))}),
        "pathway_plans": pl.DataFrame({"child": children[pc[pw_g]], "plan_date": as_dates(pw_day)}),
        "allocations": pl.DataFrame({"child": children[pc],
                                     "team": rng.choice(np.array(["North", "South", "East"]), size=n_p),
                                     "worker": np.char.add("W", rng.integers(0, 400, size=n_p).astype(str)),
                                     "start_date": as_dates(allocation_start),
                                     "end_date": as_dates(pe, pe >= extract)}),
        "pre_birth_assessments": pl.DataFrame({
            "case_id": [f"PB{i}" for i in range(n_children // 16)], "team": "Pre-birth",
            "referral_date": as_dates(rng.integers(first_day, extract, size=n_children // 16)),
            "completed": as_dates(rng.integers(first_day, extract, size=n_children // 16))}).with_columns(
                pl.max_horizontal("referral_date", "completed").alias("completed")),
    }


def load(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    con.execute((Path(carewatch.__file__).parent / "schema.sql").read_text())
    con.register("calendar_days", calendar_frame())
    con.execute("INSERT INTO calendar SELECT * FROM calendar_days")
    for name, frame in frames.items():
        con.register("frame", frame)
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
        con.unregister("frame")
    con.execute("INSERT INTO meta VALUES ('tables_present', ?)", [",".join(frames)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=80_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    frames = synthesise(args.children, args.years, args.seed)
    con = duckdb.connect()
    load(con, frames)
    t1 = time.perf_counter()
    for name in ("episodes", "visits", "reviews", "health_assessments", "dental_checks", "peps"):
        print(f"{name:>20}: {con.execute(f'SELECT count(*) FROM {name}').fetchone()[0]:>10,}")
    derive_periods_and_placements(con)
    t2 = time.perf_counter()
    derive_duties(con, DEFAULT, EXTRACT)
    t3 = time.perf_counter()
    for name in ("periods", "placements", "visit_placements", "duties"):
        print(f"{name:>20}: {con.execute(f'SELECT count(*) FROM {name}').fetchone()[0]:>10,}")
    print(f"synthesise + load: {t1 - t0:6.1f} s")
    print(f"periods/placements: {t2 - t1:6.1f} s")
    print(f"duties:             {t3 - t2:6.1f} s")
    print(f"derive total:       {t3 - t1:6.1f} s")
    print(f"peak RSS:           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2:6.2f} GB")


if __name__ == "__main__":
    main()
