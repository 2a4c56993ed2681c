"""Annex A (carewatch.annexa) on a tiny cohort worked by hand, as-of 30 Nov 2021, 6-month window
(31 May - 30 Nov 2021; the 12 months to D are 1 Dec 2020 - 30 Nov 2021).

- A: left care in the window (returned home 20 Aug 2021); one placement.
- B: two placement moves (3 placements overlapping the 12 months), one missing and one absent
  episode in the 12 months (and one missing episode before them, not counted).
- C: placed out of the council's area (postcode ZZ), in a second period of care within 12 months,
  an unaccompanied asylum-seeking child.
- D: short breaks only (V3), E: left care on 31 May 2021 (the window's first day: not looked after
  in it), neither on List 8.
- Lists 1, 2 and 11 and the fields from the Annex A local tables: contacts, early help, IRO contacts,
  return interviews, personal advisers and adopters (below, each with why it is in or out).
"""
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from carewatch.annexa import LISTS, annex_a, write_annex_a
from carewatch.kpis.engine import kpi_rows
from duties.cohort import derive, insert, new_snapshot

D = date(2021, 11, 30)
TABLES = ("allocations", "visits", "health_assessments", "dental_checks", "permanence_plans", "pathway_plans",
          "reviews", "episodes", "header", "missing", "uasc", "oc3", "placed_adoption", "ad1",
          "cin_children", "cin_referrals", "cin_assessments", "cin_s47", "cin_cp_plans",
          "contacts", "early_help", "iro_contacts", "return_interviews", "personal_advisers", "adopters")
DOMAIN = Path("/work/shared/DOMAIN.md")


def _ep(con, child, decom, dec=None, *, rne="S", ls="C2", place="U4", provider="PR1", cin="N1", rec=None,
        post="AB1 2CD", urn=None, row=2):
    insert(con, "episodes", child=child, decom=decom, dec=dec, rne=rne, ls=ls, cin=cin, place=place,
           place_provider=provider, rec=rec if rec or dec is None else "X1", pl_post=post, urn=urn, year=2021, _row=row)


