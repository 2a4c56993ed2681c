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


def in_area(postcode: pl.Expr, area_postcodes: tuple[str, ...]) -> pl.Expr:
    """"in" / "out" of the council's area by the placement postcode's outward code or its postcode
    area (the letters before the first digit) being one of ``area_postcodes``; null when no area is
    set or there is no postcode."""
    if not area_postcodes:
        return pl.lit(None, dtype=pl.Utf8)
    code = postcode.str.to_uppercase().str.replace_all(r"\s+", "")
    outward = code.str.slice(0, code.str.len_chars() - 3)
    area = outward.str.extract(r"^([A-Z]+)", 1)
    wanted = pl.lit(pl.Series([a.upper().replace(" ", "") for a in area_postcodes])).implode()
    inside = outward.is_in(wanted) | area.is_in(wanted)
    return pl.when(code.is_null() | (code == "")).then(None).when(inside).then(pl.lit("in")).otherwise(pl.lit("out"))


# --- Ofsted's Annex A category labels (DOMAIN.md E) ----------------------------------------------
# One table per Annex A field, keyed by the 903 (or CIN census) code. Where a code has no letter of
# its own the nearest is used; docs/annex-a.md lists each such choice.

def _by_first_letter(codes, letters: dict[str, str], default: str) -> dict[str, str]:
    return {code: letters.get(code[0], default) for code in codes}


