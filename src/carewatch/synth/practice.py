"""What social work practice leaves in the records while children are in care: reviews, visits,
health and dental checks, plans, PEPs, allocations, missing episodes.

Recurring events are *chains*: each event falls due a fixed interval after the one before and is
done on time with a probability that changes month by month (the improvement story of the seed
report). A chain is simulated for all its owners at once, one step per loop iteration.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl

from carewatch.synth import days as D
from carewatch.synth.care import ADOPTION, ROUTE_NAMES, SGO, TO_18, Care, numbered
from carewatch.synth.days import as_dates, monthly


# Month-by-month practice, shaped to the seed report (KPIS.md "seed" column).
IHA_ON_TIME = monthly({(2015, 4): 0.22, (2018, 6): 0.18, (2018, 12): 0.13, (2019, 6): 0.25, (2020, 6): 0.3,
                       (2020, 12): 0.32, (2021, 1): 0.36, (2021, 2): 0.42, (2021, 3): 0.32, (2021, 4): 0.45,
                       (2021, 5): 0.44, (2021, 6): 0.36, (2021, 7): 0.42, (2021, 8): 0.32, (2021, 9): 0.46,
                       (2021, 10): 0.36, (2021, 11): 0.36, (2022, 1): 0.5})
VISIT_ON_TIME = monthly({(2015, 4): 0.82, (2019, 4): 0.84, (2020, 4): 0.9, (2021, 9): 0.94, (2021, 10): 0.955,
                         (2021, 11): 0.99})
# virtual visits: none before the first lockdown, most visits in spring 2020, a few still made
# after the coronavirus amendment lapsed (30 September 2021), when they stopped counting
VIRTUAL_SHARE = monthly({(2020, 3): 0.0, (2020, 4): 0.55, (2020, 7): 0.35, (2021, 3): 0.25,
                         (2021, 9): 0.12, (2021, 10): 0.06, (2021, 11): 0.03, (2022, 3): 0.02})
# permanence plans by the second review: children who stay in care (the long-term routes) were
# planned for sooner than those going home or to family, and both improved from 2020
PERMANENCE_BY_SECOND_REVIEW = monthly({(2015, 4): 0.1, (2019, 6): 0.1, (2020, 8): 0.15, (2020, 10): 0.95,
                                       (2021, 4): 0.99})
PERMANENCE_BY_SECOND_REVIEW_STAYING = monthly({(2015, 4): 0.97, (2019, 6): 0.99, (2020, 8): 0.995, (2021, 4): 0.998})
# reviews: the winter 2020-21 lockdown left a backlog of late reviews, cleared by the summer
REVIEW_ON_TIME = monthly({(2015, 4): 0.85, (2020, 1): 0.88, (2020, 11): 0.88, (2020, 12): 0.65, (2021, 3): 0.65,
                          (2021, 5): 0.85, (2021, 10): 0.83, (2021, 11): 0.88})
REVIEW_LATE_DAYS = monthly({(2015, 4): 60, (2020, 11): 60, (2020, 12): 100, (2021, 3): 100, (2021, 5): 70})
# dental checks: practices closed in spring 2020 and the backlog took more than a year to clear
DENTAL_ON_TIME = monthly({(2015, 4): 0.7, (2020, 2): 0.72, (2020, 4): 0.1, (2021, 3): 0.15, (2021, 9): 0.45,
                          (2021, 11): 0.55})
DENTAL_LATE_DAYS = monthly({(2015, 4): 200, (2020, 2): 200, (2020, 4): 520, (2021, 3): 500, (2021, 11): 330})
# RHAs: mostly on time, but a late one is often months late (a child who declines, a GP backlog)
RHA_ON_TIME = monthly({(2015, 4): 0.8})
RHA_LATE_DAYS = 650
PEP_IN_TERM = monthly({(2015, 4): 0.85, (2019, 9): 0.92, (2021, 1): 0.95})


def systematic_share(rng: np.random.Generator, day: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Pick about ``share`` of each month's items (by ``day``) as systematic sampling does: in date
    order with one random offset per month, so every run of m items from the month's start holds
    m × share of them, give or take one. A monthly rate on 25–40 children then shows the month's
    practice, not the noise of a coin toss per child (and a part month at the extract date too)."""
    month = D.month_index(day)
    order = np.lexsort((day, month))
    month_sorted = month[order]
    first = np.r_[True, month_sorted[1:] != month_sorted[:-1]]
    group_first = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    position = np.arange(len(order)) - group_first
    offset = rng.random(len(order))[group_first]
    p = share[order]
    picked_sorted = np.floor((position + 1 + offset) * p) > np.floor((position + offset) * p)
    picked = np.empty(len(order), dtype=bool)
    picked[order] = picked_sorted
    return picked


