"""Annex A's disability (lists 4-10), List 7's "Date of latest review conference", List 9's "Latest Date of Contact" and List 10's "Family
identifier", on a tiny cohort worked by hand; as-of 30 Nov 2021, window 31 May - 30 Nov 2021.

Disability (the CIN census's ChildCharacteristics/Disabilities, as cin_children.disabilities holds
it from the latest census holding the child):
- K: "HAND,HEAR" -> Yes; L: "NONE" -> No; N: "NONE,MOB" (a code beside NONE) -> Yes;
- P: in the census with no Disabilities element -> blank (not recorded);
- A (looked after) is in no census -> blank; B (looked after, adopted route) "AUT" -> Yes.
"""
from datetime import date

import polars as pl
import pytest

from carewatch.annexa import LISTS, annex_a
from carewatch.annexa_checks import readiness
from duties.cohort import derive, insert, new_snapshot

D = date(2021, 11, 30)
TABLES = ("episodes", "header", "oc3", "placed_adoption", "cin_children", "cin_referrals", "cin_assessments",
          "cin_s47", "cin_cp_plans", "leaver_contacts", "adoption_matches")
DISABILITY = "Does the Child have a Disability"


def _ep(con, child, decom, dec=None, *, ls="C2", place="U4", rec=None, row=2):
    insert(con, "episodes", child=child, decom=decom, dec=dec, rne="S", ls=ls, cin="N1", place=place,
           place_provider="PR1", rec=rec, pl_post="RH12 1LJ", year=2021, _row=row)


@pytest.fixture(scope="module")
def cohort():
    con = new_snapshot(tables_present=TABLES)
    for child, codes in (("K", "HAND,HEAR"), ("L", "NONE"), ("N", "NONE,MOB"), ("P", None), ("B", "AUT")):
        insert(con, "cin_children", child=child, gender="1", ethnicity="WBRI", dob=date(2012, 1, 1),
               disabilities=codes)
    # K: an assessment, a section 47 and a plan in the window; L, N and P a referral open in it
    for n, child in enumerate(("K", "L", "N", "P")):
        insert(con, "cin_referrals", child=child, referral_id=str(n), referral_date=date(2021, 6, 1),
               referral_source="5A", primary_need="N1", referral_nfa=False)
    insert(con, "cin_assessments", child="K", referral_id="0", start_date=date(2021, 6, 2))
    insert(con, "cin_s47", child="K", referral_id="0", s47_start=date(2021, 6, 3), icpc_not_required=True)
    # plans: K's latest review conference 10 Sep 2021 (on/before D: its date); L's none yet (blank);
    # N's 2 Dec 2021, after D (blank: the census holds only a plan's latest review, and none is known by D)
    for n, (child, review) in enumerate((("K", date(2021, 9, 10)), ("L", None), ("N", date(2021, 12, 2)))):
        insert(con, "cin_cp_plans", child=child, referral_id=str(n), start_date=date(2021, 6, 17),
               initial_category="NEG", latest_category="NEG", previous_cpp=0, latest_review=review)
    # A and B looked after from 2020; B has an ADM decision on 1 Sep 2021
    for n, child in enumerate(("A", "B")):
        insert(con, "header", child=child, sex="1", ethnic="WBRI", dob=date(2015, 1, 1), year=2021)
        _ep(con, child, date(2020, 1, 10), row=2 + n)
    insert(con, "placed_adoption", child="B", date_placed=date(2021, 9, 1), year=2021)
    # B matched with FAM1 on 1 Aug 2021, that match disrupted, then with FAM2 on 1 Oct 2021; a
    # match with FAM3 on 1 Dec 2021 is after D: B's family on D is FAM2
    for family, day in (("FAM1", date(2021, 8, 1)), ("FAM2", date(2021, 10, 1)), ("FAM3", date(2021, 12, 1))):
        insert(con, "adoption_matches", child="B", family=family, match_date=day)
    # care leavers F and G (OC3 2022, the year begun 1 Apr 2021): F contacted on 1 Oct 2021, 20 Nov
    # 2021 and 5 Dec 2021 (after D): latest on D 20 Nov; G never
    for n, child in enumerate(("F", "G")):
        insert(con, "header", child=child, sex="2", ethnic="WBRI", dob=date(2002, 2, 2), year=2021)
        insert(con, "oc3", child=child, in_touch="YES", activ="F4", accom="G1", year=2022, _row=2 + n)
    for day in (date(2021, 10, 1), date(2021, 11, 20), date(2021, 12, 5)):
        insert(con, "leaver_contacts", child="F", leaver_contact_date=day)
    derive(con, D)
    yield con, annex_a(con, D, D)
    con.close()