@pytest.fixture(scope="module")
def cohort():
    con = new_snapshot(tables_present=TABLES)
    for child, sex, ethnic, dob in (("A", "2", "BAFR", date(2005, 3, 15)), ("B", "1", "WBRI", date(2010, 6, 1)),
                                    ("C", "1", "AIND", date(2006, 1, 20)), ("D", "1", "WBRI", date(2012, 1, 1)),
                                    ("E", "2", "MWBA", date(2008, 5, 5))):
        insert(con, "header", child=child, sex=sex, ethnic=ethnic, dob=dob, year=2021)
    _ep(con, "A", date(2020, 1, 10), date(2021, 8, 20), rec="E4A")
    _ep(con, "B", date(2020, 6, 1), date(2021, 2, 1), ls="C1", cin="N4", post="AB3 1XY", row=3)
    _ep(con, "B", date(2021, 2, 1), date(2021, 7, 1), rne="B", place="K2", provider="PR4", cin="N4", post="AB3 1XY", row=4)
    _ep(con, "B", date(2021, 7, 1), rne="P", place="U6", cin="N4", post="AB3 1XY", row=5)
    _ep(con, "C", date(2020, 9, 1), date(2021, 1, 15), ls="V2", place="U6", cin="N8", rec="E13", row=6)
    _ep(con, "C", date(2021, 4, 1), ls="V2", place="K2", provider="PR4", cin="N8", post="ZZ9 9ZZ", urn="SC123456", row=7)
    _ep(con, "D", date(2021, 9, 1), date(2021, 9, 3), ls="V3", place="R1", rec="E4A", row=8)
    _ep(con, "E", date(2020, 3, 1), date(2021, 5, 31), rec="E4A", row=9)
    insert(con, "uasc", child="C", sex="1", dob=date(2006, 1, 20), duc=None, year=2021)
    insert(con, "reviews", child="A", review=date(2021, 7, 1), year=2021)
    insert(con, "reviews", child="B", review=date(2021, 10, 1), year=2021)
    for child, day, seen in (("A", date(2021, 8, 1), True), ("A", date(2021, 8, 15), False),
                             ("B", date(2021, 11, 20), True), ("B", date(2021, 12, 5), True),
                             ("C", date(2021, 11, 1), True)):
        insert(con, "visits", child=child, visit_date=day, seen=seen, virtual=False)
    insert(con, "health_assessments", child="A", type="RHA", completed=date(2021, 2, 1))
    insert(con, "health_assessments", child="B", type="RHA", completed=date(2021, 6, 10))
    insert(con, "dental_checks", child="A", check_date=date(2021, 3, 1))
    insert(con, "permanence_plans", child="B", agreed=date(2021, 1, 1), plan="LONG_TERM_FOSTERING")
    insert(con, "permanence_plans", child="B", agreed=date(2021, 9, 1), plan="RETURN_HOME")
    for mis, start in (("M", date(2020, 10, 1)), ("M", date(2021, 3, 5)), ("A", date(2021, 4, 1))):
        insert(con, "missing", child="B", missing=mis, mis_start=start, year=2021)
    insert(con, "allocations", child="A", team="North", worker="Ann", start_date=date(2020, 1, 10),
           end_date=date(2021, 8, 20), _row=2)
    insert(con, "allocations", child="B", team="South", worker="Bob", start_date=date(2020, 6, 1), _row=3)
    insert(con, "allocations", child="C", team="North", worker="Ann", start_date=date(2021, 4, 1), _row=4)
    # a care leaver (F, 19, in touch, accommodation G1 = suitable) and one who died (exclude)
    insert(con, "header", child="F", sex="2", ethnic="WBRI", dob=date(2002, 2, 2), year=2021)
    insert(con, "header", child="G", sex="1", ethnic="WBRI", dob=date(2004, 4, 4), year=2021)
    insert(con, "oc3", child="F", in_touch="YES", activ="F4", accom="G1", year=2021, _row=2)
    insert(con, "oc3", child="G", in_touch="DIED", activ="0", accom="0", year=2021, _row=3)
    insert(con, "pathway_plans", child="F", plan_date=date(2021, 5, 2))
    # adoption: B had an ADM decision on 1 Oct 2021, reversed on 1 Nov 2021 (RD3)
    insert(con, "placed_adoption", child="B", date_placed=date(2021, 10, 1), date_placed_ceased=date(2021, 11, 1),
           reason_placed_ceased="RD3", year=2021)
    # CIN census: one referral in the window (and one 12 months before: counted in the 12 months
    # only if after 30 Nov 2020), an assessment, a section 47 leading to an ICPC and a plan
    insert(con, "cin_children", child="K", gender="2", ethnicity="MWBC", dob=date(2015, 7, 7))
    insert(con, "cin_referrals", child="K", referral_id="1", referral_date=date(2020, 12, 1), referral_source="1A",
           primary_need="N1", closure_date=date(2021, 1, 10), reason_for_closure="RC8", referral_nfa=False)
    insert(con, "cin_referrals", child="K", referral_id="2", referral_date=date(2021, 6, 1), referral_source="5A",
           primary_need="N1", referral_nfa=False)
    insert(con, "cin_assessments", child="K", referral_id="2", start_date=date(2021, 6, 2),
           authorisation_date=date(2021, 6, 20))
    insert(con, "cin_s47", child="K", referral_id="2", s47_start=date(2021, 6, 3), icpc_date=date(2021, 6, 17),
           icpc_not_required=False)
    insert(con, "cin_cp_plans", child="K", referral_id="2", start_date=date(2021, 6, 17), initial_category="NEG",
           latest_category="EMO", previous_cpp=1)
    _annex_tables(con)
    derive(con, D)
    yield con, annex_a(con, D, D, months=6, area_postcodes=("AB",))
    con.close()


