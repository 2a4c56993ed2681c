"""Children missing from Header, duplicate rows, formula-like text, local-extract values."""
from __future__ import annotations

from carewatch.checks.children import check_children
from carewatch.checks.duplicates import check_duplicates
from carewatch.checks.local import check_local
from carewatch.checks.text import check_text

from .helpers import d, located, only, table


def test_child_not_in_header_is_one_finding_per_table():
    tables = {
        "header": table("header", [{"child": "C1"}]),
        # C9 has two episodes (rows 3 and 4) and a visit: one finding for each table
        "episodes": table("episodes", [{"child": "C1"}, {"child": "C9"}, {"child": "C9"}]),
        "visits": table("visits", [{"child": "C9", "visit_date": d("01/05/2021")}]),
        # CIN census children need not be looked after, nor those of contacts and early help
        "cin_referrals": table("cin_referrals", [{"child": "C8"}]),
        "contacts": table("contacts", [{"child": "C8"}]),
        "early_help": table("early_help", [{"child": "C7"}]),
        # an IRO's contact is with a child in care: C6 should be in Header
        "iro_contacts": table("iro_contacts", [{"child": "C6"}]),
    }
    findings = check_children(tables).sort("file")
    assert [located(f) for f in findings.iter_rows(named=True)] == [
        ("child.not_in_header", "error", "episodes.csv", 3, "CHILD", "C9"),
        # a local-extract table: a warning, since no duty or indicator can use the rows
        ("child.local_not_in_header", "warning", "iro_contacts.csv", 2, "CHILD", "C6"),
        ("child.local_not_in_header", "warning", "visits.csv", 2, "CHILD", "C9"),
    ]
    assert findings["message"].to_list()[0] == (
        "Child C9 has 2 row(s) in Episodes but is not in Header; add the child to Header or correct CHILD.")


def test_identical_rows_are_duplicates_ignoring_the_row_number():
    tables = {"dental_checks": table("dental_checks", [
        {"child": "C1", "check_date": d("01/05/2021")},
        {"child": "C1", "check_date": d("02/05/2021")},
        {"child": "C1", "check_date": d("01/05/2021")},
    ])}
    finding = only(check_duplicates(tables))
    assert located(finding) == ("row.duplicate", "warning", "dental_checks.csv", 4, None, "C1")
    assert finding["message"].startswith("This row of dental_checks repeats dental_checks.csv row 2 exactly")


def test_same_row_in_two_years_is_not_a_duplicate():
    # the readers merge years; a row repeated in two returns differs by `year`
    header = table("header", [{"child": "C1", "sex": "1"}], year=2021).vstack(
        table("header", [{"child": "C1", "sex": "1"}], year=2022))
    assert check_duplicates({"header": header}).height == 0


def test_formula_text_is_a_warning_but_signed_numbers_are_not():
    tables = {"allocations": table("allocations", [
        {"child": "C1", "team": '=HYPERLINK("http://x","click")', "worker": "-3"},
        {"child": "C2", "team": "North", "worker": "@SUM(A1)"},
        {"child": "C3", "team": "+44 1234", "worker": " +7.5"},
    ])}
    findings = check_text(tables)
    assert [located(f) for f in findings.iter_rows(named=True)] == [
        ("text.formula", "warning", "allocations.csv", 2, "TEAM", "C1"),
        ("text.formula", "warning", "allocations.csv", 4, "TEAM", "C3"),
        ("text.formula", "warning", "allocations.csv", 3, "WORKER", "C2"),
    ]
    assert findings["message"].to_list()[0] == (
        "TEAM holds '=HYPERLINK(\"http://x\",\"click\")', which a spreadsheet would run as a formula: "
        "kept as text; escaped on export. Check what the source system exported.")


def test_formula_text_is_found_in_any_slice_of_a_long_column():
    # the values are searched in slices of 65,536: a sign in the last value of a slice, in the first
    # of the next and in the table's last row is found, and only there
    rows = [{"child": "C1", "team": "North"} for _ in range(140_000)]
    for at in (65_535, 65_536, 139_999):
        rows[at] = {"child": "C1", "team": "=1+1"}
    findings = check_text({"allocations": table("allocations", rows)})
    assert findings["row"].to_list() == [65_537, 65_538, 140_001]
    assert findings["column"].to_list() == ["TEAM", "TEAM", "TEAM"]