def _column(result, number, heading):
    return dict(result.frames[number].select("Child Unique ID", heading).rows())


def test_disability_on_lists_4_to_10(cohort):
    _, result = cohort
    assert _column(result, 4, DISABILITY) == {"K": "Yes"}
    assert _column(result, 5, DISABILITY) == {"K": "Yes"}
    assert _column(result, 6, DISABILITY) == {"K": "Yes", "L": "No", "N": "Yes", "P": None}
    assert _column(result, 7, DISABILITY) == {"K": "Yes", "L": "No", "N": "Yes"}
    assert _column(result, 8, DISABILITY) == {"A": None, "B": "Yes"}  # A in no census
    assert _column(result, 9, DISABILITY) == {"F": None, "G": None}
    assert _column(result, 10, DISABILITY) == {"B": "Yes"}


def test_latest_contact_and_family_identifier(cohort):
    _, result = cohort
    assert _column(result, 9, "Latest Date of Contact") == {"F": "20/11/2021", "G": None}
    assert _column(result, 10, "Family identifier") == {"B": "FAM2"}
    assert LISTS[10].headings[1] == "Family identifier"


def test_latest_review_conference(cohort):
    _, result = cohort
    assert _column(result, 7, "Date of latest review conference") == {"K": "10/09/2021", "L": None, "N": None}


def test_a_blank_disability_is_not_called_mandatory(cohort):
    con, result = cohort
    # P, A, F and G have it blank: none is a readiness problem (the census may not hold the child)
    found = readiness(con, result, D)
    assert found.problems.filter(pl.col("column") == DISABILITY).height == 0


def test_a_snapshot_without_the_new_column_and_tables():
    # built before the CIN reader read Disabilities and CPPreviewDate, and before leaver_contacts / adoption_matches
    con = new_snapshot(tables_present=("episodes", "header", "oc3", "cin_children", "cin_referrals", "cin_cp_plans"))
    con.execute("ALTER TABLE cin_children DROP COLUMN disabilities")
    con.execute("ALTER TABLE cin_cp_plans DROP COLUMN latest_review")
    con.execute("DROP TABLE leaver_contacts")
    con.execute("DROP TABLE adoption_matches")
    insert(con, "cin_children", child="L", gender="1", ethnicity="WBRI", dob=date(2012, 1, 1))
    insert(con, "cin_referrals", child="L", referral_id="1", referral_date=date(2021, 6, 1), referral_nfa=False)
    insert(con, "cin_cp_plans", child="L", referral_id="1", start_date=date(2021, 6, 17))
    insert(con, "header", child="F", sex="2", ethnic="WBRI", dob=date(2002, 2, 2), year=2021)
    insert(con, "oc3", child="F", in_touch="YES", activ="F4", accom="G1", year=2022, _row=2)
    derive(con, D)
    result = annex_a(con, D, D, lists=[6, 7, 9])
    assert _column(result, 6, DISABILITY) == {"L": None}
    assert _column(result, 7, "Date of latest review conference") == {"L": None}
    assert _column(result, 9, "Latest Date of Contact") == {"F": None}
