"""Practice chains, the permanence plans of periods begun before the 903 history, and the
adoption decision date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from carewatch.synth import generate
from carewatch.synth.care import ADOPTION, simulate
from carewatch.synth.practice import chain
from carewatch.synth.profiles import DEMO


def test_chain_late_days_as_a_function_of_the_due_date():
    # One owner, in from day 0 to day 130, first event due day 100, then 10 days after each one;
    # never on time. Lateness is at most 1 day for events due before day 110 (so exactly 1), at
    # most 40 days after: due 100 -> done 101; due 111 -> done 112..151; the chain stops at the
    # first event done after day 130.
    owner, due, done, step = chain(np.random.default_rng(3), np.array([0]), np.array([130]), np.array([100]),
                                   lambda d, owners, s: d + 10, lambda d: np.zeros(len(d)), 0,
                                   lambda d: np.where(d < 110, 1, 40))
    assert due[0] == 100 and done[0] == 101 and step[0] == 0
    assert due[1] == 111 and 112 <= done[1] <= 130
    assert (done[1:] - due[1:] >= 1).all() and (done[1:] - due[1:] <= 40).all()
    assert (done <= 130).all() and list(step) == list(range(len(step)))
    # a fixed bound still works: always 1 day late, events due 100, 111, 122 (done 101, 112, 123)
    _, due, done, _ = chain(np.random.default_rng(3), np.array([0]), np.array([130]), np.array([100]),
                            lambda d, owners, s: d + 10, lambda d: np.zeros(len(d)), 0, 1)
    assert list(due) == [100, 111, 122] and list(done) == [101, 112, 123]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small_practice")
    generate("small", 5, out)
    return out


def _read_903(out: Path, table: str) -> pl.DataFrame:
    return pl.concat([pl.read_csv(p, infer_schema=False) for p in sorted((out / "903").glob(f"*/{table}.csv"))])


def test_plan_of_a_period_begun_before_the_history_is_dated_within_what_the_903_shows(small):
    # The 903 files begin on 1 April 2019, so a child in care since earlier shows a period starting
    # at the first episode open then. Its permanence plan must be agreed between that start and
    # the second review the files hold (the indicator's "plan by the second review").
    dmy = "%d/%m/%Y"
    episodes = _read_903(small, "episodes").select("CHILD", pl.col("DECOM").str.to_date(dmy)).unique()
    first_shown = episodes.group_by("CHILD").agg(pl.col("DECOM").min().alias("shown_start"))
    second_review = (_read_903(small, "reviews").select("CHILD", pl.col("REVIEW").str.to_date(dmy)).unique()
                     .sort("CHILD", "REVIEW").group_by("CHILD", maintain_order=True)
                     .agg(pl.col("REVIEW").get(1, null_on_oob=True).alias("second")).drop_nulls())
    plans = pl.read_csv(small / "local" / "permanence_plans.csv", schema_overrides={"CHILD": pl.Utf8},
                        try_parse_dates=True)
    before_history = first_shown.filter(pl.col("shown_start") < date(2019, 4, 1)).join(second_review, on="CHILD")
    assert before_history.height > 20
    planned = (before_history.join(plans, on="CHILD", how="left")
               .group_by("CHILD").agg(((pl.col("AGREED") >= pl.col("shown_start"))
                                       & (pl.col("AGREED") <= pl.col("second"))).any().alias("ok")))
    assert planned["ok"].all()


def test_adoption_decision_never_before_care_began():
    # DfE rule 1003: DATE_PLACED (the decision to place for adoption) is not before the child
    # started to be looked after. The decision falls 20-119 days before the placement order,
    # which can itself come 100 days in, so without the floor a few would fall before the start.
    care = simulate(DEMO, 7, date(2021, 11, 30))
    adopted = care.periods.filter(pl.col("route") == ADOPTION)
    assert adopted.height > 500
    assert (adopted["adm_decision"] > adopted["start"]).all()
