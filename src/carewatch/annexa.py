"""Ofsted's Annex A (DOMAIN.md E): the child-level lists an inspection asks for, from one snapshot.

``annex_a(con, as_of, months, settings)`` gives one Polars frame per list, with Ofsted's headings in
order (``LISTS``, the one table of them); ``write_annex_a`` writes the workbook. Each list is one
set-based query; codes become Ofsted's labels through ``carewatch.codelists.OFSTED`` (one table).
The window is the ``months`` months to the as-of date, (D - months, D]: lists 3-5 hold events in it,
lists 6-10 children open (looked after) at any time in it. Quarantined children (row errors) are
left out, as from every indicator. docs/annex-a.md says what each list holds and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from carewatch.codelists import ofsted_expr
from carewatch.duties.common import allocation_sql
from carewatch.kpis.engine import prepare_on, tables_present
from carewatch.kpis.sql import PLACEMENTS_IN_12_MONTHS
from carewatch.snapshot import read_meta
from carewatch.output import escape_formula
from carewatch.postcodes import council_la, la_name, la_of, placement_location
from carewatch.sources.common import SCHEMA

_DUCK_TYPES = {pl.Utf8: "VARCHAR", pl.Date: "DATE", pl.Int64: "BIGINT", pl.Boolean: "BOOLEAN", pl.Float64: "DOUBLE"}

_ID = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
_STAFF = ["Allocated Team", "Allocated Worker"]
_DISABILITY = "Does the Child have a Disability"


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    headings: tuple[str, ...]
    #: the snapshot tables it is built from; absent ones leave it empty (the cover says which)
    sources: tuple[str, ...]


#: Ofsted's lists and headings, exactly and in order (DOMAIN.md E; a test compares them byte for byte)
LISTS: dict[int, AnnexList] = {a.number: a for a in [
    AnnexList(1, "Contacts", (*_ID, "Date of Contact", "Contact Source"), ("contacts",)),
    AnnexList(2, "Early help assessments", (*_ID, "Assessment start date", "Assessment completion date",
                                            "Organisation completing assessment"), ("early_help",)),
    AnnexList(3, "Referrals", (*_ID, "Date of referral", "Referral Source", "Referral NFA?",
                               "Number of Referrals in Last 12 Months", *_STAFF), ("cin_referrals",)),
    AnnexList(4, "Assessments", (*_ID, _DISABILITY, "Continuous Assessment Start Date",
                                 "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
                                 "Was the child assessed as requiring LA children's social care support?", *_STAFF),
              ("cin_assessments",)),
    AnnexList(5, "Section 47 enquiries and initial child protection conferences", (
        *_ID, _DISABILITY, "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?", "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months", *_STAFF),
              ("cin_s47",)),
    AnnexList(6, "Children in need", (*_ID, _DISABILITY, "CIN Start Date", "Primary Need Code",
                                      "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status",
                                      *_STAFF), ("cin_referrals",)),
    AnnexList(7, "Child protection", (
        *_ID, _DISABILITY, "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
        "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans", *_STAFF), ("cin_cp_plans",)),
    AnnexList(8, "Children in care", (
        *_ID, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", _DISABILITY,
        "Date Started to be Looked After", "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
        "Date of Last Social Work Visit", "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment", "Date of Last Dental Check",
        "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
        "Placement Provider", "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?", *_STAFF), ("episodes",)),
    AnnexList(9, "Care leavers", (
        *_ID, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", _DISABILITY,
        *_STAFF, "Allocated Personal Advisor", "Eligibility Category", "Latest Pathway Plan Review Date", "LA in Touch",
        "Latest Date of Contact", "Type of Accommodation", "Suitability of Accommodation", "Activity Status"), ("oc3",)),
    AnnexList(10, "Adoption", (
        "Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        _DISABILITY, "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order", "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
        "Date of Adoption Order", "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement"), ("placed_adoption",)),
    AnnexList(11, "Adopters", (
        "Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability",
        "Is the (prospective) adopter fostering for adoption?", "Date enquiry received", "Date Stage 1 started",
        "Date Stage 1 ended", "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
        "Date application approved", "Date adopter matched with child(ren)", "Date child/children placed with adopter(s)",
        "No. of children placed", "Date of Adoption Order", "Date of leaving adoption process",
        "Reason for leaving adoption process"), ("adopters",)),
]}

#: the optional local-extract tables added for Annex A: a snapshot built before they existed has none,
#: so each is read as an empty table there (``_ensure_tables``)
ANNEX_TABLES = ("contacts", "early_help", "iro_contacts", "return_interviews", "personal_advisers", "adopters",
                "leaver_contacts", "adoption_matches")

# --- the queries: each gives the list's columns in order, as SQL names c1..cN --------------------

# the 903 header: one row per child (the latest collection year's)
_HEADER = "SELECT child, arg_max(sex, coalesce(year, 0)) AS sex, arg_max(ethnic, coalesce(year, 0)) AS ethnic, " \
          "arg_max(dob, coalesce(year, 0)) AS dob FROM header GROUP BY child"
# the CIN census child: one row per child
_CIN_CHILD = "SELECT child, any_value(gender) AS sex, any_value(ethnicity) AS ethnic, any_value(dob) AS dob " \
             "FROM cin_children GROUP BY child"


# anyone: the 903 header's details, else the CIN census child's (contacts and early help are of both)
_PERSON = f"""SELECT child, coalesce(h.sex, c.sex) AS sex, coalesce(h.ethnic, c.ethnic) AS ethnic,
              coalesce(h.dob, c.dob) AS dob
              FROM ({_HEADER}) h FULL JOIN ({_CIN_CHILD}) c USING (child)"""


def _staff(rows: str) -> str:
    """Team and worker on the as-of date for each child of ``rows`` (the due list's owner rule)."""
    return allocation_sql(f"(SELECT DISTINCT child AS key, child FROM {rows})", "$d")


_LIST8 = f"""
WITH per AS (
    -- the child's latest period of care (not short breaks) overlapping the window
    SELECT * FROM cw_periods WHERE start_date <= $d AND coalesce(end_date, DATE '9999-12-31') > $w + 1
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY start_date DESC) = 1
), prev AS (
    SELECT DISTINCT p.child FROM cw_periods p JOIN per c ON p.child = c.child
    WHERE p.start_date < c.start_date AND p.end_date > $m12 + 1
), ep AS (
    SELECT e.child, e.cin FROM cw_eps e JOIN per c ON e.child = c.child
    WHERE e.decom >= c.start_date AND e.decom <= $d
    QUALIFY row_number() OVER (PARTITION BY e.child ORDER BY e.decom DESC, e._row DESC) = 1
), ls AS (
    SELECT l.child, l.start_date, l.ls FROM legal_statuses l JOIN per c ON l.child = c.child AND l.period_id = c.period_id
    WHERE l.start_date <= $d
    QUALIFY row_number() OVER (PARTITION BY l.child ORDER BY l.start_date DESC) = 1
), pl AS (
    SELECT p.child, p.start_date, p.place, p.pl_post FROM cw_placements p
    JOIN per c ON p.child = c.child AND p.period_id = c.period_id
    WHERE p.start_date <= $d
    QUALIFY row_number() OVER (PARTITION BY p.child ORDER BY p.start_date DESC) = 1
), pl_ep AS (
    -- the provider and URN as recorded on the placement's first episode
    SELECT e.child, any_value(e.place_provider) AS place_provider, any_value(e.urn) AS urn
    FROM cw_eps e JOIN pl ON e.child = pl.child AND e.decom = pl.start_date GROUP BY e.child
), n AS ({PLACEMENTS_IN_12_MONTHS}),
latest AS (
    SELECT c.child,
        (SELECT max(review) FROM reviews r WHERE r.child = c.child AND r.review <= $d) AS review,
        (SELECT max(visit_date) FROM visits v WHERE v.child = c.child AND v.seen AND v.visit_date <= $d) AS visit,
        (SELECT max(completed) FROM health_assessments h WHERE h.child = c.child AND h.completed <= $d) AS health,
        (SELECT max(check_date) FROM dental_checks t WHERE t.child = c.child AND t.check_date <= $d) AS dental,
        (SELECT arg_max(plan, agreed) FROM permanence_plans pp WHERE pp.child = c.child AND pp.agreed <= $d) AS plan,
        (SELECT count(*) FILTER (WHERE m.missing = 'M') FROM missing m
          WHERE m.child = c.child AND m.mis_start > $m12 AND m.mis_start <= $d) AS missing,
        (SELECT count(*) FILTER (WHERE m.missing = 'A') FROM missing m
          WHERE m.child = c.child AND m.mis_start > $m12 AND m.mis_start <= $d) AS absent,
        EXISTS (SELECT 1 FROM uasc u WHERE u.child = c.child AND (u.duc IS NULL OR u.duc > $m12)) AS uasc,
        (SELECT max(contact_date) FROM iro_contacts i WHERE i.child = c.child AND i.contact_date <= $d) AS iro
    FROM per c
), last_missing AS (
    -- the child's last missing (not absent) episode in the 12 months, and its return interview
    SELECT m.child, r.offered, r.accepted FROM missing m JOIN per c ON m.child = c.child
    LEFT JOIN return_interviews r ON r.child = m.child AND r.missing_start = m.mis_start
    WHERE m.missing = 'M' AND m.mis_start > $m12 AND m.mis_start <= $d
    QUALIFY row_number() OVER (PARTITION BY m.child ORDER BY m.mis_start DESC, r.accepted DESC NULLS LAST) = 1
), staff AS ({_staff("per")})
SELECT c.child AS c1, h.sex AS c2, h.ethnic AS c3, h.dob AS c4, cw_age(h.dob, $d) AS c5,
       l.uasc AS c6, dis.disabled AS c7, c.start_date AS c8, ep.cin AS c9, prev.child IS NOT NULL AS c10,
       ls.start_date AS c11, ls.ls AS c12, l.review AS c13, l.visit AS c14, l.plan AS c15, l.iro AS c16,
       l.health AS c17, l.dental AS c18, coalesce(n.placements, 0) AS c19,
       CASE WHEN c.end_date <= $d THEN c.end_date END AS c20, CASE WHEN c.end_date <= $d THEN c.end_rec END AS c21,
       pl.start_date AS c22, pl.place AS c23, pe.place_provider AS c24, pl.pl_post AS c25, pe.urn AS c26,
       pl.pl_post AS c27, pl.pl_post AS c28, l.missing AS c29, l.absent AS c30, lm.offered AS c31, lm.accepted AS c32,
       s.team AS c33, s.worker AS c34
FROM per c JOIN latest l USING (child)
LEFT JOIN ({_HEADER}) h USING (child) LEFT JOIN prev USING (child) LEFT JOIN ep USING (child)
LEFT JOIN ls USING (child) LEFT JOIN pl USING (child) LEFT JOIN pl_ep pe USING (child)
LEFT JOIN last_missing lm USING (child) LEFT JOIN n ON n.child = c.child AND n.period_end = $d LEFT JOIN staff s ON s.key = c.child
LEFT JOIN cw_disability dis ON dis.child = c.child
ORDER BY c.child
"""

# care leavers: the children in the latest OC3 collection year that began on/before the as-of date
_LIST9 = f"""
WITH oc AS (
    SELECT * FROM oc3 WHERE child NOT IN (SELECT child FROM cw_quarantine)
      AND year = (SELECT max(year) FROM oc3 WHERE make_date(year - 1, 4, 1) <= $d)
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY _row DESC) = 1
), staff AS ({_staff("oc")})
SELECT o.child AS c1, h.sex AS c2, h.ethnic AS c3, coalesce(h.dob, o.dob) AS c4, cw_age(coalesce(h.dob, o.dob), $d) AS c5,
       EXISTS (SELECT 1 FROM uasc u WHERE u.child = o.child) AS c6, dis.disabled AS c7, s.team AS c8, s.worker AS c9,
       (SELECT arg_max(adviser, start_date) FROM personal_advisers p WHERE p.child = o.child AND p.start_date <= $d
          AND (p.end_date IS NULL OR p.end_date >= $d)) AS c10,
       CASE WHEN cw_age(coalesce(h.dob, o.dob), $d) >= 18 THEN 'former_relevant' ELSE 'relevant' END AS c11,
       (SELECT max(plan_date) FROM pathway_plans p WHERE p.child = o.child AND p.plan_date <= $d) AS c12,
       o.in_touch AS c13,
       (SELECT max(leaver_contact_date) FROM leaver_contacts lc WHERE lc.child = o.child
          AND lc.leaver_contact_date <= $d) AS c14,
       left(o.accom, 1) AS c15,
       CASE WHEN o.in_touch IN ('DIED', 'NREQ', 'RHOM') THEN 'exclude' ELSE coalesce(nullif(substr(o.accom, 2), ''), '0') END AS c16,
       o.activ AS c17
FROM oc o LEFT JOIN ({_HEADER}) h USING (child) LEFT JOIN staff s ON s.key = o.child
LEFT JOIN cw_disability dis ON dis.child = o.child
ORDER BY o.child
"""

# adoption: children looked after at any time in the window with an ADM decision on/before D
_LIST10 = f"""
WITH per AS (
    SELECT * FROM cw_periods WHERE start_date <= $d AND coalesce(end_date, DATE '9999-12-31') > $w + 1
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY start_date DESC) = 1
), adm AS (
    SELECT child, arg_max(date_placed, date_placed) AS decided,
           arg_max(date_placed_ceased, date_placed) AS ceased, arg_max(reason_placed_ceased, date_placed) AS reason
    FROM placed_adoption WHERE date_placed <= $d GROUP BY child
), eps AS (
    SELECT e.child, min(e.decom) FILTER (WHERE e.place IN ('A3', 'A4', 'A5', 'A6')) AS placed,
           min(e.decom) FILTER (WHERE e.place IN ('U2', 'U5')) AS ffa
    FROM cw_eps e JOIN per c ON e.child = c.child AND e.decom >= c.start_date AND e.decom <= $d GROUP BY e.child
)
SELECT c.child AS c1,
       -- the family of the child's latest match on/before D (the adopters table's FAMILY)
       (SELECT m.family FROM adoption_matches m WHERE m.child = c.child AND m.match_date <= $d
          ORDER BY m.match_date DESC, m.family DESC LIMIT 1) AS c2,
       h.sex AS c3, h.ethnic AS c4, h.dob AS c5, cw_age(h.dob, $d) AS c6, dis.disabled AS c7,
       c.start_date AS c8, a.decided AS c9,
       (SELECT min(l.start_date) FROM legal_statuses l WHERE l.child = c.child AND l.period_id = c.period_id
          AND l.ls = 'E1' AND l.start_date <= $d) AS c10,
       (SELECT max(date_match) FROM ad1 WHERE ad1.child = c.child AND ad1.date_match <= $d) AS c11,
       eps.placed AS c12,
       CASE WHEN c.end_date <= $d AND c.end_rec IN ('E11', 'E12') THEN c.end_date END AS c13,
       CASE WHEN a.ceased <= $d THEN a.ceased END AS c14, CASE WHEN a.ceased <= $d THEN a.reason END AS c15,
       eps.ffa AS c16
FROM per c JOIN adm a USING (child) LEFT JOIN ({_HEADER}) h USING (child) LEFT JOIN eps USING (child)
LEFT JOIN cw_disability dis ON dis.child = c.child
ORDER BY c.child
"""

# "Does the Child have a Disability", one row per child in a CIN census: true when the latest census
# holding the child (merge_census_files keeps its row) records any code but NONE, false when NONE only
_DISABILITY_SQL = """
CREATE OR REPLACE TEMP TABLE cw_disability AS
SELECT child,
       bool_or(len(list_filter(string_split(disabilities, ','), lambda x: trim(x) NOT IN ('', 'NONE'))) > 0) AS disabled
FROM cin_children WHERE child IS NOT NULL AND nullif(trim(disabilities), '') IS NOT NULL GROUP BY child
"""

_CIN_ID = "c.child AS c1, h.sex AS c2, h.ethnic AS c3, h.dob AS c4, cw_age(h.dob, $d) AS c5"
_CIN_JOINS = f"LEFT JOIN ({_CIN_CHILD}) h ON h.child = c.child LEFT JOIN staff s ON s.key = c.child " \
             "LEFT JOIN cw_disability dis ON dis.child = c.child"

_LIST3 = f"""
WITH c AS (SELECT * FROM cin_referrals WHERE referral_date > $w AND referral_date <= $d
             AND child NOT IN (SELECT child FROM cw_quarantine)),
staff AS ({_staff("c")})
SELECT {_CIN_ID}, c.referral_date AS c6, c.referral_source AS c7, c.referral_nfa AS c8,
       (SELECT count(*) FROM cin_referrals r WHERE r.child = c.child AND r.referral_date > $m12
          AND r.referral_date <= $d) AS c9, s.team AS c10, s.worker AS c11
FROM c {_CIN_JOINS} ORDER BY c.child, c.referral_date
"""

_LIST4 = f"""
WITH c AS (SELECT * FROM cin_assessments WHERE start_date > $w AND start_date <= $d
             AND child NOT IN (SELECT child FROM cw_quarantine)),
staff AS ({_staff("c")})
SELECT {_CIN_ID}, dis.disabled AS c6, c.start_date AS c7, NULL AS c8,
       CASE WHEN c.authorisation_date <= $d THEN c.authorisation_date END AS c9, NULL AS c10,
       s.team AS c11, s.worker AS c12
FROM c {_CIN_JOINS} ORDER BY c.child, c.start_date
"""

_LIST5 = f"""
WITH c AS (SELECT * FROM cin_s47 WHERE s47_start > $w AND s47_start <= $d
             AND child NOT IN (SELECT child FROM cw_quarantine)),
staff AS ({_staff("c")})
SELECT {_CIN_ID}, dis.disabled AS c6, c.s47_start AS c7, c.icpc_not_required AS c8,
       CASE WHEN c.icpc_date <= $d THEN c.icpc_date END AS c9,
       CASE WHEN c.icpc_date <= $d THEN EXISTS (SELECT 1 FROM cin_cp_plans p WHERE p.child = c.child
                                                  AND p.start_date = c.icpc_date) END AS c10,
       (SELECT count(*) FROM cin_s47 x WHERE x.child = c.child AND x.s47_start > $m12 AND x.s47_start <= $d) AS c11,
       (SELECT count(*) FROM cin_s47 x WHERE x.child = c.child AND x.icpc_date > $m12 AND x.icpc_date <= $d) AS c12,
       s.team AS c13, s.worker AS c14
FROM c {_CIN_JOINS} ORDER BY c.child, c.s47_start
"""

# children in need: referrals that were not NFA, open at any time in the window
_LIST6 = f"""
WITH c AS (SELECT * FROM cin_referrals WHERE NOT coalesce(referral_nfa, false) AND referral_date <= $d
             AND (closure_date IS NULL OR closure_date > $w) AND child NOT IN (SELECT child FROM cw_quarantine)),
staff AS ({_staff("c")})
SELECT {_CIN_ID}, dis.disabled AS c6, c.referral_date AS c7, c.primary_need AS c8, NULL AS c9,
       CASE WHEN c.closure_date <= $d THEN c.closure_date END AS c10,
       CASE WHEN c.closure_date <= $d THEN c.reason_for_closure END AS c11,
       CASE WHEN c.closure_date <= $d THEN 'Closed' ELSE 'Open' END AS c12, s.team AS c13, s.worker AS c14
FROM c {_CIN_JOINS} ORDER BY c.child, c.referral_date
"""

# latest review conference: the plan's latest CPPreviewDate when on/before D (the census holds only the
# latest, so an as-of before it leaves the column blank)
_LIST7 = f"""
WITH c AS (SELECT * FROM cw_cp_plans WHERE start_date <= $d AND (end_date IS NULL OR end_date > $w)
             AND child NOT IN (SELECT child FROM cw_quarantine)),
staff AS ({_staff("c")})
SELECT {_CIN_ID}, dis.disabled AS c6, c.start_date AS c7, c.initial_category AS c8, c.latest_category AS c9,
       NULL AS c10, NULL AS c11, CASE WHEN c.latest_review <= $d THEN c.latest_review END AS c12,
       CASE WHEN c.end_date <= $d THEN c.end_date END AS c13, NULL AS c14,
       c.previous_cpp AS c15, s.team AS c16, s.worker AS c17
FROM c {_CIN_JOINS} ORDER BY c.child, c.start_date
"""

# contacts: each contact dated in the window
_LIST1 = f"""
SELECT c.child AS c1, h.sex AS c2, h.ethnic AS c3, h.dob AS c4, cw_age(h.dob, $d) AS c5, c.contact_date AS c6,
       c.source AS c7
FROM contacts c LEFT JOIN ({_PERSON}) h USING (child)
WHERE c.contact_date > $w AND c.contact_date <= $d AND c.child NOT IN (SELECT child FROM cw_quarantine)
ORDER BY c.child, c.contact_date
"""

# early help: each assessment started in the window; completed = its END on/before D
_LIST2 = f"""
SELECT e.child AS c1, h.sex AS c2, h.ethnic AS c3, h.dob AS c4, cw_age(h.dob, $d) AS c5, e.start_date AS c6,
       CASE WHEN e.end_date <= $d THEN e.end_date END AS c7, e.organisation AS c8
FROM early_help e LEFT JOIN ({_PERSON}) h USING (child)
WHERE e.start_date > $w AND e.start_date <= $d AND e.child NOT IN (SELECT child FROM cw_quarantine)
ORDER BY e.child, e.start_date
"""

# adopters: each adopter in the process on any day of the window (enquired by D, not yet left nor
# adopted before the window); every date after D is blank (the workbook is as known on D)
_ADOPTER_DATES = ("enquiry_date", "stage1_start", "stage1_end", "stage2_start", "stage2_end", "application_date",
                  "approval_date", "match_date", "placed_date")
_LIST11 = f"""
SELECT a.adopter AS c1, a.family AS c2, a.gender AS c3, a.ethnicity AS c4,
       CASE WHEN a.disability THEN 'Yes' WHEN NOT a.disability THEN 'No' ELSE 'Unknown' END AS c5, a.ffa AS c6,
       {", ".join(f"CASE WHEN a.{col} <= $d THEN a.{col} END AS c{i}" for i, col in enumerate(_ADOPTER_DATES, start=7))},
       CASE WHEN a.placed_date <= $d THEN a.children_placed END AS c16,
       CASE WHEN a.adoption_order_date <= $d THEN a.adoption_order_date END AS c17,
       CASE WHEN a.left_date <= $d THEN a.left_date END AS c18, CASE WHEN a.left_date <= $d THEN a.left_reason END AS c19
FROM adopters a
WHERE a.enquiry_date <= $d AND (a.left_date IS NULL OR a.left_date > $w)
  AND (a.adoption_order_date IS NULL OR a.adoption_order_date > $w)
ORDER BY a.family, a.adopter
"""

_QUERIES = {1: _LIST1, 2: _LIST2, 11: _LIST11, 3: _LIST3, 4: _LIST4, 5: _LIST5, 6: _LIST6, 7: _LIST7, 8: _LIST8, 9: _LIST9, 10: _LIST10}

#: per list, the Ofsted code table for each column that has one (1-based column number)
_LABELS = {
    **{n: {2: "sex", 3: "ethnic"} for n in (1, 2)},
    3: {2: "sex", 3: "ethnic", 8: "yn"},
    **{n: {2: "sex", 3: "ethnic", 6: "disability"} for n in (4, 6, 7)},
    5: {2: "sex", 3: "ethnic", 6: "disability", 8: "yn", 10: "yn"},
    8: {2: "sex", 3: "ethnic", 6: "yn", 7: "disability", 9: "cin", 10: "yn", 12: "ls", 15: "plan", 21: "rec",
        23: "place", 24: "place_provider", 27: "location", 31: "yn", 32: "yn"},
    9: {2: "sex", 3: "ethnic", 6: "yn", 7: "disability", 11: "eligibility", 13: "in_touch", 16: "suitability",
        17: "activ"},
    10: {3: "sex", 4: "ethnic", 7: "disability", 15: "reason_placed_ceased"},
    11: {3: "sex", 4: "ethnic", 6: "yn"},
}


@dataclass
class AnnexA:
    as_of: date
    window_start: date  # the first day of the window
    frames: dict[int, pl.DataFrame]
    #: list number -> why it is empty (the table that would fill it), for lists with no source
    missing: dict[int, str]
    #: what the cover sheet should also say (placement postcodes the lookup does not hold)
    notes: list[str] = field(default_factory=list)


def window_start(as_of: date, months: int) -> date:
    """First day of the ``months`` months to ``as_of``: (D - months, D]."""
    end = pl.Series([as_of]).dt.offset_by(f"-{months}mo")[0]
    return pl.Series([end]).dt.offset_by("1d")[0]


def _labelled(frame: pl.DataFrame, number: int, area_postcodes: tuple[str, ...], council: str | None) -> pl.DataFrame:
    spec = LISTS[number]
    labels = _LABELS.get(number, {})
    exprs = []
    for i, heading in enumerate(spec.headings, start=1):
        col = pl.col(f"c{i}")
        if number == 8 and i == 27:
            col = placement_location(col, area_postcodes, council)
        elif number == 8 and i == 28:
            col = la_name(la_of(col))
        dtype = frame.schema[f"c{i}"]
        if i in labels:
            flag = labels[i] in ("yn", "disability")  # booleans: the tables key them "true" / "false"
            expr = ofsted_expr(labels[i], col.cast(pl.Utf8).str.to_lowercase() if flag else col)
        elif dtype == pl.Date:
            expr = col.dt.strftime("%d/%m/%Y")
        else:
            expr = col
        exprs.append(expr.alias(heading))
    return frame.select(exprs)


def _ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """An empty temporary table for each Annex A table a snapshot built before it existed lacks."""
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary").fetchall()}
    for name in ANNEX_TABLES:
        if name not in have:
            columns = ", ".join(f'"{c}" {_DUCK_TYPES[t]}' for c, t in SCHEMA[name].items())
            con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
                       "AND column_name = ?", [table, column]).fetchone()[0] > 0