def chain(rng: np.random.Generator, start: np.ndarray, stop: np.ndarray, first_due: np.ndarray,
          next_due: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
          on_time: Callable[[np.ndarray], np.ndarray], early: int,
          late: int | Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, ...]:
    """Events of recurring duties for many owners at once.

    Owner i's first event falls due at ``first_due[i]``; each later one at ``next_due(done, owners,
    step)``. An event is done on time with probability ``on_time(due)`` (up to ``early`` days before
    its due date) or late (1..``late`` days after; ``late`` may be a function of the due date).
    A chain ends at the first event after ``stop[i]``. Returns (owner, due, done, step) arrays of
    the events that happened.
    """
    owners = np.arange(len(start))
    due = first_due.astype(np.int64)
    prev = start.astype(np.int64)
    out_owner, out_due, out_done, out_step = [], [], [], []
    step = 0
    while len(owners):
        hit = rng.random(len(owners)) < on_time(due)
        latest = np.round(late(due)).astype(np.int64) if callable(late) else late
        done = np.where(hit, due - rng.integers(0, early + 1, len(owners)),
                        due + rng.integers(1, latest + 1, len(owners)))
        done = np.maximum(done, prev + 1)
        alive = done <= stop[owners]
        owners, due, done = owners[alive], due[alive], done[alive]
        out_owner.append(owners), out_due.append(due), out_done.append(done)
        out_step.append(np.full(len(owners), step))
        prev = done
        due = next_due(done, owners, step)
        step += 1
    cat = np.concatenate
    return cat(out_owner), cat(out_due).astype(np.int32), cat(out_done).astype(np.int32), cat(out_step)


#: local tables sent whatever their age (still in force), so with no history start of their own
KEPT_WHATEVER_THEIR_AGE = ("permanence_plans", "allocations", "life_story")


def records_from(history_start: date) -> date:
    """The first day of the local records the council sends: a year before the 903 history."""
    return D.to_date(D.day(history_start) - 366)


def local_history(history_start: date) -> dict[str, date]:
    """Where each local practice table's records begin, as the manifest states it (PEPs run by term
    from the 903 history start; the rest from records_from)."""
    cut = ("care_plans", "permanence_meetings", "health_assessments", "dental_checks", "visits", "pathway_plans")
    return {**{t: records_from(history_start) for t in cut}, "peps": history_start}


