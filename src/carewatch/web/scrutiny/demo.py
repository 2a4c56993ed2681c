"""The demo's scrutiny cycle: seed 000, a committee's letter after its meeting of 5 November 2020.

Importable before Django is set up (``carewatch demo`` calls ``load_seed_demo`` after
``demo_logins``): the models are imported once the app DB is ready.
"""
from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Optional

SEED_COMMITTEE = "Children and Young People's Services Scrutiny Committee"
SEED_ITEM = "Children First Improvement Programme"
SEED_ADDRESSEE = "Cabinet Member for Children and Young People and Chairman of the Corporate Parenting Panel"
SEED_RECOMMENDATIONS = (  # (kind, text) in the letter's order
    ("note", "Is satisfied that the evidence provided demonstrates progress is being made on the improvement "
            "journey and improving outcomes for children and young people."),
    ("request_response", "Highlights the importance of partnership working to ensure the best outcomes for "
            "children and families and requests that this continues to be a key area of focus "
            "and recognised area of risk."),
    ("request_data", "Requests further data and information on the number of referrals, children under child "
            "protection plans and coming into care since the start of the pandemic and the impact this "
            "is having on the service is included in the update report presented at the 7 January "
            "Committee meeting."),
    ("request_response", "Would welcome a view from the Corporate Parenting Panel on the quality of health "
            "support for children looked after."),
    ("endorse", "Supports that co-production work with children and young people is carried out as part of the "
            "transformation agenda to ensure the voice of the child is at the centre of the development of "
            "the service."),
    ("request_data", "Requests that updates on staff engagement work are included in future update reports to "
            "the Committee"),
)
DEMO_LOGINS = (("demo-scrutiny", "scrutiny"), ("demo-cabinet", "cabinet"))


def load_seed_demo(home: Optional[Path] = None) -> list[dict]:
    """Seed 000's meeting (5 November 2020: six recommendations to the cabinet member, a written
    response due by 18 December 2020, recommendation 3 answered by the committee data pack) and the
    next meeting (7 January 2021); plus a scrutiny officer's and a cabinet member's login with fresh
    random passwords, returned like ``demo_logins``'. Running it again changes nothing but the passwords."""
    from carewatch.web.cli import setup_django

    setup_django(home)
    from django.db import transaction

    with transaction.atomic():
        _load_meetings()
    return _logins()


def _load_meetings() -> None:
    from carewatch.web.scrutiny.models import AgendaItem, Committee, DataLink, Meeting, Recommendation
    from carewatch.web.scrutiny.services import DATA_PACK, record_change

    committee, _ = Committee.objects.get_or_create(name=SEED_COMMITTEE)
    meeting, made = Meeting.objects.get_or_create(committee=committee, date=date(2020, 11, 5), defaults={
        "letter_date": date(2020, 11, 12), "addressee": SEED_ADDRESSEE, "response_due": date(2020, 12, 18)})
    january, _ = Meeting.objects.get_or_create(committee=committee, date=date(2021, 1, 7))
    if made:
        item = AgendaItem.objects.create(meeting=meeting, number=1, title=SEED_ITEM)
        for number, (kind, text) in enumerate(SEED_RECOMMENDATIONS, start=1):
            recommendation = Recommendation.objects.create(
                item=item, number=number, text=text, addressee="cabinet member", kind=kind,
                due_date=meeting.response_due, for_meeting=january if number == 3 else None)
            record_change(recommendation, None, "", "created (demo data)")
        data_request = Recommendation.objects.get(item=item, number=3)
        DataLink.objects.bulk_create(DataLink(recommendation=data_request, indicator=i) for i in DATA_PACK)


def _logins() -> list[dict]:
    from carewatch.web.accounts.services import add_user

    logins = []
    for name, role in DEMO_LOGINS:
        password = secrets.token_urlsafe(12)
        add_user(name, role, password)
        logins.append({"user": name, "role": role, "password": password, "team": ""})
    return logins
