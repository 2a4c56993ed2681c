"""The local extract (DATA.md §2): its enumerations and the values its indicators rely on."""
from __future__ import annotations

import polars as pl

from carewatch.checks.codes import ETHNIC, REFERRAL_SOURCE, SEX_FROM_2025, unknown_codes
from carewatch.checks.common import check, ddmmyyyy, has, is_blank, located
from carewatch.checks.findings import Severity, concat_findings, empty_findings, findings_from_rows

ACADEMIC_YEAR = check(
    "local.academic_year", "ACADEMIC_YEAR not written like 2020/21", Severity.ERROR,
    "ACADEMIC_YEAR '{value}' is not an academic year written like 2020/21; correct it.", "education",
    remedy="Write ACADEMIC_YEAR as 2020/21 in the local extract and import again.")
ATTENDANCE = check(
    "local.attendance_range", "ATTENDANCE_PCT outside 0-100", Severity.ERROR,
    "ATTENDANCE_PCT {value} is not a percentage between 0 and 100; correct it.", "education",
    remedy="Correct ATTENDANCE_PCT to a percentage from 0 to 100 in the local extract.")
RETURN_NOT_OFFERED = check(
    "local.return_interview_not_offered", "Return interview accepted but not offered", Severity.ERROR,
    "The return interview after the missing episode starting {missing_start} is ACCEPTED Y but OFFERED N; "
    "a child can only accept an interview that was offered: correct one of them.", "return_interviews",
    remedy="Ask the missing-children team which is right (OFFERED or ACCEPTED), correct the "
           "return_interviews table and import again.")

# (table, column, codes) from DATA.md §2; a blank OUTCOME means the enquiry is still open
LOCAL_CODE_LISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("health_assessments", "type", ("IHA", "RHA")),
    ("permanence_plans", "plan", ("RETURN_HOME", "FAMILY_FRIENDS", "SGO", "CAO", "LONG_TERM_FOSTERING",
                                  "ADOPTION", "RESIDENTIAL", "INDEPENDENCE")),
    ("foster_households", "type", ("MAINSTREAM", "CONNECTED", "FFA")),
    ("fostering_enquiries", "outcome", ("APPROVED", "WITHDRAWN", "DECLINED")),
    ("education", "school_ofsted", ("OUTSTANDING", "GOOD", "RI", "INADEQUATE", "NONE")),
    ("residential_events", "event", ("MISSING", "RESTRAINT", "COMPLAINT", "BREAKDOWN")),
    ("participation", "channel", ("MOMO", "CICC", "SURVEY", "AWARDS", "OTHER")),
    ("nts_referrals", "decision", ("ACCEPTED", "DECLINED")),
    ("contacts", "source", REFERRAL_SOURCE),
    ("adopters", "gender", SEX_FROM_2025),
    ("adopters", "ethnicity", ETHNIC),
]


def _academic_year_ok(value: pl.Expr) -> pl.Expr:
    """2020/21: two consecutive years, the second written with two digits."""
    first = value.str.slice(0, 4).cast(pl.Int64, strict=False)
    second = value.str.slice(5, 2).cast(pl.Int64, strict=False)
    return value.str.contains(r"^\d{4}/\d{2}$") & (second == (first + 1) % 100)


def _education(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = []
    if has(tables, "education", "academic_year"):
        year = pl.col("academic_year")
        bad = tables["education"].filter(~is_blank(year) & ~_academic_year_ok(year).fill_null(False))
        frames.append(findings_from_rows(ACADEMIC_YEAR, located(
            bad, year.alias("value"), column="ACADEMIC_YEAR")))
    if has(tables, "education", "attendance_pct"):
        pct = pl.col("attendance_pct")
        bad = tables["education"].filter(~pct.is_between(0, 100).fill_null(True))
        frames.append(findings_from_rows(ATTENDANCE, located(bad, pct.alias("value"), column="ATTENDANCE_PCT")))
    return concat_findings(frames)


def _return_interviews(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "return_interviews", "offered", "accepted", "missing_start"):
        return empty_findings()
    bad = tables["return_interviews"].filter(pl.col("accepted") & ~pl.col("offered"))
    return findings_from_rows(RETURN_NOT_OFFERED, located(
        bad, ddmmyyyy(pl.col("missing_start")).alias("missing_start"), column="ACCEPTED"))


def check_local(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return concat_findings([unknown_codes(tables[table], column, codes)
                            for table, column, codes in LOCAL_CODE_LISTS if has(tables, table, column)]
                           + [_education(tables), _return_interviews(tables)])