def practice(rng: np.random.Generator, care: Care, history_start: date) -> dict[str, pl.DataFrame]:
    """Every per-child local-extract table, plus the 903 Reviews and Missing rows (ISO dates)."""
    asof = care.as_of
    first_out = D.day(history_start)
    per = care.periods
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    dob = per["dob"].to_physical().to_numpy().astype(np.int64)
    route = per["route"].to_numpy()
    child = per["child"].to_numpy()
    stop = np.minimum(end, asof)
    # chains for periods that began long before the output are started near it, mid-rhythm
    warm = first_out - 400
    out: dict[str, pl.DataFrame] = {}
    # each part draws from its own stream, so retuning one part does not reshuffle the others
    (r_reviews, r_care_plans, r_permanence, r_meetings, r_health, r_dental, r_visits, r_peps, r_pathway,
     r_allocations, r_missing, r_confirmations, r_life_story) = rng.spawn(13)

    # reviews: 20 working days, then 3 months, then every 6 months ------------------------------------
    live = np.flatnonzero(stop >= warm)
    review_first = np.where(start[live] >= warm, D.add_working_days(start[live], 20),
                            warm + r_reviews.integers(0, 183, len(live)))
    old = start[live] < warm

    def review_next(done, owners, step):
        months = np.where((step == 0) & ~old[owners], 3, 6)
        return D.add_months(done, months).astype(np.int64)

    o, _, done, step = chain(r_reviews, start[live], stop[live], review_first, review_next, REVIEW_ON_TIME, 10,
                                REVIEW_LATE_DAYS)
    rows = live[o]
    review_step = np.where(old[o], step + 2, step)
    age_at = (done - dob[rows]) / 365.25
    code = np.where(age_at < 4, "PN0", r_reviews.choice(np.array(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]),
                                                  size=len(rows), p=[0.52, 0.12, 0.05, 0.05, 0.1, 0.12, 0.04]))
    reviews = as_dates(pl.DataFrame({"pid": rows, "child": child[rows], "dob": dob[rows], "review": done,
                                   "review_code": code, "review_step": review_step}), "dob", "review")
    out["reviews"] = reviews

    # care plans: within 10 working days of the start, then at every review -------------------------
    fresh = np.flatnonzero((start >= warm) & (start <= asof))
    ok = r_care_plans.random(len(fresh)) < 0.85
    first_plan = D.add_working_days(start[fresh], np.where(ok, r_care_plans.integers(1, 11, len(fresh)),
                                                           r_care_plans.integers(11, 35, len(fresh))))
    keep = first_plan <= stop[fresh]
    care_plans = pl.concat([
        as_dates(pl.DataFrame({"child": child[fresh[keep]], "plan_date": first_plan[keep]}), "plan_date"),
        reviews.select("child", plan_date="review"),
    ])
    out["care_plans"] = care_plans

    # permanence plans, agreed by the second review (more often as the service improved) ------------
    second = reviews.filter(pl.col("review_step") == 1)
    sec_pid = second["pid"].to_numpy()
    sec_day = second["review"].to_physical().to_numpy().astype(np.int64)
    staying = np.isin(route[sec_pid], [ADOPTION, TO_18, SGO])
    in_time = r_permanence.random(len(sec_pid)) < np.where(staying, PERMANENCE_BY_SECOND_REVIEW_STAYING(sec_day),
                                                  PERMANENCE_BY_SECOND_REVIEW(sec_day))
    agreed = np.where(in_time, np.maximum(start[sec_pid] + 1, sec_day - r_permanence.integers(0, 70, len(sec_pid))),
                      sec_day + r_permanence.integers(1, 90, len(sec_pid)))
    # children who arrived before the output began already have their plan
    old_pid = np.setdiff1d(live[start[live] < warm], sec_pid)
    pids = np.concatenate([sec_pid, old_pid])
    agreed = np.concatenate([agreed, start[old_pid] + r_permanence.integers(60, 200, len(old_pid))])
    # A period begun before the 903 history shows from its first episode open then, so its reviews
    # there start afresh: the plan in force carries the date it was last re-agreed, at the first
    # review the history holds (on/before the second one it shows).
    first_shown = (reviews.filter(pl.col("review") >= history_start).group_by("pid")
                   .agg(pl.col("review").min().to_physical()))
    shown_day = np.full(len(start), -1, dtype=np.int64)
    shown_day[first_shown["pid"].to_numpy()] = first_shown["review"].to_numpy()
    agreed = np.where((start[pids] < first_out) & (shown_day[pids] >= 0), shown_day[pids], agreed)
    keep = agreed <= stop[pids]
    pids, agreed = pids[keep], agreed[keep]
    age_now = (agreed - dob[pids]) / 365.25
    plan = np.asarray(ROUTE_NAMES)[route[pids]]
    plan = np.where((route[pids] == TO_18) & (age_now >= 15.5), "INDEPENDENCE", plan)
    confirmed = _confirmations(r_confirmations, care, pids, agreed)
    out["permanence_plans"] = as_dates(pl.DataFrame({"child": child[pids], "agreed": agreed, "plan": plan,
                                                   "confirmed": confirmed}), "agreed", "confirmed")

    # life story work for children whose plan is adoption, long-term fostering or SGO
    ls_rows = np.flatnonzero(np.isin(plan, ["ADOPTION", "LONG_TERM_FOSTERING", "SGO"])
                             & (r_life_story.random(len(plan)) < 0.75))
    book = agreed[ls_rows] + np.round(180 * np.exp(0.7 * r_life_story.standard_normal(len(ls_rows)))).astype(np.int64)
    letter = np.where((plan[ls_rows] == "ADOPTION") & (r_life_story.random(len(ls_rows)) < 0.8),
                      book + r_life_story.integers(0, 90, len(ls_rows)), -1)
    keep = book <= asof
    ls_frame = pl.DataFrame({"child": child[pids[ls_rows[keep]]], "book_date": book[keep],
                             "later_life_letter_date": letter[keep]})
    out["life_story"] = as_dates(ls_frame.with_columns(
        pl.when((pl.col("later_life_letter_date") >= 0) & (pl.col("later_life_letter_date") <= asof))
        .then(pl.col("later_life_letter_date"))), "book_date", "later_life_letter_date")

    # permanence planning meetings, about every five months ------------------------------------
    first_meeting = np.maximum(start[live], warm) + r_meetings.integers(20, 130, len(live))
    o, _, done, _ = chain(r_meetings, start[live], stop[live], first_meeting,
                          lambda d, owners, s: d + 150, lambda d: np.ones(len(d)), 30, 1)
    out["permanence_meetings"] = as_dates(pl.DataFrame({"child": child[live[o]], "meeting_date": done}), "meeting_date")

    # health: IHA within 20 working days (month-by-month), then RHAs every 6 / 12 months ----------------
    hit = systematic_share(r_health, start[fresh], IHA_ON_TIME(start[fresh]))
    iha = D.add_working_days(start[fresh], np.where(hit, r_health.integers(6, 21, len(fresh)),
                                                    r_health.integers(21, 75, len(fresh))))
    requested = D.add_working_days(start[fresh], r_health.integers(1, 6, len(fresh)))
    keep = iha <= stop[fresh]
    # requested but not yet done at the extract date: the request is on record, COMPLETED blank
    pending = (iha > asof) & (requested <= stop[fresh])
    pending_requests = as_dates(pl.DataFrame({"child": child[fresh[pending]], "type": "IHA",
                                              "requested": requested[pending]}), "requested")
    iha_rows, iha = fresh[keep], iha[keep]
    rha_owner = np.concatenate([iha_rows, live[start[live] < warm]])
    rha_anchor = np.concatenate([iha, warm + r_health.integers(0, 365, (start[live] < warm).sum())])

    def rha_next(done, owners, step):
        under5 = (done - dob[rha_owner[owners]]) < 5 * 365.25
        return D.add_months(done, np.where(under5, 6, 12)).astype(np.int64)

    o, _, done, _ = chain(r_health, rha_anchor, stop[rha_owner], rha_next(rha_anchor, np.arange(len(rha_owner)), 0),
                          rha_next, RHA_ON_TIME, 30, RHA_LATE_DAYS)
    out["health_assessments"] = pl.concat([
        as_dates(pl.DataFrame({"child": child[iha_rows], "type": "IHA", "requested": requested[keep],
                             "completed": iha}), "requested", "completed"),
        as_dates(pl.DataFrame({"child": child[rha_owner[o]], "type": "RHA",
                             "requested": done - r_health.integers(10, 40, len(o)), "completed": done}),
               "requested", "completed"),
        pending_requests.with_columns(completed=pl.lit(None, pl.Date)),
    ])

    # dental checks: yearly, delayed by the closure of dental practices in 2020 ----------------------
    o, _, done, _ = chain(r_dental, start[live], stop[live],
                          np.where(start[live] >= warm, start[live] + r_dental.integers(60, 330, len(live)),
                                   warm + r_dental.integers(0, 365, len(live))),
                          lambda d, owners, s: D.add_months(d, 12).astype(np.int64), DENTAL_ON_TIME, 100, DENTAL_LATE_DAYS)
    out["dental_checks"] = as_dates(pl.DataFrame({"child": child[live[o]], "check_date": done}), "check_date")

    out["visits"] = _visits(r_visits, care, warm)
    out["peps"] = _peps(r_peps, care, history_start)
    out["pathway_plans"] = _pathway_plans(r_pathway, care, warm)
    out["allocations"] = _allocations(r_allocations, care, warm)
    out["missing"] = _missing(r_missing, care, warm)
    # nothing after the extract date, nothing long before the history the council sends
    # (plans and allocations still in force are kept however old)
    for name, frame in out.items():
        first_col = next(c for c, t in frame.schema.items() if t == pl.Date and c != "dob")
        recent = pl.col(first_col) >= records_from(history_start)
        if name in KEPT_WHATEVER_THEIR_AGE:
            recent = pl.lit(True)
        out[name] = frame.filter((pl.col(first_col) <= D.to_date(asof)) & recent)
    return out