def _ensure_cin_columns(con: duckdb.DuckDBPyConnection) -> None:
    """``cw_disability`` (child, disabled) and ``cw_cp_plans`` (cin_cp_plans with latest_review) on a
    snapshot built before the CIN reader read Disabilities or CPPreviewDate too: empty, and null
    (blank there, as for a child in no census or a plan with no review; re-import to fill them)."""
    con.execute(_DISABILITY_SQL if _has_column(con, "cin_children", "disabilities") else
                "CREATE OR REPLACE TEMP TABLE cw_disability (child VARCHAR, disabled BOOLEAN)")
    review = "" if _has_column(con, "cin_cp_plans", "latest_review") else ", NULL::DATE AS latest_review"
    con.execute(f"CREATE OR REPLACE TEMP VIEW cw_cp_plans AS SELECT *{review} FROM cin_cp_plans")


def annex_a(con: duckdb.DuckDBPyConnection, as_of: date, extract_date: date, months: int = 6,
            area_postcodes: tuple[str, ...] = (), lists: list[int] | None = None) -> AnnexA:
    """Every list (or those in ``lists``) as frames with Ofsted's headings and labels."""
    prepare_on(con, as_of, extract_date)
    _ensure_tables(con)
    _ensure_cin_columns(con)
    present = tables_present(con)
    start = window_start(as_of, months)
    params = {"d": as_of, "w": pl.Series([start]).dt.offset_by("-1d")[0],
              "m12": pl.Series([as_of]).dt.offset_by("-12mo")[0]}
    frames, missing, notes = {}, {}, []
    council = council_la(read_meta(con).get("la"))
    for number in (lists or list(LISTS)):
        spec = LISTS[number]
        absent = [t for t in spec.sources if t not in present]
        if number not in _QUERIES or absent:
            why = ", ".join(absent or spec.sources)
            missing[number] = (f"the local extract's `{why}` table was not sent" if set(spec.sources) <= set(ANNEX_TABLES)
                               else f"the `{why}` table was not sent")
            frames[number] = pl.DataFrame(schema={h: pl.Utf8 for h in spec.headings})
            continue
        sql = _QUERIES[number]
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        raw = con.sql(sql, params=used).pl()
        if number == 8:
            notes += _postcodes_not_found(raw)
        frames[number] = _labelled(raw, number, area_postcodes, council)
    return AnnexA(as_of, start, frames, missing, notes)


