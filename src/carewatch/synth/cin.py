"""The children-in-need census: referrals (most never lead to care), assessments, section 47
enquiries and child protection plans, written as the DfE XML, one file per collection year.

Every child who comes into care has a referral shortly before, under the same identifier as in
the 903 (LAchildID = CHILD). The XML is built as strings with Polars expressions (all values are
codes and dates, so nothing needs escaping)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from carewatch.synth import days as D
from carewatch.synth.care import Care, numbered
from carewatch.synth.days import as_dates
from carewatch.synth.profiles import Profile, by_year

SOURCES = ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D",
           "6", "7", "8", "9", "10")
SOURCE_WEIGHTS = (0.02, 0.02, 0.01, 0.01, 0.06, 0.04, 0.08, 0.02, 0.02, 0.01, 0.01, 0.01, 0.2, 0.12, 0.04, 0.03, 0.02,
                  0.22, 0.01, 0.01, 0.01, 0.01)
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
NEED_WEIGHTS = (0.55, 0.04, 0.03, 0.16, 0.1, 0.02, 0.01, 0.02, 0.07)
FACTORS = ("1B", "2B", "3B", "4B", "5B", "6A", "7A", "8B", "9A", "11A", "12A", "16A", "18B", "19B", "21", "22A")
CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")
#: ChildCharacteristics/Disabilities: the DfE codes, most common first (autism, learning disability,
#: communication, behaviour, ...), and the share of disabled children with each as first code
DISABILITIES = ("AUT", "LD", "COMM", "BEH", "CON", "MOB", "DDA", "HAND", "PC", "INC", "HEAR", "VIS")
DISABILITY_WEIGHTS = (0.2, 0.15, 0.15, 0.15, 0.08, 0.07, 0.06, 0.03, 0.03, 0.03, 0.03, 0.02)
#: the constant that, with the seed, names the disabilities' random stream (so the referrals and
#: every other table stay byte for byte as they were without them)
DISABILITY_STREAM = 16
#: likewise for the child protection plans' review conferences (CPPreviewDate)
REVIEW_STREAM = 17
CLOSURE_BY_REC = {"E11": "RC1", "E12": "RC1", "E45": "RC4", "E46": "RC4", "E47": "RC4", "E48": "RC4",
                  "E41": "RC3", "E3": "RC5"}


def referrals(rng: np.random.Generator, care: Care, profile: Profile, history_start: date) -> pl.DataFrame:
    asof = care.as_of
    first = D.day(history_start) - 365
    per = care.periods.filter((pl.col("start") >= D.to_date(first + 120)) & (pl.col("start") <= D.to_date(asof)))
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    m = len(per)
    rec = per["rec"].to_numpy()
    cla = pl.DataFrame({
        "child": per["child"], "dob": per["dob"].to_physical().to_numpy().astype(np.int64), "sex": per["sex"],
        "ethnic": per["ethnic"], "referral_date": start - rng.integers(3, 120, m),
        "closure_date": np.where(end <= asof, end, -1),
        "reason": np.asarray([CLOSURE_BY_REC.get(r, "RC7") for r in np.unique(rec)])[np.searchsorted(np.unique(rec), rec)],
        "nfa": np.zeros(m, dtype=bool), "assessed": np.ones(m, dtype=bool), "s47": rng.random(m) < 0.5,
    })

    # referrals that never lead to care: a Poisson stream, a fifth of them for a child referred in
    # the previous 12 months (re-referrals)
    years = np.arange(history_start.year - 1, D.to_date(asof).year + 1)
    per_month = {int(y): by_year(profile.starts_per_year, int(y)) * profile.referrals_per_start / 12 for y in years}
    months = np.arange(D.month_index(np.array([first]))[0], D.month_index(np.array([asof]))[0] + 1)
    begin = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    lam = np.array([per_month[int(y)] for y in months // 12 + 1970])
    lam = np.where(np.isin(months, [D.month_key(2020, 4), D.month_key(2020, 5)]), lam * 0.7, lam)  # first lockdown
    counts = rng.poisson(lam)
    ref = np.sort(np.repeat(begin, counts) + rng.integers(0, 28, counts.sum()))
    ref = ref[ref <= asof]
    n = len(ref)
    parent = np.arange(n)
    lo = np.searchsorted(ref, ref - 365)
    again = (rng.random(n) < 0.22) & (lo < np.arange(n))
    parent[again] = (lo + (rng.random(n) * (np.arange(n) - lo)).astype(np.int64))[again]
    for _ in range(64):  # follow re-referrals back to the child's first referral
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    dob_first = ref - (rng.random(n) * 17.5 * 365.25).astype(np.int64)
    nfa = rng.random(n) < 0.12
    open_days = np.round(100 * np.exp(0.8 * rng.standard_normal(n))).astype(np.int64)
    closure = np.where(nfa, ref + rng.integers(0, 6, n), ref + 20 + open_days)
    la = care.periods["la"][0]
    other = pl.DataFrame({
        "child": numbered(f"{la}N", parent, 7), "dob": dob_first[parent], "sex": rng.integers(1, 3, n)[parent],
        "ethnic": np.where(rng.random(n) < 0.8, "WBRI", "WOTH")[parent], "referral_date": ref,
        "closure_date": np.where(closure <= asof, closure, -1),
        "reason": np.where(nfa, "RC8", np.where(rng.random(n) < 0.4, "RC9", "RC7")),
        "nfa": nfa, "assessed": ~nfa, "s47": ~nfa & (rng.random(n) < 0.16),
    })
    frame = pl.concat([cla, other]).with_columns(pl.col("sex").cast(pl.Int64))
    k = len(frame)
    referral_date = frame["referral_date"].to_numpy()
    closure_date = frame["closure_date"].to_numpy()
    stop = np.where(closure_date >= 0, closure_date, asof)
    a_start = referral_date + rng.integers(0, 6, k)
    a_auth = D.add_working_days(a_start, rng.integers(8, 46, k)).astype(np.int64)
    s47 = frame["s47"].to_numpy() & (a_start + 2 <= stop)
    s47_start = np.minimum(a_start + rng.integers(0, 10, k), stop)
    target = D.add_working_days(s47_start, 15).astype(np.int64)
    icpc_held = s47 & (rng.random(k) < 0.55)
    icpc = np.where(rng.random(k) < 0.8, D.add_working_days(s47_start, rng.integers(5, 16, k)),
                    D.add_working_days(s47_start, rng.integers(16, 40, k))).astype(np.int64)
    icpc_held &= icpc <= stop
    cpp = icpc_held & (rng.random(k) < 0.85)
    cpp_end = icpc + np.round(280 * np.exp(0.6 * rng.standard_normal(k))).astype(np.int64)
    cpp_end = np.where(cpp_end <= np.minimum(stop, asof), cpp_end, np.where(closure_date >= 0, closure_date, -1))
    factors = np.asarray(FACTORS)[rng.integers(0, len(FACTORS), (k, 2))]
    return as_dates(frame.with_columns(
        referral_id=pl.int_range(pl.len()),
        source=pl.Series(np.asarray(SOURCES)[rng.choice(len(SOURCES), k, p=np.asarray(SOURCE_WEIGHTS) / sum(SOURCE_WEIGHTS))]),
        need=pl.Series(np.asarray(NEEDS)[rng.choice(len(NEEDS), k, p=np.asarray(NEED_WEIGHTS) / sum(NEED_WEIGHTS))]),
        assessment_start=pl.Series(np.where(frame["assessed"].to_numpy() & (a_start <= stop), a_start, -1)),
        assessment_auth=pl.Series(np.where(frame["assessed"].to_numpy() & (a_auth <= asof) & (a_start <= stop), a_auth, -1)),
        factors=pl.Series(np.char.add(np.char.add(factors[:, 0], " "), factors[:, 1])),
        s47_start=pl.Series(np.where(s47, s47_start, -1)), icpc_target=pl.Series(np.where(s47, target, -1)),
        icpc_date=pl.Series(np.where(icpc_held, icpc, -1)),
        icpc_not_required=pl.Series(s47 & ~icpc_held & (rng.random(k) < 0.5)),
        cpp_start=pl.Series(np.where(cpp, icpc, -1)), cpp_end=pl.Series(np.where(cpp, cpp_end, -1)),
        category=pl.Series(np.asarray(CATEGORIES)[rng.choice(5, k, p=[0.5, 0.08, 0.04, 0.3, 0.08])]),
        previous_cpp=pl.Series(np.where(rng.random(k) < 0.2, rng.integers(1, 3, k), 0)),
    ), "dob", "referral_date", "closure_date", "assessment_start", "assessment_auth", "s47_start", "icpc_target",
        "icpc_date", "cpp_start", "cpp_end")


def disabilities(rng: np.random.Generator, refs: pl.DataFrame) -> pl.DataFrame:
    """child -> the codes of ChildCharacteristics/Disabilities ("NONE", or one or two codes joined by
    commas), one value a child for every census. Disabled: every child with a referral whose primary
    need is N2 (child's disability), and a tenth of the others: about 13% of children in need, as
    nationally (DfE, Characteristics of children in need)."""
    per = refs.group_by("child").agg((pl.col("need") == "N2").any().alias("n2")).sort("child")
    n = per.height
    disabled = per["n2"].to_numpy() | (rng.random(n) < 0.1)
    weights = np.asarray(DISABILITY_WEIGHTS) / sum(DISABILITY_WEIGHTS)
    first, second = (np.asarray(DISABILITIES)[rng.choice(len(DISABILITIES), n, p=weights)] for _ in range(2))
    two = (rng.random(n) < 0.3) & (first != second)
    codes = np.where(disabled, np.where(two, np.char.add(np.char.add(first, ","), second), first), "NONE")
    return pl.DataFrame({"child": per["child"], "disabilities": codes})


def plan_reviews(rng: np.random.Generator, refs: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """(referral_id, review): each child protection plan's review conferences, as Working Together
    sets them: the first within 3 months of the plan's start (8 to 13 weeks), then one every 6 months
    (24 to 26 weeks: held on time or a little early) while the plan is open (before its end) and by
    ``as_of``."""
    plans = refs.filter(pl.col("cpp_start").is_not_null())
    start = plans["cpp_start"].to_physical().to_numpy().astype(np.int64)
    stop = np.minimum(plans["cpp_end"].to_physical().fill_null(D.day(as_of) + 1).to_numpy().astype(np.int64),
                      D.day(as_of) + 1)
    most = int((stop - start).max(initial=0)) // 168 + 1  # reviews the longest plan can have
    gaps = np.column_stack([rng.integers(56, 92, len(start)), rng.integers(168, 183, (len(start), most - 1))])
    review = start[:, None] + np.cumsum(gaps, axis=1)
    held = review < stop[:, None]
    return pl.DataFrame({"referral_id": np.repeat(plans["referral_id"].to_numpy(), held.sum(axis=1)),
                         "review": review[held]}).with_columns(pl.col("review").cast(pl.Int32).cast(pl.Date))


def _el(name: str, value: pl.Expr) -> pl.Expr:
    """`<name>value</name>`, or nothing when the value is null."""
    return pl.when(value.is_not_null()).then(pl.concat_str(pl.lit(f"<{name}>"), value, pl.lit(f"</{name}>"))).otherwise(pl.lit(""))


def census_xml(refs: pl.DataFrame, la: str, year: int, as_of: date, disabled: pl.DataFrame | None = None,
               reviewed: pl.DataFrame | None = None) -> str:
    """One census year's XML; ``disabled`` (``disabilities``) adds each child's Disabilities,
    ``reviewed`` (``plan_reviews``) each plan's Reviews held by the census's end."""
    y_start, y_end = date(year - 1, 4, 1), min(date(year, 3, 31), as_of)
    known = lambda c: pl.when(pl.col(c) <= y_end).then(pl.col(c).dt.strftime("%Y-%m-%d"))
    rows = refs.filter((pl.col("referral_date") <= y_end)
                       & (pl.col("closure_date").is_null() | (pl.col("closure_date") >= y_start)))
    factors = pl.concat_str(pl.lit("<FactorsIdentifiedAtAssessment><AssessmentFactors>"),
                            pl.col("factors").str.replace(" ", "</AssessmentFactors><AssessmentFactors>"),
                            pl.lit("</AssessmentFactors></FactorsIdentifiedAtAssessment>"))
    assessment = pl.when(pl.col("assessment_start") <= y_end).then(pl.concat_str(
        pl.lit("<Assessments>"), _el("AssessmentActualStartDate", known("assessment_start")),
        _el("AssessmentAuthorisationDate", known("assessment_auth")),
        pl.when(pl.col("assessment_auth") <= y_end).then(factors).otherwise(pl.lit("")),
        pl.lit("</Assessments>"))).otherwise(pl.lit(""))
    s47 = pl.when(pl.col("s47_start") <= y_end).then(pl.concat_str(
        pl.lit("<Section47>"), _el("S47ActualStartDate", known("s47_start")), _el("InitialCPCtarget", known("icpc_target")),
        _el("DateOfInitialCPC", known("icpc_date")),
        _el("ICPCnotRequired", pl.when(pl.col("icpc_date").is_null() | (pl.col("icpc_date") > y_end))
            .then(pl.col("icpc_not_required").cast(pl.Utf8).str.to_lowercase())),
        pl.lit("</Section47>"))).otherwise(pl.lit(""))
    reviews = pl.lit("")
    if reviewed is not None:
        held = reviewed.filter(pl.col("review") <= y_end).sort("referral_id", "review") \
            .group_by("referral_id", maintain_order=True).agg(pl.col("review").dt.strftime("%Y-%m-%d").alias("held"))
        rows = rows.join(held, on="referral_id", how="left", maintain_order="left")
        reviews = _el("Reviews", pl.concat_str(pl.lit("<CPPreviewDate>"), pl.col("held").list.join(
            "</CPPreviewDate><CPPreviewDate>"), pl.lit("</CPPreviewDate>")))
    cpp = pl.when(pl.col("cpp_start") <= y_end).then(pl.concat_str(
        pl.lit("<ChildProtectionPlans>"), _el("CPPstartDate", known("cpp_start")), _el("CPPendDate", known("cpp_end")),
        _el("InitialCategoryOfAbuse", pl.col("category")), _el("LatestCategoryOfAbuse", pl.col("category")),
        _el("NumberOfPreviousCPP", pl.col("previous_cpp").cast(pl.Utf8)), reviews,
        pl.lit("</ChildProtectionPlans>"))).otherwise(pl.lit(""))
    closed = pl.col("closure_date") <= y_end
    details = pl.concat_str(
        pl.lit("<CINdetails>"), _el("CINreferralDate", known("referral_date")), _el("ReferralSource", pl.col("source")),
        _el("PrimaryNeedCode", pl.col("need")), _el("CINclosureDate", known("closure_date")),
        _el("ReasonForClosure", pl.when(closed).then("reason")),
        _el("ReferralNFA", pl.col("nfa").cast(pl.Utf8).str.to_lowercase()), assessment, s47, cpp, pl.lit("</CINdetails>"))
    gender = (_el("Sex", pl.col("sex").replace_strict({1: "M", 2: "F"}, return_dtype=pl.Utf8)) if year >= 2024
              else _el("GenderCurrent", pl.col("sex").cast(pl.Utf8)))
    children = (rows.sort("child", "referral_date").with_columns(details=details)
                .group_by("child", maintain_order=True)
                .agg(pl.col("details").str.join(""), pl.col("dob").first(), pl.col("sex").first(), pl.col("ethnic").first()))
    codes = pl.lit("")
    if disabled is not None:
        children = children.join(disabled, on="child", how="left", maintain_order="left")
        codes = _el("Disabilities", _el("Disability", pl.col("disabilities").str.replace_all(
            ",", "</Disability><Disability>", literal=True)))
    children = children.select(pl.concat_str(
        pl.lit("<Child><ChildIdentifiers>"), _el("LAchildID", pl.col("child")),
        _el("PersonBirthDate", pl.col("dob").dt.strftime("%Y-%m-%d")), gender,
        pl.lit("</ChildIdentifiers><ChildCharacteristics>"), _el("Ethnicity", pl.col("ethnic")), codes,
        pl.lit("</ChildCharacteristics>"), pl.col("details"), pl.lit("</Child>\n")).alias("xml"))
    header = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection>"
              f"<Year>{year}</Year><ReferenceDate>{y_end.isoformat()}</ReferenceDate></CollectionDetails>"
              f"<Source><SourceLevel>L</SourceLevel><LEA>{la}</LEA><SoftwareCode>carewatch-synth</SoftwareCode>"
              f"<Release>1</Release><SerialNo>1</SerialNo><DateTime>{y_end.isoformat()}T00:00:00</DateTime></Source>"
              f"</Header>\n<Children>\n")
    return header + "".join(children["xml"].to_list()) + "</Children></Message>\n"


def write_cin(out: Path, refs: pl.DataFrame, la: str, first_year: int, last_year: int, as_of: date,
              disabled: pl.DataFrame | None = None, reviewed: pl.DataFrame | None = None) -> list[Path]:
    folder = out / "cin"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in range(first_year, last_year + 1):
        path = folder / f"cin_census_{year}.xml"
        path.write_text(census_xml(refs, la, year, as_of, disabled, reviewed), encoding="utf-8")
        written.append(path)
    return written