def _confirmations(rng: np.random.Generator, care: Care, pids: np.ndarray, agreed: np.ndarray) -> np.ndarray:
    """Permanence panel confirmation of a long-term placement: rare before the panel was set up in
    2019, then the backlog was worked through; none once the child has moved on."""
    per = care.periods
    lt_from = per["long_term_from"].to_physical().to_numpy().astype(np.int64)[pids]
    route = per["route"].to_numpy()[pids]
    uasc = per["uasc"].to_numpy()[pids]
    lt_end = _long_term_placement_end(care)[pids]
    panel = D.day(date(2019, 6, 1))
    candidate = np.maximum(agreed, lt_from) + np.round(90 * np.exp(0.6 * rng.standard_normal(len(pids)))).astype(np.int64)
    # the backlog worked through fastest in the first months (half of it by the end of July 2019)
    backlog = panel + (rng.random(len(pids)) ** 4 * (D.day(date(2021, 11, 15)) - panel)).astype(np.int64)
    candidate = np.where((candidate < panel) & (rng.random(len(pids)) < 0.85), np.maximum(candidate, backlog), candidate)
    eligible = (route == TO_18) & ~uasc
    ok = eligible & (candidate < lt_end) & (candidate <= care.as_of)
    return np.where(ok, candidate, -1)