def test_local_unknown_code():
    tables = {"health_assessments": table("health_assessments", [{"child": "C1", "type": "IHA"},
                                                                 {"child": "C1", "type": "RHAX"}])}
    finding = only(check_local(tables))
    assert located(finding) == ("code.unknown", "error", "health_assessments.csv", 3, "TYPE", "C1")
    assert finding["message"].startswith("TYPE 'RHAX' is not valid; expected IHA or RHA.")


def test_blank_enquiry_outcome_means_open():
    tables = {"fostering_enquiries": table("fostering_enquiries", [{"enquiry": "Q1", "outcome": None},
                                                                   {"enquiry": "Q2", "outcome": "LOST"}])}
    assert located(only(check_local(tables))) == (
        "code.unknown", "error", "fostering_enquiries.csv", 3, "OUTCOME", None)


def test_academic_year_must_look_like_2020_21():
    tables = {"education": table("education", [
        {"child": "C1", "academic_year": "2020/21"},
        {"child": "C1", "academic_year": "2020/22"},  # not consecutive years
        {"child": "C1", "academic_year": "2099/00"},  # century turn is fine
        {"child": "C2", "academic_year": "2021-22"},
    ])}
    findings = check_local(tables)
    assert [located(f) for f in findings.iter_rows(named=True)] == [
        ("local.academic_year", "error", "education.csv", 3, "ACADEMIC_YEAR", "C1"),
        ("local.academic_year", "error", "education.csv", 5, "ACADEMIC_YEAR", "C2"),
    ]


def test_attendance_must_be_a_percentage():
    tables = {"education": table("education", [
        {"child": "C1", "academic_year": "2020/21", "attendance_pct": 100.0},
        {"child": "C2", "academic_year": "2020/21", "attendance_pct": 100.5},
        {"child": "C3", "academic_year": "2020/21", "attendance_pct": None},
    ])}
    finding = only(check_local(tables))
    assert located(finding) == ("local.attendance_range", "error", "education.csv", 3, "ATTENDANCE_PCT", "C2")
    assert finding["message"].startswith("ATTENDANCE_PCT 100.5 is not a percentage")


def test_identical_participation_rows_are_two_events_not_a_duplicate():
    tables = {"participation": table("participation", [
        {"event_date": d("01/05/2021"), "channel": "MOMO", "events": 1},
        {"event_date": d("01/05/2021"), "channel": "MOMO", "events": 1},
    ])}
    assert check_duplicates(tables).height == 0


def test_contact_source_is_a_cin_referral_source_and_adopter_codes():
    tables = {"contacts": table("contacts", [{"child": "C1", "source": "5A"}, {"child": "C2", "source": "5Z"}]),
              "adopters": table("adopters", [{"adopter": "P1", "gender": "F", "ethnicity": "WBRI"},
                                             {"adopter": "P2", "gender": "X", "ethnicity": "WBRI"}])}
    found = check_local(tables).sort("file")
    assert [located(r) for r in found.iter_rows(named=True)] == [
        ("code.unknown", "error", "adopters.csv", 3, "GENDER", None),
        ("code.unknown", "error", "contacts.csv", 3, "SOURCE", "C2")]


def test_return_interview_accepted_but_not_offered():
    rows = [{"child": "C1", "missing_start": d("05/03/2021"), "offered": True, "accepted": True},
            {"child": "C1", "missing_start": d("06/04/2021"), "offered": False, "accepted": False},
            {"child": "C2", "missing_start": d("07/05/2021"), "offered": False, "accepted": True},
            {"child": "C3", "missing_start": d("08/05/2021"), "offered": None, "accepted": True}]
    finding = only(check_local({"return_interviews": table("return_interviews", rows)}))
    # only C2: C3's OFFERED is blank (not recorded), not N
    assert located(finding) == ("local.return_interview_not_offered", "error", "return_interviews.csv", 4,
                                "ACCEPTED", "C2")
    assert finding["message"].startswith("The return interview after the missing episode starting 07/05/2021 is "
                                         "ACCEPTED Y but OFFERED N")
