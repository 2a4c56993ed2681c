"""Time every indicator over a national-scale synthetic snapshot.

    uv run python benchmarks/bench_kpis.py [--looked-after 80000] [--years 10] [--threads 2]

Builds its own snapshot with numpy (no external data): periods of care arriving at a steady rate so
that about ``--looked-after`` children are in care on any day, each with episodes, placements,
reviews, health assessments, dental checks, care plans, missing episodes and the duties derive would
produce (visits every 6 weeks, reviews, health assessments, PEPs), then runs ``compute_all`` for
every month-end of ``--years`` years and prints the time and the peak memory (RSS) of the
process that computes (the snapshot is built in a child process, into a temporary DuckDB file). The figures are
recorded in docs/kpis.md (carewatch.kpis.catalogue.BENCHMARK_ROWS).
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from datetime import date
from importlib.resources import files
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from carewatch.calendar import calendar_frame
from carewatch.kpis import REGISTRY, compute_all
from carewatch.settings import DEFAULT

EPOCH = np.datetime64("1970-01-01", "D")
MEAN_STAY_DAYS = 900


def _days(values: np.ndarray) -> np.ndarray:
    return (EPOCH + values.astype("int64")).astype("datetime64[D]")


def _repeat_chain(rng, starts, ends, interval, jitter):
    """Events every ``interval`` (± jitter) days from each start until its end: (owner index, day)."""
    counts = np.maximum((ends - starts) // interval, 0)
    owner = np.repeat(np.arange(len(starts)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    day = starts[owner] + step * interval + rng.integers(-jitter, jitter + 1, owner.size)
    return owner, day


def build(con: duckdb.DuckDBPyConnection, looked_after: int, years: int, extract: date, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    end_day = (np.datetime64(extract) - EPOCH).astype(int)
    first_day = end_day - 365 * (years + 4)              # a run-in so the stock is steady over the history
    per_day = looked_after / MEAN_STAY_DAYS
    n = int(per_day * (end_day - first_day))
    start = np.sort(rng.integers(first_day, end_day, n))
    stay = rng.exponential(MEAN_STAY_DAYS, n).astype(int) + 1
    end = start + stay
    open_ = end > end_day
    child = np.char.add("C", np.arange(n).astype(str))
    dob = start - rng.integers(0, 17 * 365, n)
    rec = rng.choice(["E4A", "E11", "E45", "E8", "E13"], n, p=[.5, .1, .1, .2, .1])
    frame = lambda **cols: pl.DataFrame(cols)  # noqa: E731

    header = frame(child=child, sex="1", dob=_days(dob), year=2021)
    # placements: a move after about a year on average; each move is a new episode (RNE P)
    owner, move = _repeat_chain(rng, start, end, 400, 150)
    keep = move < np.minimum(end[owner], end_day)
    owner, move = owner[keep], move[keep]
    pl_child = np.concatenate([np.arange(n), owner])
    pl_start = np.concatenate([start, move])
    order = np.lexsort((pl_start, pl_child))
    pl_child, pl_start = pl_child[order], pl_start[order]
    last = np.r_[pl_child[1:] != pl_child[:-1], True]
    pl_end = np.where(last, end[pl_child], np.r_[pl_start[1:], 0])
    pl_id = np.arange(pl_child.size) - np.searchsorted(pl_child, pl_child) + 1
    place = rng.choice(["U4", "U6", "U1", "K2", "A6", "P1"], pl_child.size, p=[.45, .2, .15, .1, .05, .05])
    ls = rng.choice(["C2", "V2", "E1", "C1"], pl_child.size, p=[.6, .2, .1, .1])
    closed = pl_end <= end_day
    episodes = frame(child=child[pl_child], decom=_days(pl_start), rne=np.where(pl_id == 1, "S", "P"), ls=ls,
                     place=place, dec=pl.Series(_days(pl_end)).set(pl.Series(~closed), None),
                     rec=pl.Series(np.where(last, rec[pl_child], "X1")).set(pl.Series(~closed), None),
                     year=2021)
    periods = frame(child=child, period_id=1, start_date=_days(start),
                    end_date=pl.Series(_days(end)).set(pl.Series(open_), None),
                    end_rec=pl.Series(rec).set(pl.Series(open_), None),
                    short_breaks=False, first_ls="C2", episodes=1)
    placements = frame(child=child[pl_child], placement_id=pl_id, period_id=1, start_date=_days(pl_start),
                       end_date=pl.Series(_days(pl_end)).set(pl.Series(~closed), None), place=place,
                       first_place=place, pl_post=None)

    duty_frames, evidence = [], {}
    for duty, interval, jitter, late_share in [("VISIT", 42, 3, .1), ("REVIEW", 182, 10, .05),
                                                ("RHA", 365, 20, .15), ("PEP", 122, 0, .05)]:
        owner, due = _repeat_chain(rng, start, np.minimum(end, end_day + 120), interval, jitter)
        done = due + np.where(rng.random(owner.size) < late_share, rng.integers(1, 40, owner.size),
                              -rng.integers(0, 10, owner.size))
        done_or_null = pl.Series(_days(done)).set(pl.Series(done > end_day), None)
        duty_frames.append(frame(child=child[owner], duty=duty, seq=1, period_id=1, opened=_days(due - interval),
                                 due=_days(due), done=done_or_null, closed=None, team="T", worker="W"))
        evidence[duty] = (owner[done <= end_day], done[done <= end_day])
    iha_due = start + 28
    iha_done = iha_due + rng.integers(-20, 30, n)
    duty_frames.append(frame(child=child, duty="IHA", seq=1, period_id=1, opened=_days(start), due=_days(iha_due),
                             done=pl.Series(_days(iha_done)).set(pl.Series(iha_done > end_day), None),
                             closed=None, team="T", worker="W"))
    duties = pl.concat(duty_frames)
    r_owner, r_day = evidence["REVIEW"]
    h_owner, h_day = evidence["RHA"]
    reviews = frame(child=child[r_owner], dob=_days(dob[r_owner]), review=_days(r_day), review_code="PN1", year=2021)
    health = frame(child=child[h_owner], type="RHA", requested=None, completed=_days(h_day))
    dental = frame(child=child[h_owner], check_date=_days(h_day + 30))
    care_plans = frame(child=child, plan_date=_days(start + 5))
    m_rows = rng.random(n) < .1
    missing = frame(child=child[m_rows], dob=_days(dob[m_rows]), missing="M",
                    mis_start=_days(start[m_rows] + rng.integers(0, 300, m_rows.sum())), mis_end=None, year=2021)
    perm = frame(child=child, agreed=_days(start + 100), plan="LONG_TERM_FOSTERING", confirmed=_days(start + 400))
    population = frame(la="999", year=np.arange(extract.year - years - 1, extract.year + 1), age_0_17=11_000_000)
    cal = calendar_frame()

    con.execute(files("carewatch").joinpath("schema.sql").read_text())
    for name, df in [("header", header), ("episodes", episodes), ("periods", periods), ("placements", placements),
                     ("duties", duties), ("reviews", reviews), ("health_assessments", health),
                     ("dental_checks", dental), ("care_plans", care_plans), ("missing", missing),
                     ("permanence_plans", perm), ("population", population), ("calendar", cal)]:
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM df")
    con.execute("INSERT INTO meta VALUES ('tables_present', 'header,episodes,reviews,health_assessments,"
                "dental_checks,care_plans,missing,permanence_plans,population,visits,peps')")
    # the history covers `years` collection years
    con.execute("UPDATE episodes SET year = ?", [extract.year - years + 1])


def _build_file(path: str, looked_after: int, years: int, extract: date, threads: int) -> None:
    con = duckdb.connect(path)
    con.execute(f"SET threads = {threads}")
    build(con, looked_after, years, extract)
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--looked-after", type=int, default=80_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    extract = date(2021, 3, 31)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "snapshot.duckdb")
        # built in a child process, so the peak memory below is the indicator engine's alone
        t0 = time.perf_counter()
        builder = multiprocessing.get_context("spawn").Process(
            target=_build_file, args=(path, args.looked_after, args.years, extract, args.threads))
        builder.start()
        builder.join()
        built = time.perf_counter() - t0
        con = duckdb.connect(path)
        con.execute(f"SET threads = {args.threads}")
        rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("periods", "episodes", "placements", "duties")}
        t0 = time.perf_counter()
        compute_all(con, DEFAULT, extract)
        elapsed = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cla, months = con.execute("SELECT max(value) FILTER (WHERE period_end = ?), count(*) FROM kpi_values "
                                  "WHERE id = 'cla_count'", [extract]).fetchone()
        con.close()
    print(f"built in {built:.1f} s: {rows}")
    print(f"looked after at {extract}: {int(cla):,}; month-ends: {months}; indicators: {len(REGISTRY)}")
    print(f"compute_all: {elapsed:.1f} s on {args.threads} threads; peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
