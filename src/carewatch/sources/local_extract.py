"""The local extract: what the 903 does not hold (DATA.md §2), one table per CSV file or sheet.

Every table is optional (an indicator whose table is missing shows "no data"); which ones were sent
is ``ReadResult.tables`` keys. Columns with a documented blank meaning may also be left out of the
file: visits SEEN (blank = Y) and VIRTUAL (blank = N), participation COUNT (blank = 1). The
population table has its own module (carewatch.sources.population).
"""
from __future__ import annotations

from carewatch.sources.common import TableSpec


def _spec(name: str, columns: str, name_words: tuple[str, ...] = (), **blank_defaults) -> TableSpec:
    return TableSpec(name, tuple(columns.split()), "local", name, name_words, blank_defaults)


SPECS: list[TableSpec] = [
    _spec("allocations", "CHILD TEAM WORKER START END", ("allocation",)),
    _spec("visits", "CHILD VISIT_DATE SEEN VIRTUAL", ("visit",), SEEN=True, VIRTUAL=False),
    _spec("health_assessments", "CHILD TYPE REQUESTED COMPLETED", ("health",)),
    _spec("dental_checks", "CHILD CHECK_DATE", ("dental",)),
    # care_plans and pathway_plans have the same columns: the file or sheet name tells them apart
    _spec("care_plans", "CHILD PLAN_DATE", ("careplan",)),
    _spec("permanence_plans", "CHILD AGREED PLAN CONFIRMED", ("permanence",)),
    _spec("permanence_meetings", "CHILD MEETING_DATE", ("meeting",)),
    _spec("peps", "CHILD PEP_DATE", ("pep",)),
    _spec("pathway_plans", "CHILD PLAN_DATE", ("pathway",)),
    _spec("pre_birth_assessments", "CASE TEAM REFERRAL_DATE EXPECTED_DOB COMPLETED", ("prebirth",)),
    _spec("life_story", "CHILD BOOK_DATE LATER_LIFE_LETTER_DATE", ("lifestory",)),
    _spec("foster_households", "HOUSEHOLD TYPE APPROVED DEREGISTERED PLACES", ("household",)),
    _spec("foster_placements", "CHILD HOUSEHOLD START END", ("placement",)),
    _spec("fostering_enquiries", "ENQUIRY ENQUIRY_DATE ASSESSMENT_START OUTCOME OUTCOME_DATE APPROVED_PLACES "
                                 "APPLICANT_AGE_BAND", ("enquir",)),
    _spec("education", "CHILD ACADEMIC_YEAR ATTENDANCE_PCT PERSISTENT_ABSENCE KS4_ANY_PASS KS4_STANDARD_PASS "
                       "KS4_STRONG_PASS SCHOOL_OFSTED", ("education",)),
    _spec("residential_events", "HOME CHILD EVENT_DATE EVENT", ("residential",)),
    _spec("participation", "EVENT_DATE CHANNEL COUNT", ("participation",), COUNT=1),
    _spec("nts_referrals", "REFERRAL REFERRAL_DATE DECISION ARRIVAL_DATE", ("nts",)),
    # Ofsted's Annex A (docs/annex-a.md): lists 1, 2 and 11, and List 8's IRO contact and return
    # interview; contacts and iro_contacts share CHILD, CONTACT_DATE: SOURCE tells them apart
    _spec("contacts", "CHILD CONTACT_DATE SOURCE", ("contact",)),
    _spec("early_help", "CHILD START END ORGANISATION", ("earlyhelp",)),
    _spec("iro_contacts", "CHILD CONTACT_DATE", ("iro",)),
    _spec("return_interviews", "CHILD MISSING_START OFFERED ACCEPTED", ("return",)),
    _spec("personal_advisers", "CHILD ADVISER START END", ("adviser", "advisor")),
    # List 9's latest contact with a care leaver (its own date column: a file of CHILD, CONTACT_DATE
    # stays IRO contacts), List 10's family (docs/annex-a.md)
    _spec("leaver_contacts", "CHILD LEAVER_CONTACT_DATE", ("leaver",)),
    _spec("adoption_matches", "CHILD FAMILY MATCH_DATE", ("match",)),
    _spec("adopters", "ADOPTER FAMILY GENDER ETHNICITY DISABILITY FFA ENQUIRY_DATE STAGE1_START STAGE1_END "
                      "STAGE2_START STAGE2_END APPLICATION_DATE APPROVAL_DATE MATCH_DATE PLACED_DATE "
                      "CHILDREN_PLACED ADOPTION_ORDER_DATE LEFT_DATE LEFT_REASON", ("adopter",)),
]