def _long_term_placement_end(care: Care) -> np.ndarray:
    """Per period: the day the placement in force at `long_term_from` ended (period end if never)."""
    ep = care.episodes.join(care.periods.select("pid", "long_term_from", "end"), on="pid")
    moves = (ep.filter(pl.col("rne").is_in(["P", "B"]) & (pl.col("decom") > pl.col("long_term_from")))
             .group_by("pid").agg(pl.col("decom").min().alias("moved")))
    frame = care.periods.select("pid", "end").join(moves, on="pid", how="left").sort("pid")
    return frame.select(pl.coalesce("moved", "end")).to_series().to_physical().to_numpy().astype(np.int64)


def _visits(rng: np.random.Generator, care: Care, warm: int) -> pl.DataFrame:
    """Visits within a week of each new placement address, then every 6 weeks (3 months from the
    first year in long-term foster care)."""
    ep = care.episodes
    vp = (ep.with_columns(new=pl.col("rne").is_in(["S", "P", "B", "T", "U"]))
          .with_columns(vp=pl.col("new").cast(pl.Int32).cum_sum().over("pid"))
          .group_by("pid", "child", "vp", maintain_order=True).agg(pl.col("decom").min().alias("start"), pl.col("dec").max().alias("stop"),
                                              pl.col("place").first())
          .with_columns(pl.col("start", "stop").to_physical()))
    start = vp["start"].to_numpy().astype(np.int64)
    stop = np.minimum(vp["stop"].to_numpy().astype(np.int64), care.as_of)
    live = np.flatnonzero(stop >= warm)
    start, stop = start[live], stop[live]
    long_term = np.isin(vp["place"].to_numpy()[live], ["U1", "U4"])
    first = np.where(start >= warm, start + 7, warm + rng.integers(1, 43, len(live)))

    def next_visit(done, owners, step):
        return done + np.where(long_term[owners] & (done >= start[owners] + 365), 91, 42)

    o, _, done, _ = chain(rng, start, stop, first, next_visit, VISIT_ON_TIME, 12, 25)
    virtual = rng.random(len(o)) < VIRTUAL_SHARE(done)
    seen = np.where(rng.random(len(o)) < 0.02, "N", "Y")
    return as_dates(pl.DataFrame({"child": vp["child"].to_numpy()[live][o], "visit_date": done, "seen": seen,
                                "virtual": np.where(virtual, "Y", "N")}), "visit_date")


