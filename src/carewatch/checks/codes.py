"""Code lists of the 903 (DOMAIN.md A2-A3): unknown codes, codes used outside the returns they
belong to, and fields that must stay blank.

Which PLACE codes are valid when is judged by the episode itself (its DEC, or when still open, the
end of the collection year it was reported in, 31 March of ``year``):
- P2 is not valid for an episode open after 28/10/2023;
- K3 is valid only in returns from 2024-25 (``year`` >= 2025);
- Z11-Z14 are valid only in returns from 2025-26 (``year`` >= 2026);
- H5 and Z1 are not valid for an episode open after 01/04/2025 (2025-26 removed them, with P2),
  so episodes that ended before then keep their old codes in later returns.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from carewatch.checks.common import check, has, is_blank, located, source_column, year_label
from carewatch.checks.findings import Severity, concat_findings, empty_findings, findings_from_rows

UNKNOWN = check(
    "code.unknown", "Unknown code", Severity.ERROR,
    "{column} '{value}' is not valid; expected {expected}. "
    "Correct it in the case-management system and re-export.",
    remedy=("Correct the code in the case-management system to one on the list (the 903 guidance), then "
            "re-export; the child is left out until then."))
NOT_IN_USE = check(
    "code.not_in_use", "Code not valid for the episode's dates", Severity.ERROR,
    "{column} '{value}' is not valid for this episode ({collection_year} return): {reason}. "
    "Use a code valid for that return.", "episodes",
    remedy=("Recode the episode in the case-management system with a code valid for that year's return "
            "(DfE's 903 guidance for the year), then re-export."))
PROVIDER_NOT_BLANK = check(
    "code.provider_not_blank", "PLACE_PROVIDER given for a temporary or 'other' placement",
    Severity.WARNING,
    "PLACE_PROVIDER '{value}' must be blank for PLACE {place} (T0-T4, Z1, Z11-Z14); clear it.",
    "episodes",
    remedy=("Clear PLACE_PROVIDER on these placements in the case-management system; no figure uses it for "
            "them, so this can wait for the next return."))
REASON_WHILE_OPEN = check(
    "code.reason_while_open", "REASON_PLACE_CHANGE on an open episode", Severity.WARNING,
    "REASON_PLACE_CHANGE '{value}' is recorded on an episode that has not ended (no DEC); "
    "it should be blank until the placement ends.", "episodes",
    remedy="Clear REASON_PLACE_CHANGE on the open episode, or record its end date if the placement has ended.")
UPN_FORMAT = check(
    "code.upn_format", "UPN neither 13 characters nor UN1-UN5", Severity.WARNING,
    "UPN '{value}' is not a 13-character UPN (a letter, 11 digits, then a digit or letter) "
    "or UN1-UN5.", "header",
    remedy=("Check the UPN with the school or the virtual school and correct it; education matching needs a "
            "valid UPN."))

LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
RNE = ("S", "L", "P", "T", "B", "U")
CIN = tuple(f"N{i}" for i in range(1, 9))
TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
OTHER_PLACES = ("Z1", "Z11", "Z12", "Z13", "Z14")
PLACE = ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
         "S1", *TEMPORARY_PLACES, "U1", "U2", "U3", "U4", "U5", "U6", *OTHER_PLACES)
PLACE_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REC = ("X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48",
       "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8")
REASON_PLACE_CHANGE = ("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD",
                       "LAREQ", "PLACE", "CUSTOD", "OTHER")
REVIEW_CODE = tuple(f"PN{i}" for i in range(8))
ETHNIC = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
          "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
FLAG = ("0", "1")
SDQ_REASON = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
ACTIV = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0")
ACCOM = ("0", *(f"{letter}{suffix}" for letter in "BCDEGHKRSTUVWXYZ" for suffix in "12"))
SEX_ADOPTR = ("M1", "F1", "MM", "FF", "MF")
LS_ADOPTR = ("L0", "L11", "L12", "L2", "L3", "L4")
REASON_PLACED_CEASED = ("RD1", "RD2", "RD3", "RD4")
PREV_PERM = ("P1", "P2", "P3", "P4", "Z1")
MISSING = ("M", "A")
#: the CIN census ReferralSource codes, which the local extract's contacts SOURCE uses too
REFERRAL_SOURCE = ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
                   "5D", "6", "7", "8", "9", "10")
SW_REASON = ("MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN",
             "SWDIED", "OTHERS")
SEX_TO_2024 = ("1", "2")
SEX_FROM_2025 = ("M", "F", "U")
OC2_FLAGS = ("convicted", "health_check", "immunisations", "teeth_check", "health_assessment",
             "substance_misuse", "intervention_received", "intervention_offered")

# (table, column, codes): fixed lists; SEX, SDQ_SCORE and PLACE's dates are handled below
CODE_LISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("header", "ethnic", ETHNIC),
    ("header", "mother", FLAG),
    ("episodes", "ls", LS),
    ("episodes", "rne", RNE),
    ("episodes", "cin", CIN),
    ("episodes", "place", PLACE),
    ("episodes", "place_provider", PLACE_PROVIDER),
    ("episodes", "rec", REC),
    ("episodes", "reason_place_change", REASON_PLACE_CHANGE),
    ("reviews", "review_code", REVIEW_CODE),
    *(("oc2", flag, FLAG) for flag in OC2_FLAGS),
    ("oc2", "sdq_reason", SDQ_REASON),
    ("oc3", "in_touch", IN_TOUCH),
    ("oc3", "activ", ACTIV),
    ("oc3", "accom", ACCOM),
    ("ad1", "foster_care", FLAG),
    ("ad1", "sex_adoptr", SEX_ADOPTR),
    ("ad1", "ls_adoptr", LS_ADOPTR),
    ("placed_adoption", "reason_placed_ceased", REASON_PLACED_CEASED),
    ("prev_perm", "prev_perm", PREV_PERM),
    ("missing", "missing", MISSING),
    ("sw_episodes", "sw_reason", SW_REASON),
]


def _or_list(codes: tuple[str, ...]) -> str:
    return ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else codes[0]


def unknown_values(df: pl.DataFrame, column: str, valid: pl.Expr, expected: pl.Expr) -> pl.DataFrame:
    """``code.unknown`` for every non-blank value of ``column`` where ``valid`` is false."""
    value = pl.col(column).cast(pl.Utf8)
    # ``valid`` is null only where the value is, which is blank: the few invalid values are found
    # first, and only they are looked at for blanks (stripping every value costs more than the test)
    bad = df.filter(~valid.fill_null(True)).filter(~is_blank(pl.col(column)))
    return findings_from_rows(UNKNOWN, located(bad, value.alias("value"), expected.alias("expected"),
                                               column=source_column(column)))


def unknown_codes(df: pl.DataFrame, column: str, codes: tuple[str, ...]) -> pl.DataFrame:
    return unknown_values(df, column, pl.col(column).cast(pl.Utf8).is_in(codes), pl.lit(_or_list(codes)))


def _fixed_lists(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return concat_findings([unknown_codes(tables[table], column, codes)
                            for table, column, codes in CODE_LISTS if has(tables, table, column)])


def _sex(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """SEX was 1/2 up to 2023-24 and is M/F/U from 2024-25 (Header and UASC)."""
    frames = []
    for table in ("header", "uasc"):
        if not has(tables, table, "sex", "year"):
            continue
        new_codes = pl.col("year") >= 2025
        valid = (pl.when(new_codes).then(pl.col("sex").is_in(SEX_FROM_2025))
                 .otherwise(pl.col("sex").is_in(SEX_TO_2024)))
        expected = (pl.when(new_codes).then(pl.lit("M, F or U from 2024-25"))
                    .otherwise(pl.lit("1 or 2 up to 2023-24")))
        frames.append(unknown_values(tables[table], "sex", valid, expected))
    return concat_findings(frames)


def _sdq_score(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "oc2", "sdq_score"):
        return empty_findings()
    return unknown_values(tables["oc2"], "sdq_score", pl.col("sdq_score").is_between(0, 40),
                          pl.lit("a score from 0 to 40"))


def _open_after(day: dt.date) -> pl.Expr:
    """The episode was still open after ``day`` (if it has no DEC, at the end of its return)."""
    return (pl.col("dec") > day) | (pl.col("dec").is_null() & (pl.date(pl.col("year"), 3, 31) > day))


# (codes, the episode cannot use them when, why): see the module docstring
PLACE_VALIDITY: list[tuple[tuple[str, ...], pl.Expr, str]] = [
    (("P2",), _open_after(dt.date(2023, 10, 28)),
     "P2 (independent living) is not allowed for placements open after 28/10/2023"),
    (("K3",), pl.col("year") < 2025, "K3 (supported accommodation) exists from the 2024-25 return"),
    (("Z11", "Z12", "Z13", "Z14"), pl.col("year") < 2026, "Z11-Z14 exist from the 2025-26 return"),
    # P2 is also withdrawn in 2025-26, but the 2023 rule already covers every open P2 placement
    (("H5", "Z1"), _open_after(dt.date(2025, 4, 1)),
     "H5 and Z1 were withdrawn for placements open after 01/04/2025 (Z1 became Z11-Z14)"),
]


def _codes_by_date(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "episodes", "place", "dec", "year"):
        return empty_findings()
    episodes = tables["episodes"]
    frames = []
    for codes, invalid, reason in PLACE_VALIDITY:
        bad = episodes.filter(pl.col("place").is_in(codes) & invalid.fill_null(False))
        frames.append(findings_from_rows(NOT_IN_USE, located(
            bad, pl.col("place").alias("value"), year_label(pl.col("year")).alias("collection_year"),
            pl.lit(reason).alias("reason"), column="PLACE")))
    return concat_findings(frames)


def _blank_fields(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "episodes", "place", "place_provider", "dec", "reason_place_change"):
        return empty_findings()
    episodes = tables["episodes"]
    provider = episodes.filter(pl.col("place").is_in(TEMPORARY_PLACES + OTHER_PLACES)
                               & ~is_blank(pl.col("place_provider")))
    open_reason = episodes.filter(pl.col("dec").is_null() & ~is_blank(pl.col("reason_place_change")))
    return concat_findings([
        findings_from_rows(PROVIDER_NOT_BLANK, located(
            provider, pl.col("place_provider").alias("value"), "place", column="PLACE_PROVIDER")),
        findings_from_rows(REASON_WHILE_OPEN, located(
            open_reason, pl.col("reason_place_change").alias("value"), column="REASON_PLACE_CHANGE")),
    ])


def _upn(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    if not has(tables, "header", "upn"):
        return empty_findings()
    bad = tables["header"].filter(
        ~is_blank(pl.col("upn")) & ~pl.col("upn").str.contains(r"^(?:[A-Z]\d{11}[0-9A-Z]|UN[1-5])$"))
    return findings_from_rows(UPN_FORMAT, located(bad, pl.col("upn").alias("value"), column="UPN"))


def check_codes(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return concat_findings([_fixed_lists(tables), _sex(tables), _sdq_score(tables),
                            _codes_by_date(tables), _blank_fields(tables), _upn(tables)])
