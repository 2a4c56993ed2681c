"""The synthetic councils' Annex A tables: their own random stream (every other file of an extract
is byte for byte what it is without them) and consistent with the rest of the extract."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import carewatch.synth as synth
from carewatch.synth import generate
from carewatch.synth.annex import COLUMNS

ANNEX = {f"local/{name}.csv" for name in COLUMNS}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small-annex")
    generate("small", 11, out)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _local(out: Path, name: str) -> pl.DataFrame:
    frame = pl.read_csv(out / "local" / f"{name}.csv", infer_schema=False)
    return frame.with_columns(pl.col(c).str.to_date("%Y-%m-%d") for c in frame.columns
                              if "DATE" in c or c in ("START", "END", "STAGE1_START", "STAGE1_END", "STAGE2_START",
                                                      "STAGE2_END", "MISSING_START"))


def test_the_other_tables_are_unchanged_without_them(small, tmp_path, monkeypatch):
    # the same council with the Annex A tables left empty: every other file has the same bytes
    monkeypatch.setattr(synth, "annex_tables", lambda *args: {
        name: pl.DataFrame(schema={c: pl.Utf8 for c in columns}) for name, columns in COLUMNS.items()})
    generate("small", 11, tmp_path)
    with_annex, without = _digest(small), _digest(tmp_path)
    assert set(with_annex) == set(without) and ANNEX <= set(with_annex)
    assert {k: v for k, v in with_annex.items() if k not in ANNEX} == {k: v for k, v in without.items() if k not in ANNEX}
    assert all(with_annex[k] != without[k] for k in ANNEX)  # the real tables have rows


def test_headers_are_the_import_columns(small):
    assert _local(small, "contacts").columns == ["CHILD", "CONTACT_DATE", "SOURCE"]
    assert _local(small, "early_help").columns == ["CHILD", "START", "END", "ORGANISATION"]
    assert _local(small, "return_interviews").columns == [
        "CHILD", "MISSING_START", "OFFERED", "ACCEPTED"]
    assert _local(small, "adopters").columns[:3] == ["ADOPTER", "FAMILY", "GENDER"]


def _referrals(out: Path) -> pl.DataFrame:
    from carewatch.sources import read_inputs

    return read_inputs([out / "cin"]).tables["cin_referrals"]


def test_contacts_come_before_referrals(small):
    contacts = _local(small, "contacts")
    # contacts are sent for the 13 months (396 days) to 30 Nov 2021: from 30 Oct 2020
    assert contacts["CONTACT_DATE"].min() >= date(2020, 10, 30)
    referrals = _referrals(small).filter(pl.col("referral_date") >= date(2020, 11, 6))
    # every referral has a contact of the same child within the week before it
    joined = referrals.join(contacts, left_on="child", right_on="CHILD").filter(
        (pl.col("CONTACT_DATE") <= pl.col("referral_date"))
        & (pl.col("CONTACT_DATE") >= pl.col("referral_date") - pl.duration(days=7)))
    assert joined["child"].n_unique() == referrals["child"].n_unique()
    assert contacts["CONTACT_DATE"].max() <= date(2021, 11, 30)


def test_return_interviews_follow_missing_episodes_and_acceptance_needs_an_offer(small):
    interviews = _local(small, "return_interviews")
    missing = pl.concat([pl.read_csv(p, infer_schema=False) for p in (small / "903").rglob("missing.csv")]).filter(
        pl.col("MISSING") == "M").select("CHILD", MISSING_START=pl.col("MIS_START").str.to_date("%d/%m/%Y")).unique()
    assert interviews.height > 0
    assert interviews.join(missing, on=["CHILD", "MISSING_START"], how="anti").height == 0
    assert interviews.filter((pl.col("ACCEPTED") == "Y") & (pl.col("OFFERED") == "N")).height == 0


def test_personal_advisers_are_for_care_leavers_and_iro_contacts_in_care(small):
    header = pl.concat([pl.read_csv(p, infer_schema=False) for p in (small / "903").rglob("header.csv")]).select(
        "CHILD", DOB=pl.col("DOB").str.to_date("%d/%m/%Y")).unique("CHILD")
    advisers = _local(small, "personal_advisers").join(header, on="CHILD")
    assert advisers.height == _local(small, "personal_advisers").height > 0
    # from 16 (a personal adviser is for a child leaving care) to 21
    age = (pl.col("START") - pl.col("DOB")).dt.total_days() / 365.25
    assert advisers.filter(age < 15.99).height == 0
    episodes = pl.concat([pl.read_csv(p, infer_schema=False) for p in (small / "903").rglob("episodes.csv")])
    in_care = set(episodes["CHILD"])
    assert set(_local(small, "iro_contacts")["CHILD"]) <= in_care


def test_adopters_move_through_the_stages_in_order(small):
    adopters = _local(small, "adopters")
    assert adopters.height > 0
    steps = ["ENQUIRY_DATE", "STAGE1_START", "STAGE1_END", "STAGE2_START", "STAGE2_END", "APPROVAL_DATE",
             "MATCH_DATE", "PLACED_DATE", "ADOPTION_ORDER_DATE"]
    for earlier, later in zip(steps, steps[1:]):
        assert adopters.filter(pl.col(later) < pl.col(earlier)).height == 0, later
        # no step without the one before it
        assert adopters.filter(pl.col(later).is_not_null() & pl.col(earlier).is_null()).height == 0, later
    # one or two adopters a family
    assert adopters.group_by("FAMILY").len()["len"].is_between(1, 2).all()


def test_leaver_contacts_fall_within_a_personal_advisers_time(small):
    contacts, advisers = _local(small, "leaver_contacts"), _local(small, "personal_advisers")
    assert contacts.height > 0
    within = contacts.join(advisers, on="CHILD").filter(
        (pl.col("LEAVER_CONTACT_DATE") >= pl.col("START"))
        & (pl.col("END").is_null() | (pl.col("LEAVER_CONTACT_DATE") <= pl.col("END"))))
    assert within.select("CHILD", "LEAVER_CONTACT_DATE").unique().height == contacts.height
    assert contacts["LEAVER_CONTACT_DATE"].max() <= date(2021, 11, 30)


def test_adoption_matches_link_903_children_to_adopters_families():
    # the demo council (the small one has too few adopters to show it): each family is one of the
    # adopters', matched within 90 days of the child, holding no more children than it had placed
    from demo_council import demo_home

    out = demo_home().root.parent / "extracts"
    matches, adopters = _local(out, "adoption_matches"), _local(out, "adopters")
    families = adopters.group_by("FAMILY").agg(pl.col("MATCH_DATE").min(),
                                               pl.col("CHILDREN_PLACED").cast(pl.Int64).max().fill_null(1))
    joined = matches.join(families, on="FAMILY", suffix="_FAMILY")
    assert joined.height == matches.height > 20
    assert joined.filter((pl.col("MATCH_DATE") - pl.col("MATCH_DATE_FAMILY")).abs() > pl.duration(days=90)).height == 0
    assert joined.group_by("FAMILY").agg(pl.len() <= pl.col("CHILDREN_PLACED").first())["len"].all()
    header = pl.concat([pl.read_csv(p, infer_schema=False) for p in (out / "903").rglob("header.csv")])
    assert set(matches["CHILD"]) <= set(header["CHILD"])
