"""Service-level local-extract tables: fostering (households, enquiries, placements), education,
the council's own children's homes, participation, National Transfer Scheme referrals, pre-birth
assessments and population."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from carewatch.synth import days as D
from carewatch.synth.care import OWN_HOMES, Care, numbered
from carewatch.synth.days import as_dates
from carewatch.synth.profiles import Profile
from carewatch.synth.returns import masked

FOSTER_PLACES = ["U1", "U2", "U3", "U4", "U5", "U6"]


def _monthly_counts(rng: np.random.Generator, first: int, last: int, per_month: float,
                    growth: dict[int, float] | None = None) -> np.ndarray:
    """Poisson event dates between two days, ``per_month`` on average (times a calendar-year factor)."""
    months = np.arange(D.month_index(np.array([first]))[0], D.month_index(np.array([last]))[0] + 1)
    begin = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - begin
    factor = np.array([(growth or {}).get(int(y), 1.0) for y in months // 12 + 1970])
    counts = rng.poisson(per_month * factor)
    out = np.repeat(begin, counts) + (rng.random(counts.sum()) * np.repeat(length, counts)).astype(np.int64)
    return np.sort(out[(out >= first) & (out <= last)])


def service(rng: np.random.Generator, care: Care, profile: Profile, history_start: date) -> dict[str, pl.DataFrame]:
    asof = care.as_of
    first = D.day(history_start)
    scale = len(care.periods) / 8000  # the demo authority has about 8,000 periods in its history
    out: dict[str, pl.DataFrame] = {}
    # the NTS referrals draw from their own stream, so fostering and placements do not reshuffle them
    nts_rng = np.random.default_rng(rng.integers(2**63))

    # fostering: enquiries -> assessments -> approvals, which join the existing households -------------
    enquiry = _monthly_counts(rng, first, asof, 22 * scale, {2020: 1.1, 2021: 1.45})
    n = len(enquiry)
    assessed = rng.random(n) < 0.21
    assessment = np.where(assessed, enquiry + rng.integers(20, 90, n), -1)
    outcome = np.where(assessed, np.asarray(["APPROVED", "WITHDRAWN", "DECLINED"])[rng.choice(3, n, p=[0.6, 0.28, 0.12])],
                       np.where(rng.random(n) < 0.7, "WITHDRAWN", ""))
    outcome_date = np.where(assessed, assessment + rng.integers(80, 180, n), np.where(outcome != "", enquiry + rng.integers(5, 60, n), -1))
    decided = (outcome_date <= asof) & (outcome_date >= 0)
    outcome = np.where(decided, outcome, "")
    outcome_date = np.where(decided, outcome_date, -1)
    assessment = np.where(assessment <= asof, assessment, -1)
    places = np.where(outcome == "APPROVED", rng.choice([1, 2, 3], n, p=[0.5, 0.38, 0.12]), -1)
    out["fostering_enquiries"] = as_dates(pl.DataFrame({
        "enquiry": numbered("ENQ", np.arange(n), 6), "enquiry_date": enquiry, "assessment_start": assessment,
        "outcome": pl.Series(outcome).replace("", None), "outcome_date": outcome_date,
        "approved_places": pl.Series(places).replace(-1, None),
        "applicant_age_band": np.asarray(["18-30", "31-40", "41-50", "51-60", "61+"])[rng.choice(5, n, p=[0.1, 0.3, 0.3, 0.22, 0.08])],
    }), "enquiry_date", "assessment_start", "outcome_date")

    existing = round(165 * scale)
    approved_new = outcome == "APPROVED"
    approved = np.concatenate([first - rng.integers(30, 4000, existing), outcome_date[approved_new]])
    h_places = np.concatenate([rng.choice([1, 2, 3], existing, p=[0.45, 0.4, 0.15]), places[approved_new]])
    h_type = np.concatenate([np.asarray(["MAINSTREAM", "CONNECTED", "FFA"])[rng.choice(3, existing, p=[0.78, 0.17, 0.05])],
                             np.full(approved_new.sum(), "MAINSTREAM")])
    dereg = approved + np.round(rng.exponential(9 * 365, len(approved))).astype(np.int64)
    dereg = np.where(dereg <= asof, dereg, -1)
    household = numbered("FH", np.arange(len(approved)), 5).to_numpy()
    out["foster_households"] = as_dates(pl.DataFrame({"household": household, "type": h_type, "approved": approved,
                                                   "deregistered": dereg, "places": h_places}), "approved", "deregistered")
    out["foster_placements"] = _foster_placements(rng, care, first, household, h_type, approved, dereg)

    # education: one row per academic year for school-age children in care on 31 March ----------------
    rows = []
    for year in range(history_start.year, D.to_date(asof).year + 1):
        census = date(year + 1, 3, 31)
        if census > D.to_date(asof):
            break
        aug31 = date(year, 8, 31)
        in_care = care.periods.filter((pl.col("start") <= census) & (pl.col("end") > census))
        age = ((pl.lit(aug31) - pl.col("dob")).dt.total_days() / 365.25).floor()
        rows.append(in_care.filter(age.is_between(4, 15)).select("child", ks4=age == 15,
                                                                  academic_year=pl.lit(f"{year}/{(year + 1) % 100:02d}")))
    edu = pl.concat(rows) if rows else pl.DataFrame(schema={"child": pl.Utf8, "ks4": pl.Boolean, "academic_year": pl.Utf8})
    m = len(edu)
    covid = edu["academic_year"].is_in(["2019/20", "2020/21"]).to_numpy()
    attendance = np.clip(100 - rng.gamma(1.2, np.where(covid, 8.0, 5.5), m), 40, 100).round(1)
    ks4 = edu["ks4"].to_numpy()
    any_pass = ks4 & (rng.random(m) < 0.62)
    standard = any_pass & (rng.random(m) < 0.55)
    strong = standard & (rng.random(m) < 0.45)
    out["education"] = edu.select("child", "academic_year").with_columns(
        attendance_pct=pl.Series(attendance), persistent_absence=pl.Series(attendance < 90),
        ks4_any_pass=masked(any_pass, ks4), ks4_standard_pass=masked(standard, ks4), ks4_strong_pass=masked(strong, ks4),
        school_ofsted=pl.Series(np.asarray(["OUTSTANDING", "GOOD", "RI", "INADEQUATE", "NONE"])[
            rng.choice(5, m, p=[0.16, 0.66, 0.11, 0.03, 0.04])]),
    )

    out["residential_events"] = _residential(rng, care, first)

    # participation: Mind of My Own statements (exact yearly totals), children in care council,
    # the annual survey and awards
    momo = [d for y, total in profile.momo_per_year.items()
            for d in [D.day(date(y, 1, 1)) + np.sort(rng.integers(0, 365, total))]]
    momo_days = np.concatenate(momo) if momo else np.array([], dtype=np.int64)
    meetings = _monthly_counts(rng, first, asof, 1.0)
    yearly = np.array([D.day(date(y, 11, 15)) for y in range(history_start.year, D.to_date(asof).year + 1)])
    participation = pl.concat([
        pl.DataFrame({"event_date": momo_days, "channel": "MOMO", "events": np.ones(len(momo_days), dtype=np.int64)}),
        pl.DataFrame({"event_date": meetings, "channel": "CICC", "events": rng.integers(6, 16, len(meetings))}),
        pl.DataFrame({"event_date": yearly, "channel": "SURVEY", "events": rng.integers(int(120 * scale) + 1, int(260 * scale) + 2, len(yearly))}),
        pl.DataFrame({"event_date": yearly + 20, "channel": "AWARDS", "events": rng.integers(int(50 * scale) + 1, int(110 * scale) + 2, len(yearly))}),
    ])
    out["participation"] = as_dates(participation.filter((pl.col("event_date") >= first) & (pl.col("event_date") <= asof)),
                                  "event_date")

    # National Transfer Scheme, from its launch on 1 July 2016
    referral = _monthly_counts(nts_rng, max(first, D.day(date(2016, 7, 1))), asof, 0.9 * scale)
    accepted = nts_rng.random(len(referral)) < 0.25
    arrival = np.where(accepted, referral + nts_rng.integers(5, 45, len(referral)), -1)
    arrival = np.where(arrival <= asof, arrival, -1)
    out["nts_referrals"] = as_dates(pl.DataFrame({
        "referral": numbered("NTS", np.arange(len(referral)), 5), "referral_date": referral,
        "decision": np.where(accepted, "ACCEPTED", "DECLINED"), "arrival_date": arrival}), "referral_date", "arrival_date")

    # pre-birth assessments: referral + 45 working days (local standard), mostly met
    referral = _monthly_counts(rng, first, asof, 11 * scale)
    k = len(referral)
    on_time = rng.random(k) < 0.72
    completed = D.add_working_days(referral, np.where(on_time, rng.integers(15, 46, k), rng.integers(46, 90, k))).astype(np.int64)
    out["pre_birth_assessments"] = as_dates(pl.DataFrame({
        "case_id": numbered("PB", np.arange(k), 6),
        "team": np.asarray(["Family Safeguarding North", "Family Safeguarding South", "Family Safeguarding West"])[rng.integers(0, 3, k)],
        "referral_date": referral, "expected_dob": referral + rng.integers(40, 200, k),
        "completed": np.where(completed <= asof, completed, -1)}), "referral_date", "expected_dob", "completed")

    # population aged 0–17: the 2021 figure, about 0.4% a year growth either side
    weights = np.asarray(profile.weights or (1.0,) * len(profile.las), dtype=float)
    years = np.arange(history_start.year, D.to_date(asof).year + 1)
    la_pop = profile.population_0_17 * weights / weights.sum()
    out["population"] = pl.DataFrame({
        "la": np.repeat([c for c, _ in profile.las], len(years)),
        "year": np.tile(years, len(profile.las)),
        "age_0_17": np.round(np.repeat(la_pop, len(years)) * (1 + 0.004 * (np.tile(years, len(profile.las)) - 2021))).astype(np.int64),
    })
    return out


def _foster_placements(rng: np.random.Generator, care: Care, first: int, household: np.ndarray, h_type: np.ndarray,
                       approved: np.ndarray, dereg: np.ndarray) -> pl.DataFrame:
    """The council's own foster placements, each with a household of the right type approved at the
    time (drawn at random among them: a few tries per placement, all placements at once)."""
    ep = care.episodes.filter(pl.col("place").is_in(FOSTER_PLACES) & (pl.col("place_provider") == "PR1"))
    carer = (care.episodes.with_columns(new=pl.col("rne").is_in(["S", "P", "B"]))
             .with_columns(carer=pl.col("new").cast(pl.Int32).cum_sum().over("pid")).select("pid", "decom", "carer"))
    spells = (ep.join(carer, on=["pid", "decom"])
              .group_by("pid", "child", "carer").agg(pl.col("decom").min().alias("start"), pl.col("dec").max().alias("end"),
                                                     pl.col("place").first())
              .filter((pl.col("end") >= D.to_date(first - 365)) & (pl.col("start") <= D.to_date(care.as_of)))
              .sort("pid", "start"))
    start = spells["start"].to_physical().to_numpy().astype(np.int64)
    wanted = np.where(np.isin(spells["place"].to_numpy(), ["U1", "U2", "U3"]), "CONNECTED",
                      np.where(spells["place"].to_numpy() == "U5", "FFA", "MAINSTREAM"))
    dereg_or_never = np.where(dereg < 0, 10**9, dereg)
    chosen = np.full(len(start), -1)
    todo = np.arange(len(start))
    for _ in range(40):
        if not len(todo):
            break
        pick = rng.integers(0, len(household), len(todo))
        ok = (h_type[pick] == wanted[todo]) & (approved[pick] <= start[todo]) & (dereg_or_never[pick] > start[todo])
        chosen[todo[ok]] = pick[ok]
        todo = todo[~ok]
    placed = chosen >= 0
    end = spells["end"].to_physical().to_numpy().astype(np.int64)
    return as_dates(pl.DataFrame({"child": spells["child"].to_numpy()[placed], "household": household[chosen[placed]],
                                "start_date": start[placed],
                                "end_date": np.where(end[placed] <= care.as_of, end[placed], -1)}), "start_date", "end_date")


def _residential(rng: np.random.Generator, care: Care, first: int) -> pl.DataFrame:
    """Events in the council's own children's homes (K2 placements it provides itself)."""
    ep = care.episodes.filter((pl.col("place") == "K2") & (pl.col("place_provider") == "PR1"))
    lo = np.maximum(ep["decom"].to_physical().to_numpy().astype(np.int64), first)
    hi = np.minimum(ep["dec"].to_physical().to_numpy().astype(np.int64), care.as_of)
    years = np.maximum(0, hi - lo) / 365.25
    home = np.asarray([f"CH{i + 1}" for i in range(OWN_HOMES)])[rng.integers(0, OWN_HOMES, len(lo))]
    frames = []
    for event, rate in (("MISSING", 2.5), ("RESTRAINT", 1.5), ("COMPLAINT", 0.4), ("BREAKDOWN", 0.08)):
        count = rng.poisson(rate * years)
        owner = np.repeat(np.arange(len(lo)), count)
        when = lo[owner] + (rng.random(len(owner)) * (hi - lo)[owner]).astype(np.int64)
        frames.append(pl.DataFrame({"home": home[owner], "child": ep["child"].to_numpy()[owner], "event_date": when,
                                    "event": np.full(len(owner), event)},
                                   schema={"home": pl.Utf8, "child": pl.Utf8, "event_date": pl.Int64, "event": pl.Utf8}))
    events = as_dates(pl.concat(frames), "event_date")
    # no placement breakdown in the homes in the 18 months before the report (seed ¶2.22)
    return events.filter(~((pl.col("event") == "BREAKDOWN") & (pl.col("event_date") > date(2020, 5, 31))))
