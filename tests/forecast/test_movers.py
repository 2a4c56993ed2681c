"""Each leaver's destination: drawn one by one (a council) or split per destination (national
scale); both are the multinomial of the month's transition probabilities."""
from __future__ import annotations

import numpy as np
import pytest

from carewatch.forecast.simulate import _Movers
from carewatch.forecast.states import N_STATES, OUT


def _matrix(sims: int) -> np.ndarray:
    # from state 0: stay 0.5, to state 1 0.2, to state 2 0.1, leave care 0.2; every other state stays
    m = np.eye(N_STATES + 1)
    m[0, [0, 1, 2, OUT]] = [0.5, 0.2, 0.1, 0.2]
    return np.broadcast_to(m, (sims, N_STATES + 1, N_STATES + 1)).copy()


@pytest.mark.parametrize("way", ["_one_by_one", "_split"])
def test_leavers_go_where_the_probabilities_say(way):
    # 400 simulations, 5,000 leavers of state 0 each (2,000,000 draws in all): of the leavers,
    # 0.2 / 0.5 = 40% go to state 1, 20% to state 2 and 40% leave care. Every leaver goes somewhere.
    # Per simulation the count in state 1 is binomial(5000, 0.4): mean 2000, variance 1200.
    sims = 400
    movers = _Movers(_matrix(sims))
    leave = np.zeros((sims, 1, N_STATES), dtype=np.int64)
    leave[:, 0, 0] = 5000
    rng = np.random.default_rng(5)
    if way == "_one_by_one":
        arrived, left = movers._one_by_one(rng, leave, int(leave.sum()))
    else:
        arrived, left = movers._split(rng, leave)
    assert np.array_equal(arrived[:, 0, 1] + arrived[:, 0, 2] + left[:, 0, 0], leave[:, 0, 0])
    assert arrived[:, 0, 3:].sum() == 0 and left[:, 0, 1:].sum() == 0
    # means within 4 standard errors (sqrt(1200 / 400) = 1.7 for state 1)
    assert arrived[:, 0, 1].mean() == pytest.approx(2000, abs=7)
    assert arrived[:, 0, 2].mean() == pytest.approx(1000, abs=6)          # variance 900
    assert arrived[:, 0, 1].var() == pytest.approx(1200, rel=0.2)


def test_many_leavers_are_split_few_drawn_one_by_one(monkeypatch):
    # 2 simulations x 1 stream x 24 states x 25 destinations = 1,200 binomials to split: about 5,000
    # leavers each of 2 x 10,000 children (half leave) are split; about 50 of 2 x 100 one by one.
    movers = _Movers(_matrix(2))
    used = []
    for way in ("_one_by_one", "_split"):
        real = getattr(movers, way)
        monkeypatch.setattr(movers, way, lambda *a, real=real, way=way: used.append(way) or real(*a))
    for children in (10_000, 100):
        counts = np.zeros((2, 1, N_STATES), dtype=np.int64)
        counts[:, 0, 0] = children
        moved = movers.draw(np.random.default_rng(1), counts)
        # nobody arrives anywhere but states 0 (stayed), 1 and 2; about half stay
        assert moved[:, 0, 3:].sum() == 0 and moved[:, 0, :3].sum(axis=-1).max() <= children
        assert moved[:, 0, 0].mean() == pytest.approx(children * 0.5, rel=0.1)
    assert used == ["_split", "_one_by_one"]
