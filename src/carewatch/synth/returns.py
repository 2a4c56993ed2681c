"""The SSDA903 return as a council would send it: one file set per collection year, each holding
what was known at the end of that year (episodes still open on 31 March have no DEC), the latest
year running to the extract date."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from carewatch.synth import days as D
from carewatch.synth.care import ADOPTION, Care

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "sw_episodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}


def upn(rng: np.random.Generator, la: np.ndarray, year_allocated: np.ndarray) -> np.ndarray:
    """Valid 13-character UPNs: check letter, LA number, year, 7 digits (DfE check-letter rule:
    digits 2–13 weighted 2–13, the sum modulo 23 picks the letter)."""
    n = len(la)
    la_number = np.asarray(la).astype(np.int64)
    la_digits = np.stack([la_number // 100 % 10, la_number // 10 % 10, la_number % 10], axis=1)
    yy = np.stack([(year_allocated // 10) % 10, year_allocated % 10], axis=1)
    digits = np.concatenate([la_digits, yy, rng.integers(0, 10, (n, 7))], axis=1)
    check = (digits * np.arange(2, 14)).sum(axis=1) % 23
    text = np.asarray(list(UPN_LETTERS))[check]
    for column in range(12):
        text = np.char.add(text, digits[:, column].astype(str))
    return text


def child_facts(rng: np.random.Generator, care: Care) -> pl.DataFrame:
    """What the Header and related tables say about each child, fixed for all years."""
    per = care.periods
    n = len(per)
    girls = per["sex"].to_numpy() == 2
    dob = per["dob"].to_physical().to_numpy().astype(np.int64)
    start = per["start"].to_physical().to_numpy().astype(np.int64)
    end = per["end"].to_physical().to_numpy().astype(np.int64)
    # a few girls become mothers while looked after at 15 (only those who leave care before 16, so
    # no care leaver carries motherhood details the validator would query)
    b15 = D.birthday(dob, 15).astype(np.int64)
    b16 = D.birthday(dob, 16).astype(np.int64)
    window_lo = np.maximum(start, b15)
    mother = girls & (window_lo < end) & (end < b16) & (rng.random(n) < 0.3)
    mc_dob = np.where(mother, window_lo + (rng.random(n) * (end - window_lo)).astype(np.int64), -1)
    birth_year = D.years_of(dob)
    return per.select("pid", "child", "la", "sex", "dob", "ethnic", "uasc", "start", "end", "b18", "route", "rec",
                      "adm_decision", "match", "placement_order", "adopted_by_foster_carer").with_columns(
        upn=pl.Series(upn(rng, per["la"].to_numpy(), birth_year + 5)),
        is_mother=pl.Series(mother), mc_dob=pl.Series(mc_dob).cast(pl.Int32).cast(pl.Date),
    )


def _fmt(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Rows by child then date, dates DD/MM/YYYY, columns in DfE order and case."""
    columns = [c.lower() for c in COLUMNS[table]]
    dates = [c for c in columns if frame.schema[c] == pl.Date]
    frame = frame.sort(["child", *dates, *[c for c in columns if c not in dates and c != "child"]], nulls_last=True)
    frame = frame.with_columns(pl.col(pl.Date).dt.strftime("%d/%m/%Y"))
    frame = frame.rename({c: c.upper() for c in frame.columns})
    return frame.select(COLUMNS[table])


