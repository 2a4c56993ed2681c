"""UASC against the NTS threshold and projected spend, on hand-made simulations."""
from __future__ import annotations

from datetime import date

import numpy as np

from carewatch.forecast.service import nts_reached, spend_per_year
from carewatch.forecast.states import GROUPS, N_STATES, state_index
from carewatch.settings import DEFAULT

ENDS = [date(2022, 1, 31), date(2022, 2, 28), date(2022, 3, 31)]


def test_month_the_threshold_is_reached():
    # ten simulations of UASC looked after over three month-ends, threshold 10:
    # sims 0-3 reach it in January, 4-6 in February, 7 in March, 8-9 never (within 3 months)
    uasc = np.array([[10, 11, 12]] * 4 + [[9, 10, 10]] * 3 + [[8, 9, 10]] + [[5, 6, 7]] * 2)
    out = nts_reached(uasc, 10.0, ENDS)
    # first months sorted: 0,0,0,0,1,1,1,2,3,3 -> 10th percentile (lower) 0, median 1, 90th 3 (never)
    assert out == {"threshold": 10.0, "reached_p10": ENDS[0], "reached_p50": ENDS[1], "reached_p90": None,
                   "share_reaching": 80.0}
    assert nts_reached(uasc, None, ENDS)["reached_p50"] is None


def test_spend_per_year():
    # one simulation, two months (31 and 28 days): 2 fostered 10-15 and 1 in a children's home,
    # then 1 fostered (another is a UASC child, stream 1) and 1 in a children's home.
    # January: (2 x 600 + 1 x 5000) x 31/7 = 6200 x 31/7 = 27457.14
    # February: (2 x 600 + 1 x 5000) x 28/7 = 6200 x 4 = 24800; total 52257
    sim = np.zeros((1, 2, 2, N_STATES), dtype=np.int64)
    fost, res = state_index(2, GROUPS.index("fostering")), state_index(2, GROUPS.index("residential"))
    sim[0, 0, 0, fost], sim[0, 0, 0, res] = 2, 1
    sim[0, 1, 0, fost], sim[0, 1, 1, fost], sim[0, 1, 0, res] = 1, 1, 1
    spend = spend_per_year(sim, np.array([31, 28]), DEFAULT)
    assert spend.rows() == [(1, 2, 52257, 52257, 52257)]
