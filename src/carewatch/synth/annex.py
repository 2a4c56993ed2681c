"""The local-extract tables Ofsted's Annex A needs beyond the rest (docs/annex-a.md): contacts,
early help assessments, IRO contacts, return interviews, personal advisers, adopters, care leavers'
contacts and adoption matches.

They are drawn from their own random stream (``generate`` gives ``default_rng([seed, ANNEX_STREAM])``)
and only read the simulated care, the CIN referrals and the practice tables, so adding them leaves
every other table of an extract byte for byte as it was. Consistent with the rest: a referred
child's contact comes before the referral, early help before it or after it closes, IRO contacts
while looked after, a return interview for each missing episode, a personal adviser for each care
leaver, who is in contact with them every month or two, and each child matched for adoption linked to
the adopters' family matched nearest that day.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from carewatch.checks.codes import ETHNIC, REFERRAL_SOURCE
from carewatch.synth import days as D
from carewatch.synth.care import ADOPTION, Care, numbered
from carewatch.synth.days import as_dates

#: the constant that, with the seed, names the Annex A tables' random stream
ANNEX_STREAM = 15
#: contacts, early help and IRO contacts are sent for the 13 months to the extract date (Annex A reads
#: 6 months, and 12 for its counts): at every child's pace they would overflow the import's row limit
#: on the national profile (about 5.7 million contacts over its ten years)
RECENT_DAYS = 396
ORGANISATIONS = ("School", "Health visiting", "Early help hub", "Family centre", "Youth service", "GP")
ADVISERS = tuple(f"PA{n:02d}" for n in range(1, 13))
LEFT_REASONS = ("Withdrew", "Not approved", "Change of circumstances", "Moved away")

#: the local-extract columns of each table here (schema names), in the order they are written
COLUMNS = {
    "contacts": ["child", "contact_date", "source"],
    "early_help": ["child", "start_date", "end_date", "organisation"],
    "iro_contacts": ["child", "contact_date"],
    "return_interviews": ["child", "missing_start", "offered", "accepted"],
    "personal_advisers": ["child", "adviser", "start_date", "end_date"],
    "adopters": ["adopter", "family", "gender", "ethnicity", "disability", "ffa", "enquiry_date", "stage1_start",
                 "stage1_end", "stage2_start", "stage2_end", "application_date", "approval_date", "match_date",
                 "placed_date", "children_placed", "adoption_order_date", "left_date", "left_reason"],
    "leaver_contacts": ["child", "leaver_contact_date"],
    "adoption_matches": ["child", "family", "match_date"],
}


def _days(series: pl.Series) -> np.ndarray:
    return series.to_physical().fill_null(-1).to_numpy().astype(np.int64)


def annex_tables(rng: np.random.Generator, care: Care, refs: pl.DataFrame, practice: dict[str, pl.DataFrame],
                 first: int, first_903: int) -> dict[str, pl.DataFrame]:
    """The six tables to the extract date: adopters from day ``first`` (the local records' start);
    contacts, early help and IRO contacts for the last ``RECENT_DAYS``; return interviews and personal
    advisers only for the children the 903 shows (in care, or missing, on/after ``first_903``)."""
    r_contacts, r_early, r_iro, r_return, r_pa, r_adopters = rng.spawn(6)
    r_leaver, = rng.spawn(1)  # spawned after the six: theirs stay as they were before it
    asof = care.as_of
    recent = max(first, asof - RECENT_DAYS)
    advisers = _personal_advisers(r_pa, care, first_903)
    adopters = _adopters(r_adopters, care, first)
    return {"contacts": _contacts(r_contacts, refs, recent, asof),
            "early_help": _early_help(r_early, refs, recent, asof),
            "iro_contacts": _iro_contacts(r_iro, care, max(first_903, recent)),
            "return_interviews": _return_interviews(r_return, practice["missing"], first_903, asof),
            "personal_advisers": advisers, "adopters": adopters,
            "leaver_contacts": _leaver_contacts(r_leaver, advisers, recent, asof),
            "adoption_matches": _adoption_matches(care, adopters, first_903)}


def _contacts(rng: np.random.Generator, refs: pl.DataFrame, first: int, asof: int) -> pl.DataFrame:
    """Each referral's contact, up to a week before it (same source); for a sixth of referrals an
    earlier contact, in the year before, and for a fifth of those closed a later one, in the year
    after, neither leading to a referral (contacts both sides, so the months before the extract date
    are as full as any)."""
    ref, closed = _days(refs["referral_date"]), _days(refs["closure_date"])
    n = len(ref)
    earlier = rng.random(n) < 0.17
    later = (closed >= 0) & (rng.random(n) < 0.2)
    contact = np.concatenate([ref - rng.integers(0, 8, n), (ref - rng.integers(30, 366, n))[earlier],
                              (closed + rng.integers(30, 366, n))[later]])
    child = refs["child"].to_numpy()
    child = np.concatenate([child, child[earlier], child[later]])
    extra = earlier.sum() + later.sum()
    source = np.concatenate([refs["source"].to_numpy(),
                             np.asarray(REFERRAL_SOURCE)[rng.integers(0, len(REFERRAL_SOURCE), extra)]])
    keep = (contact >= first) & (contact <= asof)
    # two contacts of one child on one day from one source are one contact
    return as_dates(pl.DataFrame({"child": child[keep], "contact_date": contact[keep], "source": source[keep]})
                    .unique(maintain_order=True), "contact_date")


def _early_help(rng: np.random.Generator, refs: pl.DataFrame, first: int, asof: int) -> pl.DataFrame:
    """Early help before a referral (an eighth of referred children, in the months before it) and
    after one closes (stepped down: a fifth of those closed, within a month)."""
    ref, closed = _days(refs["referral_date"]), _days(refs["closure_date"])
    n = len(ref)
    up = rng.random(n) < 0.125
    down = (closed >= 0) & (rng.random(n) < 0.2)
    start = np.concatenate([(ref - rng.integers(40, 300, n))[up], (closed + rng.integers(0, 31, n))[down]])
    child = refs["child"].to_numpy()
    child = np.concatenate([child[up], child[down]])
    end = start + rng.integers(10, 46, len(start))
    keep = (start >= first) & (start <= asof)
    return as_dates(pl.DataFrame({
        "child": child[keep], "start_date": start[keep], "end_date": np.where(end <= asof, end, -1)[keep],
        "organisation": np.asarray(ORGANISATIONS)[rng.integers(0, len(ORGANISATIONS), keep.sum())]}),
        "start_date", "end_date")


def _iro_contacts(rng: np.random.Generator, care: Care, first: int) -> pl.DataFrame:
    """The independent reviewing officer sees a child in care about every three months."""
    start, end = _days(care.periods["start"]), _days(care.periods["end"])
    stop = np.minimum(end, care.as_of)
    live = np.flatnonzero(stop >= first)
    return _visits_every(rng, care.periods["child"].to_numpy()[live], np.maximum(start[live], first), stop[live],
                         (10, 60), (60, 120))


def _return_interviews(rng: np.random.Generator, missing: pl.DataFrame, first_903: int, asof: int) -> pl.DataFrame:
    """After each missing (not absent) episode: offered to most children, accepted by about half."""
    gone = missing.filter(pl.col("missing") == "M")
    start, end = _days(gone["mis_start"]), _days(gone["mis_end"])
    offered = rng.random(len(start)) < 0.85
    accepted = offered & (rng.random(len(start)) < 0.55)
    keep = (end >= first_903) & (start <= asof)
    return as_dates(pl.DataFrame({"child": gone["child"].to_numpy()[keep], "missing_start": start[keep],
                                  "offered": offered[keep], "accepted": accepted[keep]}), "missing_start")


def _visits_every(rng: np.random.Generator, child: np.ndarray, start: np.ndarray, stop: np.ndarray,
                   first: tuple[int, int], gap: tuple[int, int]) -> pl.DataFrame:
    """Dated contacts of each ``child`` from ``start`` to ``stop``: the first ``first`` days in (low,
    high), then one every ``gap`` days; one draw per round for every child still going, no per-child loop."""
    owners, days = [], []
    owner, day = np.arange(len(child)), start + rng.integers(*first, len(child))
    while len(owner):
        alive = day <= stop[owner]
        owner, day = owner[alive], day[alive]
        owners.append(owner), days.append(day)
        day = day + rng.integers(*gap, len(owner))
    owner, day = np.concatenate(owners), np.concatenate(days)
    return as_dates(pl.DataFrame({"child": child[owner], "contact_date": day}), "contact_date")


def _leaver_contacts(rng: np.random.Generator, advisers: pl.DataFrame, first: int, asof: int) -> pl.DataFrame:
    """A care leaver's personal adviser is in contact every month or two (from the adviser's start,
    the last ``RECENT_DAYS`` only, like the other contacts): List 9's "Latest Date of Contact"."""
    start, end = _days(advisers["start_date"]), _days(advisers["end_date"])
    stop = np.where(end >= 0, np.minimum(end, asof), asof)
    live = stop >= first
    return _visits_every(rng, advisers["child"].to_numpy()[live], np.maximum(start, first)[live], stop[live],
                         (0, 30), (25, 70)).unique(maintain_order=True).rename({"contact_date": "leaver_contact_date"})