def _annex_tables(con):
    # contacts: K on 30 May (before the window), 31 May (its first day), A (903 child) on 15 Jun,
    # A on 1 Dec (after D), L (in neither the 903 nor the CIN census) on 1 Jul
    for child, day, source in (("K", date(2021, 5, 30), "5A"), ("K", date(2021, 5, 31), "5A"),
                               ("A", date(2021, 6, 15), "1A"), ("A", date(2021, 12, 1), "1A"),
                               ("L", date(2021, 7, 1), "6")):
        insert(con, "contacts", child=child, contact_date=day, source=source)
    # early help: K's of 1 May is before the window; the 10 Jun one ends after D (not yet completed on D)
    for child, start, end, org in (("K", date(2021, 5, 1), date(2021, 5, 20), "School"),
                                   ("K", date(2021, 6, 10), date(2021, 12, 15), "School"),
                                   ("A", date(2021, 7, 1), date(2021, 7, 20), "GP")):
        insert(con, "early_help", child=child, start_date=start, end_date=end, organisation=org)
    # IRO: A on 1 Aug; B on 15 Sep and 10 Dec (after D)
    for child, day in (("A", date(2021, 8, 1)), ("B", date(2021, 9, 15)), ("B", date(2021, 12, 10))):
        insert(con, "iro_contacts", child=child, contact_date=day)
    # B's missing episodes: 1 Oct 2020 (before the 12 months) interview accepted; 5 Mar 2021 (the
    # last in the 12 months) offered, refused
    insert(con, "return_interviews", child="B", missing_start=date(2020, 10, 1), offered=True, accepted=True)
    insert(con, "return_interviews", child="B", missing_start=date(2021, 3, 5), offered=True, accepted=False)
    # F's personal adviser: PA01 to 30 Jun 2021, then PA02; G none
    insert(con, "personal_advisers", child="F", adviser="PA01", start_date=date(2020, 2, 2), end_date=date(2021, 6, 30))
    insert(con, "personal_advisers", child="F", adviser="PA02", start_date=date(2021, 7, 1))
    # adopters: family 1 (a couple) approved 1 Sep 2021, matched after D; P3 left on 1 Mar 2021 (before
    # the window); P4 adopted on 30 May (before it); P5 adopted on 1 Jun 2021 (in it), two children
    stages = dict(enquiry_date=date(2021, 1, 10), stage1_start=date(2021, 2, 1), stage1_end=date(2021, 3, 31),
                  stage2_start=date(2021, 4, 10), stage2_end=date(2021, 8, 10), application_date=date(2021, 4, 10),
                  approval_date=date(2021, 9, 1))
    insert(con, "adopters", adopter="P1", family="FAM1", gender="F", ethnicity="WBRI", disability=False, ffa=False,
           match_date=date(2021, 12, 5), **stages)
    insert(con, "adopters", adopter="P2", family="FAM1", gender="M", ethnicity="BCRB", ffa=False,
           match_date=date(2021, 12, 5), **stages)
    insert(con, "adopters", adopter="P3", family="FAM2", gender="F", ethnicity="WBRI", enquiry_date=date(2020, 1, 1),
           left_date=date(2021, 3, 1), left_reason="Withdrew")
    insert(con, "adopters", adopter="P4", family="FAM3", gender="M", ethnicity="WBRI", enquiry_date=date(2019, 1, 1),
           placed_date=date(2020, 6, 1), children_placed=1, adoption_order_date=date(2021, 5, 30))
    insert(con, "adopters", adopter="P5", family="FAM4", gender="F", ethnicity="WBRI", disability=True, ffa=True,
           enquiry_date=date(2019, 2, 1), placed_date=date(2020, 11, 1), children_placed=2,
           adoption_order_date=date(2021, 6, 1))


def _rows(result, number):
    return [dict(r) for r in result.frames[number].iter_rows(named=True)]