def year_tables(rng: np.random.Generator, care: Care, facts: pl.DataFrame, practice: dict[str, pl.DataFrame],
                year: int) -> dict[str, pl.DataFrame]:
    y_start = date(year - 1, 4, 1)
    y_end = min(date(year, 3, 31), D.to_date(care.as_of))
    ep = care.episodes.filter((pl.col("decom") <= y_end) & (pl.col("dec") >= y_start))
    known_end = pl.col("dec") <= y_end
    episodes = ep.with_columns(
        dec=pl.when(known_end).then("dec"), rec=pl.when(known_end).then("rec"),
        reason_place_change=pl.when(known_end).then("reason_place_change"))
    kids = facts.join(ep.select("pid").unique(), on="pid").sort("pid")
    oc3 = _oc3(rng, facts, y_start, y_end)
    age_end = ((pl.lit(y_end) - pl.col("dob")).dt.total_days() / 365.25).floor()
    sex = pl.col("sex").cast(pl.Utf8)
    if year >= 2025:  # SEX is M/F from 2024-25
        sex = pl.col("sex").replace_strict({1: "M", 2: "F"}, return_dtype=pl.Utf8)
    mother_known = pl.col("is_mother") & (pl.col("mc_dob") <= y_end)
    # Header lists every child in any table: those looked after in the year, and care leavers in
    # OC3 (whose motherhood is not asked once they have left care)
    leavers = (facts.join(oc3.select("pid"), on="pid", how="semi").join(kids.select("pid"), on="pid", how="anti")
               .sort("pid"))
    header = pl.concat([kids.with_columns(looked_after=pl.lit(True)), leavers.with_columns(looked_after=pl.lit(False))]).with_columns(
        sex=sex,
        upn=pl.when(age_end < 4).then(pl.lit("UN1")).when(pl.col("uasc")).then(pl.lit("UN2")).otherwise("upn"),
        mother=pl.when((pl.col("sex") == 2) & pl.col("looked_after")).then(mother_known.cast(pl.Int32).cast(pl.Utf8)),
        mc_dob=pl.when(mother_known).then("mc_dob"),
    ).sort("child")
    out = {"header": header, "episodes": episodes}
    in_year = lambda c: pl.col(c).is_between(y_start, y_end)
    out["reviews"] = practice["reviews"].filter(in_year("review")).join(kids.select("pid"), on="pid")
    out["missing"] = (practice["missing"].filter((pl.col("mis_start") <= y_end) & (pl.col("mis_end") >= y_start))
                      .with_columns(mis_end=pl.when(pl.col("mis_end") <= y_end).then("mis_end")))
    uasc_kids = kids.filter(pl.col("uasc"))
    # DUC is the 18th birthday until status ends some other way (the validator checks it is the
    # same date year after year)
    out["uasc"] = uasc_kids.with_columns(sex=sex, duc=pl.col("dob").dt.offset_by("18y"))
    starters = ep.filter((pl.col("rne") == "S") & in_year("decom")).select("pid").unique()
    prev = kids.join(starters, on="pid").sort("pid")
    # a few had an SGO or child arrangements order before; the order date may be partial (zz/MM/YYYY)
    order_date = prev["start"].to_physical().to_numpy() - rng.integers(200, 1500, len(prev))
    had_order = (rng.random(len(prev)) < 0.05) & (order_date > prev["dob"].to_physical().to_numpy() + 31)
    order_text = pl.Series(order_date).cast(pl.Date).dt.strftime("zz/%m/%Y")
    out["prev_perm"] = prev.with_columns(
        prev_perm=pl.Series(np.where(had_order, np.where(rng.random(len(prev)) < 0.7, "P2", "P3"), "Z1")),
        la_perm=masked(prev["la"].to_numpy(), had_order),
        date_perm=masked(order_text.to_numpy(), had_order))
    adopted = kids.filter(pl.col("rec").is_in(["E11", "E12"]) & in_year("end"))
    couples = rng.random(len(adopted)) < 0.8
    couple_sex = np.asarray(["MF", "MF", "MF", "MM", "FF"])[rng.integers(0, 5, len(adopted))]
    out["ad1"] = adopted.with_columns(
        date_int="adm_decision", date_match="match",
        foster_care=pl.col("adopted_by_foster_carer").cast(pl.Int32),
        nb_adoptr=pl.Series(np.where(couples, "2", "1")),
        sex_adoptr=pl.Series(np.where(couples, couple_sex, np.where(rng.random(len(adopted)) < 0.8, "F1", "M1"))),
        ls_adoptr=pl.Series(np.where(couples, np.where(couple_sex == "MF", "L11", "L12"), "L0")))
    out["placed_adoption"] = kids.filter((pl.col("route") == ADOPTION) & (pl.col("adm_decision") <= y_end)
                                         & (pl.col("adm_decision") < pl.col("end"))).with_columns(
        date_placed="adm_decision", date_placed_ceased=pl.lit(None, pl.Date), reason_placed_ceased=pl.lit(None, pl.Utf8))
    out["oc2"] = _oc2(rng, facts, practice, y_start, y_end, date(year, 3, 31))
    out["oc3"] = oc3
    if year >= 2024:
        out["sw_episodes"] = _sw_episodes(rng, practice["allocations"], kids, y_start, y_end)
    return {name: _fmt(frame, name) for name, frame in out.items()}