def _adoption_matches(care: Care, adopters: pl.DataFrame, first: int) -> pl.DataFrame:
    """Each child matched for adoption (on the adoption route, matched from ``first`` to the extract
    date, so in the 903) with the adopters' family whose match date is nearest, within 90 days (the adopters are drawn
    apart from the children, so the two dates are near, not equal), a family taking as many children
    as it had placed (one when none yet), the nearest first; any other child has no row, as one matched
    with another agency's adopters: List 10's "Family identifier"."""
    matched = (care.periods.filter((pl.col("route") == ADOPTION) & (pl.col("match") >= pl.lit(first).cast(pl.Date))
                                   & (pl.col("match") <= pl.lit(care.as_of).cast(pl.Date)))
               .select("child", match_date="match").sort("match_date"))
    families = (adopters.filter(pl.col("match_date").is_not_null()).group_by("family")
                .agg(family_match=pl.col("match_date").min(), size=pl.col("children_placed").max().fill_null(1))
                .sort("family_match", "family"))
    if families.is_empty():
        return matched.with_columns(family=pl.lit(None, pl.Utf8)).select(COLUMNS["adoption_matches"]).clear()
    apart = (pl.col("match_date") - pl.col("family_match")).abs()
    return (matched.join_asof(families, left_on="match_date", right_on="family_match", strategy="nearest",
                              tolerance="90d")
            .drop_nulls("family").filter(apart.rank("ordinal").over("family") <= pl.col("size"))
            .select(COLUMNS["adoption_matches"]).sort("child", "match_date"))