OFSTED: dict[str, dict[str, str]] = {
    # 903 sex (1/2 to 2023-24, M/F/U from 2024-25) and CIN GenderCurrent (0 not known, 9 not specified)
    "sex": {"1": "a) Male", "M": "a) Male", "2": "b) Female", "F": "b) Female",
            "U": "c) Not stated/recorded", "0": "c) Not stated/recorded", "9": "c) Not stated/recorded"},
    # by census group: the code's first letter (Chinese is in the 903's "other" group); refused and
    # not yet obtained are "not stated"
    "ethnic": {**_by_first_letter(ETHNIC, {"W": "a) White", "M": "b) Mixed", "A": "c) Asian or Asian British",
                                           "B": "d) Black or black British"}, "e) Other ethnic group"),
               "REFU": "f) Not stated", "NOBT": "f) Not stated"},
    "cin": {"N1": "a) Abuse or neglect", "N2": "b) Child's disability", "N3": "c) Parents illness or disability",
            "N4": "d) Family in acute stress", "N5": "e) Family dysfunction",
            "N6": "f) Socially unacceptable behaviour", "N7": "g) Low income", "N8": "h) Absent parenting",
            "N9": "i) Not CIN", "N0": "j) Not stated"},
    "ls": {"C1": "a) Interim care orders (C1)", "C2": "b) Full care orders (C2)", "D1": "c) Freed for adoption (D1)",
           "E1": "d) Placement order granted (E1)", "V2": "e) Accommodated under S20 (V2)",
           **{c: "f) Detained on child protection grounds in LA accommodation (L1–L3)" for c in ("L1", "L2", "L3")},
           **{c: "g) Youth justice legal statuses (J1–J3)" for c in ("J1", "J2", "J3")}},
    # the local extract's permanence plan (DATA.md): family and friends care has no letter: g) Other
    "plan": {"RETURN_HOME": "a) Return to family", "ADOPTION": "b) Adoption", "SGO": "c) SGO/CAO",
             "CAO": "c) SGO/CAO", "INDEPENDENCE": "d) Supported living in the community",
             "RESIDENTIAL": "e) Long-term residential placement", "LONG_TERM_FOSTERING": "f) Long-term fostering",
             "FAMILY_FRIENDS": "g) Other"},
    # staying put (E17) has no letter: n) Care ceased for any other reason
    "rec": {"E11": "a) Adopted", "E12": "a) Adopted", "E2": "b) Died", "E3": "c) Care taken by another LA",
            "E4A": "d) Returned home to live with parents or relatives",
            "E4B": "d) Returned home to live with parents or relatives",
            "E13": "e) Left care to live with parents, relatives or other person with no parental responsibility",
            "E41": "f) Residence order granted",
            **{c: "g) Special Guardianship Orders" for c in ("E45", "E46", "E47", "E48")},
            "E5": "h) Moved into independent living", "E6": "h) Moved into independent living",
            "E7": "i) Transferred to residential care funded by adult social services",
            "E9": "j) Sentenced to custody", "E14": "k) Accommodation on remand ended",
            "E15": "l) Age assessment determined child was 18 or over", "E16": "m) Child moved abroad",
            "E8": "n) Care ceased for any other reason", "E17": "n) Care ceased for any other reason"},
    # semi-independent (H5) and supported accommodation (K3): f) Residential accommodation
    "place": {**{c: "a) Foster placement" for c in ("U1", "U2", "U3", "U4", "U5", "U6")},
              **{c: "b) Placed for adoption" for c in ("A3", "A4", "A5", "A6")},
              "P1": "c) Placed with parents", "P2": "d) Independent living", "P3": "e) Residential employment",
              "H5": "f) Residential accommodation", "K3": "f) Residential accommodation",
              "K1": "g) Secure children's homes", "K2": "h) Children's homes", "R1": "i) Residential care home",
              "R2": "j) NHS/Health Trust", "R3": "k) Family centre or mother and baby unit",
              "R5": "l) Young offender institution", "S1": "m) Residential school",
              **{c: "n) Other placements" for c in ("Z1", "Z11", "Z12", "Z13", "Z14")},
              **{c: "o) Temporary placement" for c in ("T0", "T1", "T2", "T3", "T4")}},
    # parents, another LA, other public sector and voluntary providers: c) Other
    "place_provider": {"PR1": "a) Own LA", "PR4": "b) Private",
                       **{c: "c) Other" for c in ("PR0", "PR2", "PR3", "PR5")}},
    "location": {"in": "a) In", "out": "b) Out"},
    # refusing contact is not being in touch; died, no longer needs services, home 6+ months: exclude
    "in_touch": {"YES": "a) In touch", "NO": "b) Not in touch", "REFU": "b) Not in touch",
                 "DIED": "d) Exclude", "NREQ": "d) Exclude", "RHOM": "d) Exclude"},
    # the ACCOM code's suffix
    "suitability": {"1": "a) Suitable", "2": "b) Not suitable", "0": "c) Not in touch or not recorded",
                    "exclude": "d) Exclude"},
    "activ": {"F1": "Full-time higher education (F1)", "P1": "Part-time higher education (P1)",
              "F2": "Full-time other education (F2)", "P2": "Part-time other education (P2)",
              "F4": "Full-time apprenticeship (F4)", "P4": "Part-time apprenticeship (P4)",
              "F5": "Full-time training or employment (F5)", "P5": "Part-time training or employment (P5)",
              "G4": "NEET: illness or disability (G4)", "G5": "NEET: other reasons (G5)",
              "G6": "NEET: pregnancy or parenting (G6)", "0": "Not known or not in touch (0)"},
    "reason_placed_ceased": {"RD1": "a) Child's needs changed", "RD2": "b) Court did not make a PO",
                             "RD3": "c) Prospective adopters cannot be found", "RD4": "d) Any other reason"},
    "eligibility": {"relevant": "a) Relevant", "former_relevant": "b) Former relevant"},
    "yn": {"true": "Y", "false": "N"},
    # "Does the Child have a Disability": annexa's cw_disability (the CIN census's codes)
    "disability": {"true": "Yes", "false": "No"},
}


def ofsted_expr(table: str, expr: pl.Expr) -> pl.Expr:
    """Ofsted's label for each code of a column (``OFSTED[table]``), set-based; an unknown code
    stays as it is (so the inspectors see it rather than a blank), a blank stays blank."""
    code = expr.cast(pl.Utf8)
    said = code.replace_strict(OFSTED[table], default=None, return_dtype=pl.Utf8)
    return pl.when(code.is_null() | (code == "")).then(None).otherwise(pl.coalesce(said, code))
