"""The demand model on a tiny hand-worked cohort: rates, one month's projection, the history arrays."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from carewatch.derive import derive_periods_and_placements
from carewatch.forecast.model import fit, project_mean
from carewatch.forecast.states import GROUPS, OUT, load_history, state_index
from duties.cohort import child, episode, insert, new_snapshot

FOST, RES, IND = GROUPS.index("fostering"), GROUPS.index("residential"), GROUPS.index("independent")
B5, B10, B16 = 1, 2, 3  # age bands 5-9, 10-15, 16-17


def hand_cohort():
    """The cohort of ``history`` in an in-memory snapshot (periods derived)."""
    con = new_snapshot()
    for c, dob in (("A", date(2008, 6, 1)), ("B", date(2008, 6, 1)), ("C", date(2008, 6, 1)),
                   ("D", date(2003, 2, 10)), ("E", date(2011, 1, 20)), ("V", date(2008, 6, 1))):
        child(con, c, dob)
    episode(con, "A", date(2020, 12, 1))
    episode(con, "B", date(2020, 12, 1), date(2021, 1, 11), rec="X1")
    episode(con, "B", date(2021, 1, 11), rne="P", place="K2", row=3)
    episode(con, "C", date(2021, 2, 1), date(2021, 2, 15), rec="E4A")
    episode(con, "D", date(2020, 12, 1), date(2021, 2, 10), place="H5", ls="V2", rec="E17")
    insert(con, "uasc", child="D", dob=date(2003, 2, 10), duc=date(2021, 2, 10), year=2021)
    episode(con, "E", date(2020, 12, 1), place="U1")
    episode(con, "V", date(2021, 2, 5), date(2021, 2, 6), ls="V3", rec="E4A")
    derive_periods_and_placements(con)
    return con


@pytest.fixture(scope="module")
def history():
    """Window: January and February 2021 (31 + 28 = 59 days).

    A  10-15, fostering U4 since 2020-12-01, still there: 59 fostering days.
    B  10-15, fostering U4 since 2020-12-01, moves to K2 on 11 January (X1): 10 fostering days
       (1-10 Jan), 21 + 28 = 49 residential days; one move fostering -> residential.
    C  10-15, starts 1 February in U4, goes home 15 February (E4A): one entry, 14 fostering days,
       one move fostering -> out.
    D  UASC, born 2003-02-10, in H5 since 2020-12-01, ceases on the 18th birthday 10 February
       (E17): 31 + 9 = 40 independent-living days at 16-17, one move -> out (turned 18).
    E  born 2011-01-20, fostering U1 since 2020-12-01, turns 10 on 20 January: 19 days fostering
       at 5-9, one ageing move to fostering 10-15, then 12 + 28 = 40 days there.
    V  a short break (V3) in February: left out of everything.
    """
    return load_history(hand_cohort(), date(2021, 1, 1), date(2021, 2, 28))


def test_exposure_moves_entries_and_stock(history):
    f10, r10, f5, i16 = (state_index(B10, FOST), state_index(B10, RES), state_index(B5, FOST),
                         state_index(B16, IND))
    jan, feb = 0, 1
    # fostering 10-15: January A 31 + B 10 + E 12 = 53; February A 28 + C 14 + E 28 = 70
    assert history.exposure[jan, f10] == 53 and history.exposure[feb, f10] == 70
    assert history.exposure[:, r10].tolist() == [21, 28]
    assert history.exposure[:, f5].tolist() == [19, 0]
    assert history.exposure[:, i16].tolist() == [31, 9]
    assert history.exposure.sum() == 53 + 70 + 49 + 19 + 40
    assert history.moves[jan, f10, r10] == 1 and history.moves[feb, f10, OUT] == 1
    assert history.moves[jan, f5, f10] == 1 and history.moves[feb, i16, OUT] == 1
    assert history.moves.sum() == 4
    assert history.entries[feb, 0, f10] == 1 and history.entries.sum() == 1
    # month-ends: 31 Jan A, E (fostering 10-15), B (residential), D (UASC); 28 Feb: D has left
    assert history.stock[jan, 0, f10] == 2 and history.stock[jan, 0, r10] == 1 and history.stock[jan, 1, i16] == 1
    assert history.stock[feb].sum() == 3 and history.stock[feb, 1].sum() == 0


def test_rates_and_one_month_projection(history):
    f10, r10, f5, i16 = (state_index(B10, FOST), state_index(B10, RES), state_index(B5, FOST),
                         state_index(B16, IND))
    rates = fit(history, origin=1, window=2)
    # fostering 10-15: 123 child-days (53 + 70); one move to residential and one out of care
    assert rates.moves[f10, r10] == pytest.approx(1 / 123) and rates.moves[f10, OUT] == pytest.approx(1 / 123)
    assert rates.moves[f5, f10] == pytest.approx(1 / 19)      # ageing: 1 birthday in 19 days
    assert rates.moves[i16, OUT] == pytest.approx(1 / 40)     # turned 18
    assert rates.moves[r10].sum() == 0                        # 49 days, no move
    assert rates.entries[0, f10] == pytest.approx(1 / 59)     # one entry in 59 days
    # March (31 days) from 28 February's stock (fostering 10-15: A, E; residential: B).
    # Fostering is left at a = 2/123 a day, half to residential, half out of care:
    #   stay 31 days: (121/123)^31 = 0.60157; to residential: (1 - 0.60157) / 2 = 0.19921
    # Entries: 31/59 = 0.52542 arrive mid-month and move for 15 days: (121/123)^15 = 0.78199 stay,
    #   (1 - 0.78199) / 2 = 0.10900 reach residential.
    # fostering: 2 x 0.60157 + 0.52542 x 0.78199 = 1.61402
    # residential: 1 + 2 x 0.19921 + 0.52542 x 0.10900 = 1.45570
    march = project_mean(history.stock[1], rates, np.array([31]))[0]
    assert march[0, f10] == pytest.approx(2 * (121 / 123) ** 31 + 31 / 59 * (121 / 123) ** 15, abs=1e-9)
    assert march[0, f10] == pytest.approx(1.61402, abs=1e-5)
    assert march[0, r10] == pytest.approx(1.45570, abs=1e-5)
    assert march[1].sum() == 0
    assert math.isclose(march.sum(), 1.61402 + 1.45570, abs_tol=1e-4)
