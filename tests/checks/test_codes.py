"""Code lists (DOMAIN.md A2-A3): each bad value gives one code.unknown naming value and column."""
from __future__ import annotations

import pytest

from carewatch.checks import run_checks
from carewatch.checks.codes import check_codes

from .helpers import d, located, only, table

# (table, the row's columns, the bad column as the file names it, the bad value, expected list)
UNKNOWN_CASES = [
    ("episodes", {"place": "X9"}, "PLACE", "X9", "A3, A4"),
    ("episodes", {"ls": "C3"}, "LS", "C3", "C1, C2, D1"),
    ("episodes", {"rne": "Q"}, "RNE", "Q", "S, L, P, T, B or U"),
    ("episodes", {"cin": "N9"}, "CIN", "N9", "N7 or N8"),
    ("episodes", {"place_provider": "PR6"}, "PLACE_PROVIDER", "PR6", "PR4 or PR5"),
    ("episodes", {"rec": "E4"}, "REC", "E4", "E4A, E4B"),
    ("episodes", {"reason_place_change": "MOVE", "dec": d("01/06/2021")}, "REASON_PLACE_CHANGE",
     "MOVE", "CARPL, CLOSE"),
    ("reviews", {"review_code": "PN8"}, "REVIEW_CODE", "PN8", "PN6 or PN7"),
    ("oc2", {"convicted": 2}, "CONVICTED", "2", "0 or 1"),
    ("oc2", {"intervention_offered": 9}, "INTERVENTION_OFFERED", "9", "0 or 1"),
    ("oc2", {"sdq_score": 41}, "SDQ_SCORE", "41", "a score from 0 to 40"),
    ("oc2", {"sdq_score": -1}, "SDQ_SCORE", "-1", "a score from 0 to 40"),
    ("oc2", {"sdq_reason": "SDQ6"}, "SDQ_REASON", "SDQ6", "SDQ4 or SDQ5"),
    ("oc3", {"in_touch": "MAYBE"}, "IN_TOUCH", "MAYBE", "YES, NO, DIED"),
    ("oc3", {"activ": "F3"}, "ACTIV", "F3", "G6 or 0"),
    ("oc3", {"accom": "B3"}, "ACCOM", "B3", "0, B1, B2, C1"),
    ("oc3", {"accom": "A1"}, "ACCOM", "A1", "Z1 or Z2"),
    ("missing", {"missing": "X"}, "MISSING", "X", "M or A"),
    ("header", {"ethnic": "WHITE"}, "ETHNIC", "WHITE", "WBRI, WIRI"),
    ("header", {"mother": "Y"}, "MOTHER", "Y", "0 or 1"),
    ("ad1", {"sex_adoptr": "M2"}, "SEX_ADOPTR", "M2", "MM, FF or MF"),
    ("ad1", {"ls_adoptr": "L5"}, "LS_ADOPTR", "L5", "L3 or L4"),
    ("placed_adoption", {"reason_placed_ceased": "RD5"}, "REASON_PLACED_CEASED", "RD5", "RD3 or RD4"),
    ("prev_perm", {"prev_perm": "P5"}, "PREV_PERM", "P5", "P4 or Z1"),
    ("sw_episodes", {"sw_reason": "LEFT"}, "SW_REASON", "LEFT", "SWDIED or OTHERS"),
]


@pytest.mark.parametrize(("name", "columns", "column", "value", "expected"), UNKNOWN_CASES)
def test_unknown_code_names_value_column_file_row_and_child(name, columns, column, value, expected):
    tables = {name: table(name, [{"child": "C7", **columns}])}
    finding = only(check_codes(tables))
    assert located(finding) == ("code.unknown", "error", f"{name}.csv", 2, column, "C7")
    assert finding["message"].startswith(f"{column} '{value}' is not valid; expected ")
    assert expected in finding["message"]


def test_blank_codes_are_not_unknown():
    tables = {"episodes": table("episodes", [{"child": "C1", "place": "", "ls": None}])}
    assert check_codes(tables).height == 0


@pytest.mark.parametrize(("year", "sex", "expected"), [
    (2024, "M", "1 or 2 up to 2023-24"),  # 2023-24 return still used 1/2
    (2025, "1", "M, F or U from 2024-25"),  # 2024-25 return switched to M/F/U
])
def test_sex_code_depends_on_collection_year(year, sex, expected):
    tables = {"header": table("header", [{"child": "C1", "sex": "2"}, {"child": "C2", "sex": sex}], year=year)}
    if year == 2025:
        tables["header"] = table("header", [{"child": "C1", "sex": "F"}, {"child": "C2", "sex": sex}], year=year)
    finding = only(check_codes(tables))
    assert located(finding) == ("code.unknown", "error", "header.csv", 3, "SEX", "C2")
    assert f"expected {expected}" in finding["message"]


