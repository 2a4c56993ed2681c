"""The care simulation's time levers: the date it runs to, the move rate over time and the
Permanence Panel (docs/synth.md "Placement moves" and "Drift")."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from carewatch.synth.care import simulate
from carewatch.synth.profiles import PROFILES

COLUMNS = ["child", "decom", "rne", "ls", "place"]


def test_the_demo_to_march_2022_is_the_same_council():
    # the demo simulates to 31 March 2022 whatever the extract date, so its figures at March 2021
    # (default extract) and March 2022 (--as-of 2022-03-31) describe one council
    demo = PROFILES["demo"]
    assert demo.simulated_to == date(2022, 3, 31)
    default = simulate(demo, 7, demo.default_as_of).episodes
    later = simulate(demo, 7, date(2022, 3, 31)).episodes
    assert default.select(COLUMNS).equals(later.select(COLUMNS))
    # without it (the small council) a later extract date simulates further and draws anew
    small = PROFILES["small"]
    assert small.simulated_to is None
    a = simulate(small, 7, small.default_as_of).episodes
    b = simulate(small, 7, date(2022, 3, 31)).episodes
    assert not a.select(COLUMNS).equals(b.select(COLUMNS))


def _moves_after(episodes: pl.DataFrame, day: date) -> pl.DataFrame:
    # a move's reason sits on the episode before it, which ends on the move's date
    return episodes.filter(pl.col("reason_place_change").is_not_null() & (pl.col("dec") >= day))


def test_move_intensity_is_the_move_rate_over_time():
    # no moves from January 2020: every placement change after it is one the route makes (an
    # adoptive, long-term or special guardian's placement: reason CARPL, or PLACE for the same
    # carer made long-term), never a breakdown (the other reasons: ALLEG, CHILD, LAREQ, ...)
    small = PROFILES["small"]
    quiet = replace(small, move_intensity={(2015, 4): 1.0, (2019, 12): 1.0, (2020, 1): 0.0})
    day = date(2020, 1, 1)
    routed = pl.col("reason_place_change").is_in(["CARPL", "PLACE"])
    stopped = _moves_after(simulate(quiet, 5, small.default_as_of).episodes, day)
    assert stopped.height > 0 and stopped.filter(~routed).height == 0
    usual = _moves_after(simulate(small, 5, small.default_as_of).episodes, day)
    assert usual.filter(~routed).height > 0
    # the rate before the change is the profile's: the same change points up to the end of 2019
    # (moves are drawn at a fixed peak rate and thinned, so a later change keeps them)
    before = pl.col("dec") < day
    dates = ["child", "decom", "dec"]
    assert (simulate(quiet, 5, small.default_as_of).episodes.filter(before).select(dates)
            .equals(simulate(small, 5, small.default_as_of).episodes.filter(before).select(dates)))