def test_list8_every_field_for_three_children(cohort):
    _, result = cohort
    rows = {r["Child Unique ID"]: r for r in _rows(result, 8)}
    # D: short breaks only; E: ceased on the window's first day; F, G, K: never looked after
    assert sorted(rows) == ["A", "B", "C"]
    # AB (Aberdeen) and ZZ postcodes are not in the lookup (England and Wales): LA of Placement blank
    blank = {"Does the Child have a Disability": None, "LA of Placement": None}
    h = LISTS[8].headings
    assert rows["A"] == dict(zip(h, [
        "A", "b) Female", "d) Black or black British", "15/03/2005", 16, "N", None, "10/01/2020",
        "a) Abuse or neglect", "N", "10/01/2020", "b) Full care orders (C2)", "01/07/2021",
        "01/08/2021",  # the 15 Aug visit did not see the child
        None, "01/08/2021", "01/02/2021", "01/03/2021",
        1,  # one placement, ended 20 Aug 2021: after 1 Dec 2020
        "20/08/2021", "d) Returned home to live with parents or relatives", "10/01/2020", "a) Foster placement",
        "a) Own LA", "AB1 2CD", None, "a) In", None, 0, 0, None, None,
        None, None])) | blank  # allocation ended 20 Aug: none on 30 Nov
    assert rows["B"] == dict(zip(h, [
        "B", "a) Male", "a) White", "01/06/2010", 11, "N", None, "01/06/2020", "d) Family in acute stress", "N",
        "01/02/2021", "b) Full care orders (C2)", "01/10/2021",
        "20/11/2021",  # the 5 Dec visit is after D
        "a) Return to family",  # the plan agreed 1 Sep 2021 replaced long-term fostering
        "15/09/2021",  # the IRO's 10 Dec contact is after D
        "10/06/2021", None,
        3,  # U4 from 1 Jun 2020 (ended 1 Feb 2021, after 1 Dec 2020), K2, U6
        None, None, "01/07/2021", "a) Foster placement", "a) Own LA", "AB3 1XY", None, "a) In", None,
        1, 1,  # missing 5 Mar 2021, absent 1 Apr 2021; the 1 Oct 2020 episode is before the 12 months
        "Y", "N",  # the return interview after 5 Mar 2021 (the last missing one): offered, refused
        "South", "Bob"])) | blank
    assert rows["C"] == dict(zip(h, [
        "C", "a) Male", "c) Asian or Asian British", "20/01/2006", 15, "Y", None, "01/04/2021",
        "h) Absent parenting",
        "Y",  # the first period ended 15 Jan 2021, within the 12 months
        "01/04/2021", "e) Accommodated under S20 (V2)", None, "01/11/2021", None, None, None, None,
        2,  # the first period's placement (to 15 Jan 2021) and the K2 one
        None, None, "01/04/2021", "h) Children's homes", "b) Private", "ZZ9 9ZZ", "SC123456", "b) Out", None,
        0, 0, None, None, "North", "Ann"])) | blank


def test_list8_placements_agree_with_placements_3plus(cohort):
    con, result = cohort
    behind = kpi_rows(con, D, period_end=D, ids=["placements_3plus"])["placements_3plus"]
    # B and C are looked after on 30 Nov (A left in August): 3 and 2 placements, B counted
    assert sorted(behind.select("key", "placements_in_12_months", "counted").rows()) == [("B", 3, True), ("C", 2, False)]
    listed = {r["Child Unique ID"]: r["Number of Placements in the Last 12 months"] for r in _rows(result, 8)}
    assert {k: listed[k] for k in ("B", "C")} == {"B": 3, "C": 2}


def test_lists_9_and_10(cohort):
    _, result = cohort
    h9 = LISTS[9].headings
    assert _rows(result, 9) == [
        dict(zip(h9, ["F", "b) Female", "a) White", "02/02/2002", 19, "N", None, None, None, "PA02",
                      "b) Former relevant", "02/05/2021", "a) In touch", None, "G", "a) Suitable",
                      "Full-time apprenticeship (F4)"])),
        dict(zip(h9, ["G", "a) Male", "a) White", "04/04/2004", 17, "N", None, None, None, None,
                      "a) Relevant", None, "d) Exclude", None, "0", "d) Exclude", "Not known or not in touch (0)"]))]
    h10 = LISTS[10].headings
    assert _rows(result, 10) == [dict(zip(h10, [
        "B", None, "a) Male", "a) White", "01/06/2010", 11, None, "01/06/2020", "01/10/2021", None, None, None, None,
        "01/11/2021", "c) Prospective adopters cannot be found", None]))]


def test_cin_lists_3_to_7(cohort):
    _, result = cohort
    who = ["K", "b) Female", "b) Mixed", "07/07/2015", 6]
    # the December 2020 referral is before the window; both are within the 12 months
    assert [list(r.values()) for r in _rows(result, 3)] == [who + ["01/06/2021", "5A", "N", 2, None, None]]
    assert [list(r.values()) for r in _rows(result, 4)] == [who + [None, "02/06/2021", None, "20/06/2021", None,
                                                                   None, None]]
    assert [list(r.values()) for r in _rows(result, 5)] == [who + [None, "03/06/2021", "N", "17/06/2021", "Y", 1, 1,
                                                                   None, None]]
    # the December referral closed 10 Jan 2021, before the window: only the June one is open in it
    assert [list(r.values()) for r in _rows(result, 6)] == [who + [None, "01/06/2021", "N1", None, None, None, "Open",
                                                                   None, None]]
    assert [list(r.values()) for r in _rows(result, 7)] == [who + [None, "17/06/2021", "NEG", "EMO", None, None, None,
                                                                   None, None, 1, None, None]]
    assert result.missing == {}