def _personal_advisers(rng: np.random.Generator, care: Care, first_903: int) -> pl.DataFrame:
    """A personal adviser from 16 (or the child's entry into care if later) for children in care at 16,
    until 21; a fifth of them change adviser once. Only children the 903 shows (in care on/after its
    first day)."""
    per = care.periods
    dob, start, end = _days(per["dob"]), _days(per["start"]), _days(per["end"])
    b16, b21 = D.birthday(dob, 16).astype(np.int64), D.birthday(dob, 21).astype(np.int64)
    eligible = np.flatnonzero((end > b16) & (end >= first_903) & (np.maximum(b16, start) <= care.as_of))
    begin = np.maximum(b16, start)[eligible] + rng.integers(0, 60, len(eligible))
    begin = np.minimum(begin, care.as_of)
    finish = b21[eligible]
    change = (rng.random(len(eligible)) < 0.2) & (finish - begin > 200)
    split = begin + ((finish - begin) * rng.uniform(0.3, 0.7, len(eligible))).astype(np.int64)
    adviser = rng.integers(0, len(ADVISERS), (len(eligible), 2))
    child = per["child"].to_numpy()[eligible]
    rows = pl.concat([
        pl.DataFrame({"child": child, "adviser": np.asarray(ADVISERS)[adviser[:, 0]], "start_date": begin,
                      "end_date": np.where(change, split, finish)}),
        pl.DataFrame({"child": child[change], "adviser": np.asarray(ADVISERS)[(adviser[:, 1] + 1)[change] % len(ADVISERS)],
                      "start_date": split[change] + 1, "end_date": finish[change]}),
    ]).filter(pl.col("start_date") <= care.as_of).with_columns(
        end_date=pl.when(pl.col("end_date") <= care.as_of).then(pl.col("end_date")).otherwise(-1))
    return as_dates(rows, "start_date", "end_date")


