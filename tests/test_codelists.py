"""The code-list module: every code the checks accept has words, and codes show as 'words (CODE)'."""
from __future__ import annotations

import polars as pl
import pytest

from carewatch import codelists
from carewatch.checks import codes

# every list DOMAIN.md A2-A3 gives and the checks validate, against the words for it
VALIDATED = [
    ("ethnic", codes.ETHNIC), ("ls", codes.LS), ("rne", codes.RNE), ("cin", codes.CIN),
    ("place", codes.PLACE), ("place_provider", codes.PLACE_PROVIDER), ("rec", codes.REC),
    ("reason_place_change", codes.REASON_PLACE_CHANGE), ("review_code", codes.REVIEW_CODE),
    ("sex", codes.SEX_TO_2024 + codes.SEX_FROM_2025),
]


@pytest.mark.parametrize("column,valid", VALIDATED, ids=[c for c, _ in VALIDATED])
def test_every_valid_code_has_words_and_no_words_for_invalid_codes(column, valid):
    table = codelists.CODE_WORDS[column]
    assert [code for code in valid if not table.get(code)] == []
    assert sorted(set(table) - set(valid)) == []


def test_show():
    assert codelists.show("ls", "C2") == "Full care order (C2)"
    assert codelists.show("place", "U4") == "Foster care with other carer, long-term (U4)"
    assert codelists.show("sex", "2") == "Female (2)"
    assert codelists.show("sex", "F") == "Female (F)"
    assert codelists.show("ethnic", "WBRI") == "White British (WBRI)"
    assert codelists.show("uasc", "Y") == "Unaccompanied asylum-seeking child (Y)"
    # an unknown code is shown as itself; a blank one as nothing
    assert codelists.show("place", "Q9") == "Q9"
    assert codelists.show("place", None) == ""
    assert codelists.show("place", "") == ""


def test_words_expr_agrees_with_show():
    frame = pl.DataFrame({"rec": ["E11", "X1", "ZZ", None, ""]})
    shown = frame.select(codelists.words_expr("rec"))["rec"].to_list()
    assert shown == ["Adopted, application unopposed (E11)", "Episode ended, still looked after (X1)", "ZZ",
                     None, None]
    assert shown[:3] == [codelists.show("rec", c) for c in ["E11", "X1", "ZZ"]]