def _postcodes_not_found(list8: pl.DataFrame) -> list[str]:
    """The cover's word on List 8 rows whose placement postcode the lookup does not hold (their LA
    of placement is blank): how many, and which postcodes (no child is named)."""
    lost = list8.filter(pl.col("c25").is_not_null() & (pl.col("c25").str.strip_chars() != "")
                        & la_of(pl.col("c25")).is_null())
    if not lost.height:
        return []
    shown = sorted(set(lost["c25"].to_list()))
    return [f"List 8: {lost.height} placement postcode(s) not found in the postcode lookup, LA of Placement "
            f"left blank: {', '.join(shown[:20])}{' …' if len(shown) > 20 else ''}"]


def write_annex_a(result: AnnexA, path: Path, meta: dict[str, str]) -> Path:
    """The workbook: a cover sheet, then "List 1" ... "List 11" (headings, then one row per child)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    cover = book.add_worksheet("Cover")
    council = meta.get("la_name") or meta.get("la") or ""
    lines = [("Annex A", ""), ("Council", council), ("Local authority code", meta.get("la", "")),
             ("Window", f"{result.window_start:%d/%m/%Y} to {result.as_of:%d/%m/%Y}"),
             ("Snapshot", meta.get("snapshot_id", "")),
             ("Extract date", date.fromisoformat(meta["extract_date"]).strftime("%d/%m/%Y")
              if meta.get("extract_date") else ""),
             ("", ""), ("List", "Rows")]
    for number, frame in result.frames.items():
        note = f"empty: {result.missing[number]}" if number in result.missing else ""
        lines.append((f"List {number}: {LISTS[number].title}", frame.height, note))
    notes = [*result.notes, *(f"List {number}: {frame.height:,} rows, more than a worksheet holds, continued on "
                               f"sheets \"List {number} (2)\" onwards" for number, frame in result.frames.items()
                               if frame.height > SHEET_ROWS)]
    lines += [("", "")] + [("Note", note) for note in notes]
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            fmt = bold if c == 0 or r == 0 else None
            if isinstance(value, int):
                cover.write_number(r, c, value)
            else:
                cover.write_string(r, c, escape_formula(str(value)), fmt)
    cover.set_column(0, 0, 60)
    cover.set_column(2, 2, 80)
    for number, frame in result.frames.items():
        # a list longer than a worksheet goes on in further sheets: never a row silently dropped
        for part, start in enumerate(range(0, max(frame.height, 1), SHEET_ROWS), start=1):
            _write_list(book.add_worksheet(f"List {number}" + (f" ({part})" if part > 1 else "")),
                        LISTS[number].headings, frame.slice(start, SHEET_ROWS), header)
    book.close()
    return path


#: rows a worksheet holds under its heading row (Excel's limit is 1,048,576 rows)
SHEET_ROWS = 1_048_575


def _write_list(sheet, headings: tuple[str, ...], frame: pl.DataFrame, header) -> None:
    for c, heading in enumerate(headings):
        sheet.write_string(0, c, heading, header)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, escape_formula(str(value)))
    sheet.freeze_panes(1, 0)