def _domain_headings() -> dict[int, list[str]]:
    import re

    section = DOMAIN.read_text().split("## E.")[1].split("\n## ")[0]
    found = {}
    for number, names in re.findall(r"- \*\*List (\d+) — [^*]+\*\* \(\d+\): (.+)", section):
        found[int(number)] = names.split("; ")
    return found


@pytest.mark.skipif(not DOMAIN.exists(), reason="the shared DOMAIN.md is not on this machine")
def test_workbook_headings_are_domain_e_byte_for_byte(cohort, tmp_path):
    _, result = cohort
    path = write_annex_a(result, tmp_path / "a.xlsx", {"la": "999", "la_name": "Test", "snapshot_id": "s1",
                                                       "extract_date": "2021-11-30"})
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Cover"] + [f"List {n}" for n in range(1, 12)]
    expected = _domain_headings()
    assert sorted(expected) == list(range(1, 12))
    for number, headings in expected.items():
        rows = list(book[f"List {number}"].iter_rows(values_only=True))
        assert list(rows[0]) == headings
    cover = [r for r in book["Cover"].iter_rows(values_only=True)]
    assert ("Window", "31/05/2021 to 30/11/2021") in [r[:2] for r in cover]
    assert ("List 8: Children in care", 3, "") in [tuple(r[:3]) for r in cover] or \
        ("List 8: Children in care", 3, None) in [tuple(r[:3]) for r in cover]


def test_a_list_longer_than_a_worksheet_goes_on_in_further_sheets(cohort, tmp_path, monkeypatch):
    # List 8 holds 3 children; with room for 2 rows a sheet, the third goes on "List 8 (2)" and
    # the cover says so: no row is ever dropped at Excel's 1,048,575-row limit
    import carewatch.annexa as annexa
    _, result = cohort
    monkeypatch.setattr(annexa, "SHEET_ROWS", 2)
    book = openpyxl.load_workbook(write_annex_a(result, tmp_path / "long.xlsx", {"extract_date": "2021-11-30"}))
    assert [n for n in book.sheetnames if n.startswith("List 8")] == ["List 8", "List 8 (2)"]
    first, second = (list(book[n].iter_rows(values_only=True)) for n in ("List 8", "List 8 (2)"))
    assert first[0] == second[0] == tuple(LISTS[8].headings)
    assert len(first) - 1 == 2 and len(second) - 1 == 1
    ids = [row[0] for row in first[1:] + second[1:]]
    assert ids == result.frames[8].get_column(result.frames[8].columns[0]).to_list()
    cover = [r[1] for r in book["Cover"].iter_rows(values_only=True) if r[0] == "Note"]
    assert 'List 8: 3 rows, more than a worksheet holds, continued on sheets "List 8 (2)" onwards' in cover


