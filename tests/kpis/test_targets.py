"""The target in force: one source for every RAG (carewatch.kpis.targets)."""
from dataclasses import replace
from datetime import date as d

import polars as pl

from carewatch.kpis import REGISTRY, kpi_series
from carewatch.kpis.targets import in_force, target_of, with_target
from carewatch.settings import DEFAULT

EXTRACT = d(2021, 3, 31)


def test_an_admins_edit_over_the_settings_over_the_default():
    visits, a1 = REGISTRY["visits_on_time"], REGISTRY["adoption_a1_days"]
    council = replace(DEFAULT, kpi_targets={"visits_on_time": 95.0}, adoption_a1_threshold=400)
    assert target_of(visits, DEFAULT) == 100.0                      # the documented default
    assert target_of(visits, council) == 95.0                        # carewatch.toml
    assert target_of(visits, council, {"visits_on_time": 90.0}) == 90.0  # the dashboard's edit
    assert target_of(a1, council) == 400.0                           # the setting A1 names
    assert target_of(a1, council, {"adoption_a1_days": 365.0}) == 365.0
    assert in_force(council, {"visits_on_time": 90.0}).target("visits_on_time") == 90.0


def test_every_default_target_says_where_it_comes_from():
    targeted = [k for k in REGISTRY.values() if target_of(k, DEFAULT) is not None]
    # the seed's Appendix 1 indicators: 33 of the 72 have a target (docs/kpis.md says why the
    # rest, figures of demand and activity, have none)
    assert len(targeted) == 33
    assert [k.id for k in targeted if not k.target_basis or k.polarity is None] == []
    assert with_target(in_force(DEFAULT)) == [k.id for k in targeted]
    for kpi_id in ("care_plan_reviewed", "visits_on_time", "permanence_plan_by_second_review", "iha_within_20wd",
                   "rha_on_time", "health_assessment_up_to_date", "dental_check_up_to_date", "pep_in_timescale",
                   "foster_utilisation", "ks4_any_pass", "residential_breakdowns_12m"):
        assert kpi_id in with_target(in_force(DEFAULT)), kpi_id


def test_kpi_series_rates_values_against_the_target_in_force(snap):
    # reviews: February 1 of 2 on time (50.0), March 2 of 2 (100.0); computed with the default 100
    snap.add("reviews", {"child": "x"})
    snap.child("a", d(2020, 6, 1)).child("b", d(2020, 6, 1))
    snap.duty("REVIEW", "a", d(2020, 9, 1), d(2021, 2, 10), done=d(2021, 2, 1), seq=2)
    snap.duty("REVIEW", "b", d(2020, 9, 1), d(2021, 2, 12), done=d(2021, 2, 20), seq=2)
    snap.duty("REVIEW", "a", d(2021, 2, 1), d(2021, 3, 10), done=d(2021, 3, 1), seq=3)
    snap.duty("REVIEW", "b", d(2021, 2, 20), d(2021, 3, 12), done=d(2021, 3, 2), seq=3)
    snap.run("reviews_on_time", EXTRACT)
    snap.con.execute("INSERT OR REPLACE INTO meta VALUES ('extract_date', '2021-04-15')")

    def rated(targets):
        frame = kpi_series(snap.con, "reviews_on_time", targets=targets)
        return frame.filter(pl.col("period_end") >= d(2021, 2, 28)).select("period_end", "value", "target", "rag").rows()

    # as stored at import: 50.0 < 100 - 5 red; 100.0 green
    assert rated(None) == [(d(2021, 2, 28), 50.0, 100.0, "red"), (d(2021, 3, 31), 100.0, 100.0, "green")]
    # an admin sets 52: 50.0 is within 5 points below it (amber); 100.0 meets it (green)
    assert rated(in_force(DEFAULT, {"reviews_on_time": 52.0})) == [
        (d(2021, 2, 28), 50.0, 52.0, "amber"), (d(2021, 3, 31), 100.0, 52.0, "green")]
    # 45: both meet it
    assert rated(in_force(DEFAULT, {"reviews_on_time": 45.0}))[0] == (d(2021, 2, 28), 50.0, 45.0, "green")
    # lower is better (a council's polarity setting): 50.0 against 45 is 5 points above, amber;
    # 100.0 is red
    lower = replace(DEFAULT, kpi_polarity={"reviews_on_time": "lower"})
    assert [r[3] for r in rated(in_force(lower, {"reviews_on_time": 45.0}))] == ["amber", "red"]
    # an indicator with no target in force has no RAG, whatever was stored
    none = replace(DEFAULT, kpi_polarity={"reviews_on_time": None})
    assert {r[3] for r in rated(in_force(none))} == {None}


def test_month_to_date_and_no_data_keep_their_rag(snap):
    snap.child("a", d(2020, 1, 1))
    snap.run("visits_on_time", EXTRACT)  # visits not imported: "no data" every month
    snap.con.execute("INSERT OR REPLACE INTO meta VALUES ('extract_date', '2021-03-31')")
    frame = kpi_series(snap.con, "visits_on_time", targets=in_force(DEFAULT, {"visits_on_time": 0.0}))
    assert set(frame["rag"].to_list()) == {"no data"}