def _empty(table: str) -> pl.DataFrame:
    return pl.DataFrame({c.lower(): pl.Series([], dtype=pl.Utf8) for c in COLUMNS[table]})


def masked(values: np.ndarray, keep: np.ndarray) -> pl.Series:
    """``values`` where ``keep``, null elsewhere."""
    values = np.asarray(values)
    if values.dtype == object:  # text: typed as such even when there are no rows
        values = values.astype(str)
    return pl.select(pl.when(pl.Series(keep, dtype=pl.Boolean)).then(pl.Series(values))).to_series()


def _oc2(rng, facts: pl.DataFrame, practice: dict[str, pl.DataFrame], y_start: date, y_end: date, march31: date):
    """Children looked after on 31 March continuously for 12 months or more (in a part year, those
    looked after since before the year began and still looked after at the extract date)."""
    # as the DfE validator reads it: no start after 1 April, no leaving before 31 March
    still_in = pl.col("end") >= march31 if y_end == march31 else pl.col("end") > y_end
    kids = facts.filter((pl.col("start") <= y_start) & still_in)
    n = len(kids)
    if not n:
        return _empty("oc2")
    in_year = lambda c: pl.col(c).is_between(y_start, y_end)
    had_health = practice["health_assessments"].filter(in_year("completed")).select("child").unique()
    had_dental = practice["dental_checks"].filter(in_year("check_date")).select("child").unique()
    def age_on(d: date) -> pl.Expr:
        birthday_in_year = pl.col("dob").dt.month().cast(pl.Int32) * 100 + pl.col("dob").dt.day().cast(pl.Int32)
        return pl.lit(d.year) - pl.col("dob").dt.year() - (pl.lit(d.month * 100 + d.day) < birthday_in_year).cast(pl.Int32)

    kids = kids.with_columns(age=age_on(march31), age_at_start=age_on(y_start - timedelta(days=1))).with_columns(
        health_assessment=pl.col("child").is_in(had_health["child"].implode()).cast(pl.Int32),
        teeth_check=pl.col("child").is_in(had_dental["child"].implode()).cast(pl.Int32))
    ages = kids["age"].to_numpy()
    ages_at_start = kids["age_at_start"].to_numpy()
    misuse = rng.random(n) < np.where(ages >= 12, 0.08, 0.0)
    received = misuse & (rng.random(n) < 0.7)
    # an SDQ (or the reason there is none) for ages 4–16: 4+ at the end of the year, under 17 at its start
    sdq_age = (ages >= 4) & (ages_at_start <= 16)
    sdq = sdq_age & (rng.random(n) < 0.8)
    return kids.with_columns(
        sdq_score=masked(rng.integers(0, 41, n), sdq),
        sdq_reason=masked(np.full(n, "SDQ4"), sdq_age & ~sdq),
        convicted=masked((rng.random(n) < 0.04).astype(int), ages >= 10),
        health_check=masked((rng.random(n) < 0.88).astype(int), ages < 5),
        immunisations=pl.Series((rng.random(n) < 0.86).astype(int)),
        substance_misuse=pl.Series(misuse.astype(int)),
        intervention_received=masked(received.astype(int), misuse),
        intervention_offered=masked(np.ones(n, dtype=int), misuse & ~received),
    )


