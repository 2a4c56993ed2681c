"""The small synthetic council: deterministic, quick, and a 903 that obeys the episode rules."""
from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from carewatch.synth import generate

RNE = {"S", "P", "L", "T", "U", "B"}
LS = {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"}
PLACE = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
         "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}
PROVIDER = {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}
REC = {"X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6",
       "E7", "E9", "E14", "E15", "E16", "E17", "E8"}
CIN = {f"N{i}" for i in range(1, 9)}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict, float]:
    out = tmp_path_factory.mktemp("small")
    began = time.perf_counter()
    summary = generate("small", 11, out)
    return out, summary, time.perf_counter() - began


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_quick(small, tmp_path):
    out, summary, seconds = small
    again = generate("small", 11, tmp_path / "again")
    assert again == summary
    assert _digest(out) == _digest(tmp_path / "again")
    assert seconds < 15
    other = generate("small", 12, tmp_path / "other")
    assert _digest(tmp_path / "other") != _digest(out)
    assert other["children"] != summary["children"] or other["episodes"] != summary["episodes"]


def test_layout_and_manifest(small):
    out, _, _ = small
    # history_from: the local records begin a year (366 days) before the 903 history of 1 Apr 2019,
    # PEPs (by term) at it; no record in those tables is older than stated
    cut = "2018-03-31"
    history_from = {"care_plans": cut, "dental_checks": cut, "health_assessments": cut, "pathway_plans": cut,
                    "permanence_meetings": cut, "visits": cut, "peps": "2019-04-01"}
    assert json.loads((out / "manifest.json").read_text()) == {
        "la": "938", "la_name": "Small synthetic council", "extract_date": "2021-11-30",
        "history_from": history_from}
    for table, first in history_from.items():
        frame = pl.read_csv(out / "local" / f"{table}.csv", infer_schema=False)
        dates = [frame[c].str.to_date("%Y-%m-%d", strict=False).min() for c in frame.columns if "DATE" in c
                 or c in ("REQUESTED", "COMPLETED", "AGREED")]
        assert str(min(x for x in dates if x is not None)) >= first, table
    # collection years 2019-20 .. 2021-22 (the last running to the extract date)
    assert sorted(p.name for p in (out / "903").iterdir()) == ["2020", "2021", "2022"]
    assert sorted(p.name for p in (out / "cin").iterdir()) == [f"cin_census_{y}.xml" for y in (2020, 2021, 2022)]
    header = pl.read_csv(out / "903" / "2022" / "header.csv", infer_schema=False)
    assert header.columns == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    population = pl.read_csv(out / "local" / "population.csv")
    assert population.columns == ["LA", "YEAR", "AGE_0_17"]
    plans = pl.read_csv(out / "local" / "permanence_plans.csv", try_parse_dates=True)
    assert plans.schema["CONFIRMED"] in (pl.Date, pl.String)
    assert plans["CONFIRMED"].drop_nulls().cast(pl.Utf8).str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    # about 100 children looked after at the extract date
    episodes = pl.read_csv(out / "903" / "2022" / "episodes.csv", infer_schema=False)
    assert 60 <= episodes.filter(pl.col("DEC").is_null())["CHILD"].n_unique() <= 160


def _episodes(folder: Path) -> pl.DataFrame:
    return pl.read_csv(folder / "episodes.csv", infer_schema=False).with_columns(
        pl.col("DECOM", "DEC").str.to_date("%d/%m/%Y", strict=True)).sort("CHILD", "DECOM")