def test_formula_like_text_is_escaped(cohort, tmp_path):
    con, _ = cohort
    con.execute("UPDATE episodes SET pl_post = '=HYPERLINK(\"x\")' WHERE child = 'C' AND decom = DATE '2021-04-01'")
    from carewatch.derive import derive_periods_and_placements
    derive_periods_and_placements(con)
    result = annex_a(con, D, D, lists=[8])
    path = write_annex_a(result, tmp_path / "b.xlsx", {"extract_date": "2021-11-30"})
    sheet = openpyxl.load_workbook(path)["List 8"]
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(\"x\")" in values and not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_lists_1_2_and_11(cohort):
    _, result = cohort
    k = ["K", "b) Female", "b) Mixed", "07/07/2015", 6]  # from the CIN census
    a = ["A", "b) Female", "d) Black or black British", "15/03/2005", 16]  # from the 903 header
    # contacts in (30 May, 30 Nov]: A on 15 Jun, K on 31 May, L (no details anywhere) on 1 Jul
    assert [list(r.values()) for r in _rows(result, 1)] == [
        a + ["15/06/2021", "1A"], k + ["31/05/2021", "5A"], ["L", None, None, None, None, "01/07/2021", "6"]]
    # early help started in the window: A's (completed 20 Jul) and K's of 10 Jun (ends after D: blank)
    assert [list(r.values()) for r in _rows(result, 2)] == [
        a + ["01/07/2021", "20/07/2021", "GP"], k + ["10/06/2021", None, "School"]]
    # adopters in the process on a day of the window: the FAM1 couple and P5 (adopted 1 Jun)
    stages = ["10/01/2021", "01/02/2021", "31/03/2021", "10/04/2021", "10/08/2021", "10/04/2021", "01/09/2021"]
    assert [list(r.values()) for r in _rows(result, 11)] == [
        ["P1", "FAM1", "b) Female", "a) White", "No", "N", *stages, None, None, None, None, None, None],
        # P2's disability not recorded: Unknown
        ["P2", "FAM1", "a) Male", "d) Black or black British", "Unknown", "N", *stages, None, None, None, None, None,
         None],
        ["P5", "FAM4", "b) Female", "a) White", "Yes", "Y", "01/02/2019", None, None, None, None, None, None, None,
         "01/11/2020", 2, "01/06/2021", None, None]]


def test_old_snapshot_without_the_annex_tables(tmp_path):
    # a snapshot built before the Annex A tables existed: their lists are empty, the rest as ever
    con = new_snapshot(tables_present=("episodes", "header", "missing"))
    for name in ("contacts", "early_help", "iro_contacts", "return_interviews", "personal_advisers", "adopters"):
        con.execute(f"DROP TABLE {name}")
    insert(con, "header", child="B", sex="1", ethnic="WBRI", dob=date(2010, 6, 1), year=2021)
    _ep(con, "B", date(2021, 6, 1))
    insert(con, "missing", child="B", missing="M", mis_start=date(2021, 8, 1), year=2021)
    derive(con, D)
    result = annex_a(con, D, D)
    assert 8 not in result.missing
    assert {n: result.missing[n] for n in (1, 2, 11)} == {1: "the local extract's `contacts` table was not sent",
                              2: "the local extract's `early_help` table was not sent",
                              11: "the local extract's `adopters` table was not sent"}
    row = _rows(result, 8)[0]
    assert row["Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"] == 1
    # the missing episode has no return interview recorded: blank, not N
    assert row["Was the child offered a Return Interview after their last missing episode (Y/N)?"] is None
    assert row["Date of Last IRO Visit / Contact to the Child"] is None


def test_placement_location_and_la_from_the_postcode_lookup(tmp_path):
    # no area_postcodes setting: the council is 938 (West Sussex) by the manifest; X placed in
    # Horsham (in), Y in Brighton (out: Brighton and Hove), Z at a postcode the lookup lacks
    con = new_snapshot(tables_present=("episodes", "header"))
    con.execute("INSERT INTO meta VALUES ('la', '938')")
    for n, (child, post) in enumerate((("X", "RH12 1LJ"), ("Y", "BN1 1AA"), ("Z", "ZZ9 9ZZ"))):
        insert(con, "header", child=child, sex="1", ethnic="WBRI", dob=date(2010, 6, 1), year=2021)
        _ep(con, child, date(2021, 6, 1), post=post, row=2 + n)
    derive(con, D)
    result = annex_a(con, D, D, lists=[8])
    got = [(r["Child Unique ID"], r["Placement Location"], r["LA of Placement"]) for r in _rows(result, 8)]
    assert got == [("X", "a) In", "West Sussex"), ("Y", "b) Out", "Brighton and Hove"), ("Z", None, None)]
    assert result.notes == ["List 8: 1 placement postcode(s) not found in the postcode lookup, LA of Placement "
                            "left blank: ZZ9 9ZZ"]
    path = write_annex_a(result, tmp_path / "c.xlsx", {"la": "938", "extract_date": "2021-11-30"})
    cover = [tuple(r[:2]) for r in openpyxl.load_workbook(path)["Cover"].iter_rows(values_only=True)]
    assert ("Note", result.notes[0]) in cover
