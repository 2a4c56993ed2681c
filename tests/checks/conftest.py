"""The clean cohort fixture shared by the check tests."""
from __future__ import annotations

import polars as pl
import pytest

from .helpers import d, table


@pytest.fixture
def clean_cohort() -> dict[str, pl.DataFrame]:
    """Two children with valid, contiguous records in the 2021-22 return."""
    return {
        "header": table("header", [
            {"child": "C1", "sex": "1", "dob": d("03/02/2010"), "ethnic": "WBRI", "upn": "A123456789012"},
            {"child": "C2", "sex": "2", "dob": d("15/06/2015"), "ethnic": "BAFR", "upn": "UN4"},
        ]),
        "episodes": table("episodes", [
            # C1: one period of care, two episodes joined by X1 on 01/09/2021, then left home E4A
            {"child": "C1", "decom": d("01/04/2021"), "rne": "S", "ls": "C2", "cin": "N1", "place": "U4",
             "place_provider": "PR1", "dec": d("01/09/2021"), "rec": "X1", "reason_place_change": "CARPL"},
            {"child": "C1", "decom": d("01/09/2021"), "rne": "P", "ls": "C2", "cin": "N1", "place": "K2",
             "place_provider": "PR4", "dec": d("10/02/2022"), "rec": "E4A"},
            # C2: still looked after, in a temporary placement (no provider)
            {"child": "C2", "decom": d("20/01/2022"), "rne": "S", "ls": "V2", "cin": "N4", "place": "T1"},
        ]),
        "reviews": table("reviews", [
            {"child": "C1", "dob": d("03/02/2010"), "review": d("28/04/2021"), "review_code": "PN1"},
        ]),
        "missing": table("missing", [
            {"child": "C1", "dob": d("03/02/2010"), "missing": "M", "mis_start": d("02/10/2021"),
             "mis_end": d("03/10/2021")},
        ]),
        "allocations": table("allocations", [
            {"child": "C1", "team": "North", "worker": "W1", "start_date": d("01/04/2021")},
            {"child": "C2", "team": "South", "worker": "W2", "start_date": d("20/01/2022")},
        ]),
        "education": table("education", [
            {"child": "C1", "academic_year": "2021/22", "attendance_pct": 93.5, "school_ofsted": "GOOD"},
        ]),
    }