def _peps(rng: np.random.Generator, care: Care, history_start: date) -> pl.DataFrame:
    """A PEP each school term for school-age children in care on its last day."""
    from carewatch.calendar import terms_between
    terms = terms_between(history_start, D.to_date(care.as_of))
    term_frame = pl.DataFrame({"term_start": [t[1] for t in terms], "term_end": [t[2] for t in terms]},
                              schema={"term_start": pl.Date, "term_end": pl.Date})
    per = care.periods.select("child", "start", "end", "dob")
    cross = (per.filter(pl.col("end") >= history_start).join(term_frame, how="cross")
             .filter((pl.col("start") <= pl.col("term_end") - pl.duration(days=28)) & (pl.col("end") > pl.col("term_end"))))
    # school age: 4–15 on the 31 August before the term
    aug31 = pl.date(pl.col("term_end").dt.year() - (pl.col("term_end").dt.month() < 9).cast(pl.Int32), 8, 31)
    age = (aug31.dt.year() - pl.col("dob").dt.year()
           - ((aug31.dt.month() < pl.col("dob").dt.month())
              | ((aug31.dt.month() == pl.col("dob").dt.month()) & (aug31.dt.day() < pl.col("dob").dt.day()))).cast(pl.Int32))
    cross = cross.filter(age.is_between(4, 15))
    ts = cross["term_start"].to_physical().to_numpy().astype(np.int64)
    te = cross["term_end"].to_physical().to_numpy().astype(np.int64)
    hit = rng.random(len(ts)) < PEP_IN_TERM(te)
    pep = np.where(hit, ts + (rng.random(len(ts)) * (te - ts)).astype(np.int64), te + rng.integers(5, 60, len(ts)))
    return as_dates(pl.DataFrame({"child": cross["child"], "pep_date": pep}), "pep_date")


def _pathway_plans(rng: np.random.Generator, care: Care, warm: int) -> pl.DataFrame:
    per = care.periods
    dob = per["dob"].to_physical().to_numpy().astype(np.int64)
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    b16 = D.birthday(dob, 16).astype(np.int64)
    b21 = D.birthday(dob, 21).astype(np.int64)
    aged_out = per["aged_out"].to_numpy()
    stop = np.minimum(np.where(aged_out, b21, end), care.as_of)
    live = np.flatnonzero((end > b16) & (stop >= warm))
    first = np.maximum(np.maximum(b16[live], start[live]), warm) + rng.integers(20, 110, len(live))
    # an allocation starts before the last day in care (a social worker episode lasts a day or more)
    o, _, done, _ = chain(rng, first - 1, stop[live] - 1, first, lambda d, owners, s: D.add_months(d, 6).astype(np.int64),
                          lambda d: np.full(len(d), 0.85), 30, 60)
    return as_dates(pl.DataFrame({"child": per["child"].to_numpy()[live[o]], "plan_date": done}), "plan_date")


TEAMS = ("CWCF North", "CWCF South", "CWCF West", "Adolescents", "Leaving Care", "UASC", "Adoption")