def _adopters(rng: np.random.Generator, care: Care, first: int) -> pl.DataFrame:
    """Prospective adopters: enquiry, stage 1 (about two months), stage 2 (about four), approval,
    match, placement, adoption order; some leave at each step. A family is one or two adopters."""
    scale = len(care.periods) / 8000  # the demo authority has about 8,000 periods in its history
    asof = care.as_of
    n = rng.poisson(30 * scale * (asof - first) / 365.25)
    enquiry = np.sort(first + rng.integers(0, asof - first + 1, n))
    steps = np.cumsum(np.stack([
        enquiry, rng.integers(7, 60, n), rng.integers(40, 70, n), rng.integers(0, 30, n), rng.integers(100, 130, n),
        rng.integers(0, 30, n), rng.integers(30, 300, n), rng.integers(7, 30, n), rng.integers(150, 400, n)], axis=1),
        axis=1)
    # steps: enquiry, stage 1 start, stage 1 end, stage 2 start, stage 2 end, approval, match, placed, order
    reached = rng.choice(9, n, p=[0.25, 0.1, 0.05, 0.02, 0.03, 0.03, 0.05, 0.02, 0.45])  # the last step reached
    done = (np.arange(9)[None, :] <= reached[:, None]) & (steps <= asof)
    dates = np.where(done, steps, -1)
    last = dates.max(axis=1)
    leaves = (reached < 8) & (rng.random(n) < 0.9)
    left = np.where(leaves, last + rng.integers(1, 60, n), -1)
    left = np.where(left <= asof, left, -1)
    families = numbered("FAM", np.arange(n), 5).to_numpy()
    couple = rng.random(n) < 0.7
    who = np.concatenate([np.arange(n), np.flatnonzero(couple)])
    size = np.where(rng.random(n) < 0.85, 1, 2)
    frame = pl.DataFrame({
        "family": families[who], "gender": np.asarray(["F", "M"])[rng.integers(0, 2, len(who))],
        "ethnicity": np.asarray(ETHNIC)[rng.choice(len(ETHNIC), len(who), p=_ethnic_weights())],
        "disability": rng.random(len(who)) < 0.05, "ffa": (rng.random(n) < 0.1)[who],
        **{name: dates[who, i] for i, name in enumerate(
            ["enquiry_date", "stage1_start", "stage1_end", "stage2_start", "stage2_end", "approval_date",
             "match_date", "placed_date", "adoption_order_date"])},
        "children_placed": pl.Series(np.where(dates[who, 7] >= 0, size[who], -1)).replace(-1, None),
        "left_date": left[who],
        "left_reason": pl.Series(np.where(left[who] >= 0, np.asarray(LEFT_REASONS)[rng.integers(0, 4, len(who))], ""))
        .replace("", None),
    }).with_columns(application_date=pl.col("stage2_start")).sort("family", "gender")
    frame = frame.with_columns(adopter=pl.format("{}-{}", "family", pl.int_range(pl.len()).over("family") + 1))
    return as_dates(frame, "enquiry_date", "stage1_start", "stage1_end", "stage2_start", "stage2_end",
                    "application_date", "approval_date", "match_date", "placed_date", "adoption_order_date",
                    "left_date")


def _ethnic_weights() -> np.ndarray:
    """Mostly White British, as the adopters of the synthetic councils' areas are."""
    weights = np.full(len(ETHNIC), 0.1 / (len(ETHNIC) - 1))
    weights[ETHNIC.index("WBRI")] = 0.9
    return weights