def test_sex_in_uasc_is_checked_too():
    tables = {"uasc": table("uasc", [{"child": "C1", "sex": "U"}], year=2023)}
    assert located(only(check_codes(tables))) == ("code.unknown", "error", "uasc.csv", 2, "SEX", "C1")


@pytest.mark.parametrize(("place", "dec", "year", "reason_start"), [
    # P2 left open after 28/10/2023: ended the day after, or still open at 31/03/2024
    ("P2", d("29/10/2023"), 2024, "P2 (independent living)"),
    ("P2", None, 2024, "P2 (independent living)"),
    # K3 in the 2023-24 return, a year before it existed
    ("K3", None, 2024, "K3 (supported accommodation)"),
    # Z11 in the 2024-25 return, a year early
    ("Z11", d("01/01/2025"), 2025, "Z11-Z14 exist"),
    # H5 and Z1 still open in the 2025-26 return
    ("H5", None, 2026, "H5 and Z1 were withdrawn"),
    ("Z1", d("02/04/2025"), 2026, "H5 and Z1 were withdrawn"),
])
def test_place_not_valid_for_the_episode_dates(place, dec, year, reason_start):
    tables = {"episodes": table("episodes", [{"child": "C1", "place": place, "dec": dec}], year=year)}
    finding = only(check_codes(tables))
    assert located(finding) == ("code.not_in_use", "error", "episodes.csv", 2, "PLACE", "C1")
    assert f"({year - 1}-{year % 100:02d} return): {reason_start}" in finding["message"]


@pytest.mark.parametrize(("place", "dec", "year"), [
    ("P2", d("28/10/2023"), 2024),  # ended on the cut-off day itself
    ("P2", None, 2023),  # open at 31/03/2023, before the cut-off
    ("K3", None, 2025),
    ("Z12", None, 2026),
    ("H5", d("01/03/2025"), 2026),  # ended before 2025-26: the old code stays valid
    ("Z1", None, 2025),
])
def test_place_valid_for_the_episode_dates(place, dec, year):
    tables = {"episodes": table("episodes", [{"child": "C1", "place": place, "dec": dec}], year=year)}
    assert check_codes(tables).height == 0


def test_place_provider_must_be_blank_for_temporary_and_other_placements():
    tables = {"episodes": table("episodes", [
        {"child": "C1", "place": "T2", "place_provider": "PR1", "dec": d("05/05/2021")},
        {"child": "C2", "place": "U4", "place_provider": "PR1", "dec": d("05/05/2021")},
        {"child": "C3", "place": "Z1", "place_provider": None, "dec": d("05/05/2021")},
    ])}
    finding = only(check_codes(tables))
    assert located(finding) == ("code.provider_not_blank", "warning", "episodes.csv", 2, "PLACE_PROVIDER", "C1")
    assert finding["message"].startswith("PLACE_PROVIDER 'PR1' must be blank for PLACE T2")


def test_reason_place_change_on_open_episode_is_a_warning():
    tables = {"episodes": table("episodes", [
        {"child": "C1", "place": "U4", "dec": None, "reason_place_change": "CARPL"},
        {"child": "C2", "place": "U4", "dec": d("05/05/2021"), "reason_place_change": "CARPL"},
    ])}
    finding = only(check_codes(tables))
    assert located(finding) == ("code.reason_while_open", "warning", "episodes.csv", 2,
                                "REASON_PLACE_CHANGE", "C1")


def test_upn_must_be_13_characters_or_un1_to_un5():
    tables = {"header": table("header", [
        {"child": "C1", "upn": "A123456789012"},
        {"child": "C2", "upn": "A12345678901B"},  # a temporary UPN ends in a letter
        {"child": "C3", "upn": "UN5"},
        {"child": "C4", "upn": "A12345"},
        {"child": "C5", "upn": "UN6"},
    ])}
    findings = check_codes(tables)
    assert [located(f) for f in findings.iter_rows(named=True)] == [
        ("code.upn_format", "warning", "header.csv", 5, "UPN", "C4"),
        ("code.upn_format", "warning", "header.csv", 6, "UPN", "C5"),
    ]


def test_local_enumerations_are_checked_by_run_checks():
    tables = {"participation": table("participation", [{"channel": "TWITTER"}, {"channel": "MOMO"}])}
    finding = only(run_checks(tables))
    assert located(finding) == ("code.unknown", "error", "participation.csv", 2, "CHANNEL", None)