def _allocations(rng: np.random.Generator, care: Care, warm: int) -> pl.DataFrame:
    per = care.periods
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    dob = per["dob"].to_physical().to_numpy().astype(np.int64)
    stop = np.minimum(end, care.as_of)
    live = np.flatnonzero(stop >= warm)
    area = np.asarray(per["home_post"].fill_null("BN").str.slice(0, 2).replace_strict(
        {"RH": 0, "BN": 1, "PO": 2, "GU": 2}, default=1).to_numpy())[live]
    first = np.maximum(start[live], warm)
    # an allocation starts before the last day in care (a social worker episode lasts a day or more)
    o, _, done, _ = chain(rng, first - 1, stop[live] - 1, first,
                             lambda d, owners, s: d + np.maximum(30, np.round(300 * np.exp(0.5 * rng.standard_normal(len(d))))).astype(np.int64),
                             lambda d: np.ones(len(d)), 0, 1)
    rows = live[o]
    age = (done - dob[rows]) / 365.25
    team = np.where(per["uasc"].to_numpy()[rows], 5,
                    np.where(per["route"].to_numpy()[rows] == ADOPTION, 6,
                             np.where(age >= 16, 4, np.where(age >= 12, 3, area[o]))))
    worker = rng.integers(1, 25, len(rows))
    frame = pl.DataFrame({"pid": rows, "child": per["child"].to_numpy()[rows], "team": np.asarray(TEAMS)[team],
                          "worker": numbered("SW", team * 100 + worker, 3),
                          "start_date": done, "period_end": end[rows]})
    frame = frame.sort("pid", "start_date").with_columns(
        end_date=pl.col("start_date").shift(-1).over("pid") - 1).with_columns(
        end_date=pl.when(pl.col("end_date").is_null() & (pl.col("period_end") <= care.as_of))
        .then(pl.col("period_end")).otherwise(pl.col("end_date")))
    return as_dates(frame.select("child", "team", "worker", "start_date", "end_date"), "start_date", "end_date")


def _missing(rng: np.random.Generator, care: Care, warm: int) -> pl.DataFrame:
    """Missing and away episodes: teenagers only, a minority of them often."""
    per = care.periods
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    dob = per["dob"].to_physical().to_numpy().astype(np.int64)
    b11 = D.birthday(dob, 11).astype(np.int64)
    lo = np.maximum(np.maximum(start, b11), warm)
    hi = np.minimum(end, care.as_of)
    years = np.maximum(0, hi - lo) / 365.25
    rate = np.where(rng.random(len(start)) < 0.2, 3.0, 0.08)
    count = rng.poisson(rate * years)
    owner = np.repeat(np.arange(len(start)), count)
    begin = lo[owner] + (rng.random(len(owner)) * (hi - lo)[owner]).astype(np.int64)
    finish = np.minimum(begin + rng.geometric(0.6, len(owner)) - 1, end[owner] - 1)
    frame = pl.DataFrame({"pid": owner, "child": per["child"].to_numpy()[owner], "dob": dob[owner],
                          "missing": np.where(rng.random(len(owner)) < 0.8, "M", "A"),
                          "mis_start": begin, "mis_end": np.maximum(finish, begin)}).sort("pid", "mis_start")
    # an incident ends by the time its placement does (the validator's rules 575/577)
    placements = care.episodes.select("pid", "decom", "dec").with_columns(
        pl.col("pid").cast(pl.Int64), pl.col("decom", "dec").to_physical().cast(pl.Int64)).sort("decom")
    frame = (frame.with_columns(pl.col("pid").cast(pl.Int64)).sort("mis_start")
             .join_asof(placements, left_on="mis_start", right_on="decom", by="pid", check_sortedness=False)
             .with_columns(mis_end=pl.min_horizontal("mis_end", "dec")).drop("decom", "dec").sort("pid", "mis_start"))
    # incidents of one child never overlap: drop any that starts before the previous one ended
    frame = frame.filter((pl.col("mis_start") > pl.col("mis_end").cum_max().shift(1).over("pid")).fill_null(True))
    return as_dates(frame.drop("pid"), "dob", "mis_start", "mis_end")