def _oc3(rng, facts: pl.DataFrame, y_start: date, y_end: date):
    """Care leavers (13+ weeks in care after 14, left at 16+) whose 17th–21st birthday is in the year."""
    leavers = facts.with_columns(
        b14=pl.col("dob").dt.offset_by("14y"), b16=pl.col("dob").dt.offset_by("16y"),
    # (leaving on 31 March still counts as looked after continuously, for OC2, not as a care leaver)
    ).filter((pl.col("end") < y_end if y_end.month == 3 and y_end.day == 31 else pl.col("end") <= y_end)
             & (pl.col("end") > pl.col("b16"))
             & ((pl.col("end") - pl.max_horizontal("start", "b14")).dt.total_days() >= 91)
             & ~pl.col("rec").is_in(["E11", "E12", "E2", "E3"]))
    rows = pl.concat([leavers.with_columns(birthday=pl.col("dob").dt.offset_by(f"{k}y"), turning=pl.lit(k))
                      for k in range(17, 22)])
    # a care leaver on that birthday: left care before it (one leaving on the day is asked next year)
    rows = rows.filter(pl.col("birthday").is_between(y_start, y_end) & (pl.col("birthday") > pl.col("end")))
    n = len(rows)
    if not n:
        return rows.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in ("in_touch", "activ", "accom"))
    touch = np.asarray(["YES", "NO", "REFU", "NREQ"])[rng.choice(4, n, p=[0.9, 0.04, 0.03, 0.03])]
    activ = np.asarray(["F1", "P1", "F2", "P2", "F4", "F5", "P5", "G4", "G5", "G6"])[
        rng.choice(10, n, p=[0.06, 0.01, 0.25, 0.03, 0.05, 0.14, 0.08, 0.08, 0.24, 0.06])]
    turning = rows["turning"].to_numpy()
    # S and X are only ever unsuitable (suffix 2); Z, with former foster carers, not at 17
    letters = np.where(turning == 17, np.asarray(list("BCDEGHKRSTUVWXY"))[rng.integers(0, 15, n)],
                       np.asarray(list("BCDEGHKRSTUVWXYZ"))[rng.integers(0, 16, n)])
    suffix = np.where((rng.random(n) < 0.92) & ~np.isin(letters, ["S", "X"]), "1", "2")
    accom = np.char.add(letters.astype(str), suffix)
    in_touch = touch == "YES"
    return rows.with_columns(in_touch=pl.Series(touch), activ=pl.Series(np.where(in_touch, activ, "0")),
                             accom=pl.Series(np.where(in_touch, accom, "0")))


def _sw_episodes(rng: np.random.Generator, allocations: pl.DataFrame, kids: pl.DataFrame, y_start: date, y_end: date) -> pl.DataFrame:
    sw = allocations.join(kids.select("child", "dob"), on="child").filter(
        (pl.col("start_date") <= y_end) & (pl.col("end_date").is_null() | (pl.col("end_date") >= y_start)))
    # SW_REASON: why the social worker changed to start this episode (the codes' meanings are not
    # published; every episode gets one, as the validator expects from 2023-24)
    reasons = np.asarray(["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "OTHERS"])
    return sw.sort("child", "start_date").with_columns(
        sw_id="worker", sw_decom="start_date", sw_dec=pl.when(pl.col("end_date") <= y_end).then("end_date"),
        sw_reason=pl.Series(reasons[rng.integers(0, len(reasons), len(sw))]))


def write_903(out: Path, rng: np.random.Generator, care: Care, practice: dict[str, pl.DataFrame],
              first_year: int, last_year: int) -> list[Path]:
    facts = child_facts(rng, care)
    written = []
    for year in range(first_year, last_year + 1):
        folder = out / "903" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in year_tables(rng, care, facts, practice, year).items():
            path = folder / f"{name}.csv"
            frame.write_csv(path)
            written.append(path)
    return written