@pytest.mark.parametrize("year", ["2020", "2021", "2022"])
def test_903_episode_rules(small, year):
    out, _, _ = small
    folder = out / "903" / year
    ep = _episodes(folder)
    assert len(ep) > 50
    assert set(ep["RNE"]) <= RNE and set(ep["LS"]) <= LS and set(ep["PLACE"]) <= PLACE
    assert set(ep["CIN"]) <= CIN and set(ep["REC"].drop_nulls()) <= REC
    assert set(ep["PLACE_PROVIDER"].drop_nulls()) <= PROVIDER
    # every episode lies in or overlaps the collection year, and ends after it starts
    y_start, y_end = date(int(year) - 1, 4, 1), date(int(year), 3, 31)
    assert ep.filter((pl.col("DECOM") > y_end) | (pl.col("DEC") < y_start)).is_empty()
    assert ep.filter(pl.col("DEC") <= pl.col("DECOM")).is_empty()
    # an open episode has no REC; a closed one has one
    assert (ep["DEC"].is_null() == ep["REC"].is_null()).all()
    nxt = ep.with_columns(
        next_decom=pl.col("DECOM").shift(-1).over("CHILD"), next_rne=pl.col("RNE").shift(-1).over("CHILD"))
    # no overlaps; only the child's last episode may be open
    assert nxt.filter(pl.col("next_decom").is_not_null() & (pl.col("DEC").is_null() | (pl.col("next_decom") < pl.col("DEC")))).is_empty()
    # X1 joins contiguous episodes of one period; anything else ends the period and the next starts with S on a later day
    x1 = nxt.filter(pl.col("REC") == "X1")
    assert x1.filter(pl.col("next_decom").is_not_null() & ((pl.col("next_decom") != pl.col("DEC")) | (pl.col("next_rne") == "S"))).is_empty()
    ended = nxt.filter(pl.col("REC").is_not_null() & (pl.col("REC") != "X1") & pl.col("next_decom").is_not_null())
    assert ended.filter((pl.col("next_rne") != "S") | (pl.col("next_decom") <= pl.col("DEC"))).is_empty()
    # the episode after an X1 ends in the year too, so the same file holds it
    assert x1.filter(pl.col("next_decom").is_null()).is_empty()
    # PLACE_PROVIDER may be blank only for temporary and Z1 placements, which are not generated
    assert ep["PLACE_PROVIDER"].null_count() == 0
    header = pl.read_csv(folder / "header.csv", infer_schema=False)
    assert set(ep["CHILD"]) <= set(header["CHILD"])
    assert header["CHILD"].is_unique().all()
    assert set(header["SEX"]) <= {"1", "2"}
    assert header["DOB"].str.to_date("%d/%m/%Y", strict=True).null_count() == 0
    upn = header["UPN"]
    assert upn.str.contains(r"^([A-HJ-NP-RT-Z]\d{12}|UN[1-5])$").all()
    reviews = pl.read_csv(folder / "reviews.csv", infer_schema=False)
    assert set(reviews["CHILD"]) <= set(header["CHILD"])
    assert set(reviews["REVIEW_CODE"]) <= {f"PN{i}" for i in range(8)}


def test_upn_check_letter(small):
    # DfE rule: characters 2-13 weighted 2..13, sum mod 23 indexes ABCDEFGHJKLMNPQRTUVWXYZ
    out, _, _ = small
    header = pl.read_csv(out / "903" / "2022" / "header.csv", infer_schema=False)
    real = [u for u in header["UPN"] if not u.startswith("UN")]
    assert real
    for u in real:
        total = sum(int(c) * w for c, w in zip(u[1:], range(2, 14)))
        assert u[0] == "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]


def test_cin_census_xml(small):
    out, _, _ = small
    root = etree.parse(str(out / "cin" / "cin_census_2022.xml")).getroot()
    assert root.tag == "Message"
    assert root.findtext("Header/CollectionDetails/Year") == "2022"
    children = root.findall("Children/Child")
    assert len(children) > 100
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in children}
    # children who came into care in the year have a referral under their 903 identifier
    ep = _episodes(out / "903" / "2022")
    starters = set(ep.filter((pl.col("RNE") == "S") & (pl.col("DECOM") >= date(2021, 6, 1)))["CHILD"])
    assert starters and starters <= ids
    for detail in root.iter("CINdetails"):
        assert detail.findtext("CINreferralDate") <= "2021-11-30"
        assert detail.findtext("PrimaryNeedCode") in {f"N{i}" for i in range(10)}


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown profile 'county'"):
        generate("county", 1, tmp_path)
    with pytest.raises(ValueError, match="after the profile's history start"):
        generate("small", 1, tmp_path, as_of=date(2019, 4, 1))


def test_earlier_extract_date_cuts_the_same_history(small, tmp_path):
    # the same seed as of 30 June 2021 shows the same episodes, only those begun by then, with
    # episodes still open on that date left open
    out, _, _ = small
    generate("small", 11, tmp_path, as_of=date(2021, 6, 30))
    full = _episodes(out / "903" / "2022").filter(pl.col("DECOM") <= date(2021, 6, 30))
    cut = _episodes(tmp_path / "903" / "2022")
    assert cut.select("CHILD", "DECOM", "RNE", "LS", "PLACE").equals(full.select("CHILD", "DECOM", "RNE", "LS", "PLACE"))
    closed_by_then = full["DEC"] <= date(2021, 6, 30)
    assert cut["DEC"].equals(full["DEC"].zip_with(closed_by_then.fill_null(False), pl.Series([None] * len(full), dtype=pl.Date)))
    assert json.loads((tmp_path / "manifest.json").read_text())["extract_date"] == "2021-06-30"
