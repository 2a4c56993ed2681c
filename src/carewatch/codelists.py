"""The 903's codes in words (DOMAIN.md A2-A3), for pages, reports and Annex A.

One table per code list, keyed by the code as the 903 writes it; ``show`` gives "words (CODE)"
and ``words_expr`` does the same for a whole Polars column. Which codes are *valid* (and when) is
decided by ``carewatch.checks.codes``; this module only names them, and a test keeps the two in
step (every valid code has words). No web code here: the reports and Annex A use it too.

Where DOMAIN.md marks a meaning as not verified (Z11-Z14), the words say so.
"""
from __future__ import annotations

import polars as pl

SEX = {
    "1": "Male", "2": "Female",  # up to 2023-24
    "M": "Male", "F": "Female", "U": "Unknown",  # from 2024-25
}

ETHNIC = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background", "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean", "MWBA": "White and Black African", "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
    "CHNE": "Chinese", "OOTH": "Any other ethnic group",
    "REFU": "Refused", "NOBT": "Information not yet obtained",
}

LS = {
    "C1": "Interim care order", "C2": "Full care order",
    "D1": "Freeing order granted", "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Short breaks, recorded as individual episodes", "V4": "Short breaks, recorded as agreements",
    "L1": "Police protection", "L2": "Emergency protection order", "L3": "Child assessment order",
    "J1": "Remanded to local authority accommodation (LASPO 2012)", "J2": "Detained under PACE 1984",
    "J3": "Youth rehabilitation order with a residence or intensive fostering requirement",
}

RNE = {
    "S": "Started to be looked after", "L": "Change of legal status only",
    "P": "Change of placement and carer", "T": "Change of placement, same carer",
    "B": "Change of legal status and of placement and carer",
    "U": "Change of legal status and of placement, same carer",
}

CIN = {
    "N1": "Abuse or neglect", "N2": "Child's disability", "N3": "Parental illness or disability",
    "N4": "Family in acute stress", "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
    "N7": "Low income", "N8": "Absent parenting",
}

PLACE = {
    "A3": "Placed for adoption with consent, with current foster carer",
    "A4": "Placed for adoption with consent, not with current foster carer",
    "A5": "Placed for adoption under a placement order, with current foster carer",
    "A6": "Placed for adoption under a placement order, not with current foster carer",
    "H5": "Semi-independent living accommodation",
    "K1": "Secure children's home", "K2": "Children's home", "K3": "Supported accommodation",
    "P1": "Placed with parents", "P2": "Independent living", "P3": "Residential employment",
    "R1": "Residential care home", "R2": "NHS or health trust establishment",
    "R3": "Family centre or mother and baby unit", "R5": "Young offender institution",
    "S1": "Residential school",
    "T0": "Temporary placement", "T1": "Temporary: in hospital", "T2": "Temporary: on holiday",
    "T3": "Temporary: carer's holiday", "T4": "Temporary: 7 days or less, other reason",
    "U1": "Foster care with relative or friend, long-term",
    "U2": "Foster care with relative or friend, fostering for adoption or concurrent planning",
    "U3": "Foster care with relative or friend, other",
    "U4": "Foster care with other carer, long-term",
    "U5": "Foster care with other carer, fostering for adoption or concurrent planning",
    "U6": "Foster care with other carer, other",
    "Z1": "Other placement",
    "Z11": "Other placement (Z11; meaning not yet confirmed)",
    "Z12": "Other placement (Z12; meaning not yet confirmed)",
    "Z13": "Other placement (Z13; meaning not yet confirmed)",
    "Z14": "Other placement (Z14; meaning not yet confirmed)",
}

PLACE_PROVIDER = {
    "PR0": "Parents or person with parental responsibility", "PR1": "Own local authority",
    "PR2": "Other local authority", "PR3": "Other public sector", "PR4": "Private provider",
    "PR5": "Voluntary or third sector",
}

REC = {
    "X1": "Episode ended, still looked after",
    "E11": "Adopted, application unopposed", "E12": "Adopted, consent dispensed with",
    "E2": "Died", "E3": "Care taken over by another local authority",
    "E4A": "Returned home as part of the care plan", "E4B": "Returned home, not part of the care plan",
    "E13": "Went to live with a person without parental responsibility",
    "E41": "Residence or child arrangements order",
    "E45": "Special guardianship order: former foster carer, relative or friend",
    "E46": "Special guardianship order: former foster carer, not relative or friend",
    "E47": "Special guardianship order: other carer, relative or friend",
    "E48": "Special guardianship order: other carer, not relative or friend",
    "E5": "Independent living with formal support", "E6": "Independent living without formal support",
    "E7": "Transferred to adult residential care", "E9": "Sentenced to custody",
    "E14": "Remand ended", "E15": "Age assessed as 18 or over", "E16": "Moved abroad",
    "E17": "Aged 18 or over and stayed with carers (staying put)", "E8": "Ceased for another reason",
}

REASON_PLACE_CHANGE = {
    "CARPL": "Change to the care plan", "CLOSE": "Carer resigned or setting closed",
    "ALLEG": "Allegation (section 47)", "STAND": "Concern about standards of care",
    "APPRR": "Carer's approval removed",
    "CREQB": "Carer's request: the child's behaviour", "CREQO": "Carer's request: other reason",
    "CHILD": "The child's request", "LAREQ": "Responsible authority's request",
    "PLACE": "Change of placement status only", "CUSTOD": "Custody", "OTHER": "Other",
}

REVIEW_CODE = {
    "PN0": "Child under 4", "PN1": "Attended and spoke for self",
    "PN2": "Attended; an advocate or the IRO spoke for the child",
    "PN3": "Attended and conveyed views symbolically", "PN4": "Attended but did not contribute",
    "PN5": "Absent; briefed an advocate", "PN6": "Absent; conveyed views another way",
    "PN7": "Absent; views not conveyed",
}

#: the 903 has a UASC table rather than a code: a child in it (status not ceased) is "Y"
UASC = {"Y": "Unaccompanied asylum-seeking child", "N": "Not an unaccompanied asylum-seeking child"}

#: the lists by 903 column name (lower case), as the snapshot names them
CODE_WORDS: dict[str, dict[str, str]] = {
    "sex": SEX, "ethnic": ETHNIC, "ls": LS, "rne": RNE, "cin": CIN, "place": PLACE,
    "place_provider": PLACE_PROVIDER, "rec": REC, "reason_place_change": REASON_PLACE_CHANGE,
    "review_code": REVIEW_CODE, "uasc": UASC,
}


def words(column: str, code) -> str | None:
    """The words for a code, or None when the list has none (blank or unknown code)."""
    return CODE_WORDS[column].get(code) if code is not None else None


def show(column: str, code) -> str:
    """'words (CODE)'; an unknown code as the code itself; a blank one as ''."""
    if code is None or code == "":
        return ""
    said = words(column, code)
    return f"{said} ({code})" if said else str(code)


def words_expr(column: str, expr: pl.Expr | None = None) -> pl.Expr:
    """``show`` for a whole column, set-based: 'words (CODE)', the bare code when unknown,
    null when blank; named ``column`` (alias it when ``expr`` is another column)."""
    code = (pl.col(column) if expr is None else expr).cast(pl.Utf8)
    said = code.replace_strict(CODE_WORDS[column], default=None, return_dtype=pl.Utf8)
    return (pl.when(code.is_null() | (code == "")).then(None)
            .when(said.is_null()).then(code)
            .otherwise(pl.format("{} ({})", said, code))).alias(column)
