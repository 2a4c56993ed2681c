"""A scenario's change to the fitted rates, on the hand-worked cohort's rates."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from carewatch.forecast.model import fit
from carewatch.forecast.scenarios import adjust_of
from carewatch.forecast.simulate import adjust
from carewatch.forecast.states import GROUPS, N_GROUPS, OUT, state_index

from .test_model import history  # noqa: F401 - the fixture

F10, R10 = state_index(2, GROUPS.index("fostering")), state_index(2, GROUPS.index("residential"))


def test_entries_uasc_and_one_move(history):  # noqa: F811
    rates = fit(history, origin=1, window=2)
    change = adjust_of(SimpleNamespace(entries_pct=-20, uasc_per_month=6.0, move_from="fostering",
                                       move_to="residential", move_pct=50))
    changed = adjust(rates, change, days_per_month=30)
    # entries: 1/59 a day, 20% fewer: 0.8/59
    assert changed.entries[0, F10] == pytest.approx(0.8 / 59)
    # no UASC entry in the window: 6 a month arrive 16-17 and fostered, 6/30 = 0.2 a day
    assert changed.entries[1].sum() == pytest.approx(0.2)
    assert changed.entries[1, 3 * N_GROUPS + GROUPS.index("fostering")] == pytest.approx(0.2)
    # fostering -> residential 1/123 a day, 50% more: 1.5/123; fostering -> out unchanged
    assert changed.moves[F10, R10] == pytest.approx(1.5 / 123)
    assert changed.moves[F10, OUT] == pytest.approx(1 / 123)
    # the fitted rates themselves are untouched
    assert rates.moves[F10, R10] == pytest.approx(1 / 123) and rates.entries[1].sum() == 0


def test_leaving_care_change(history):  # noqa: F811
    rates = fit(history, origin=1, window=2)
    change = adjust_of(SimpleNamespace(entries_pct=0, uasc_per_month=None, move_from="fostering",
                                       move_to="out", move_pct=-100))
    assert adjust(rates, change).moves[F10, OUT] == 0
    assert adjust(rates, change).moves[F10, R10] == pytest.approx(1 / 123)
