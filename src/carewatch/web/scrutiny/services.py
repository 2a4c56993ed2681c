"""Status on a day, the change history and the letters' contents."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from django.db.models import Case, CharField, Count, Exists, OuterRef, QuerySet, Value, When

from carewatch.web.scrutiny.models import Change, Meeting, Recommendation, Response, Status

#: the committee data pack (carewatch.reports.datapack): referrals, child protection plans, care starts
DATA_PACK = ("referrals", "cp_plans", "cla_starts")


def with_status(recommendations: QuerySet, on: date) -> QuerySet:
    """Each recommendation with ``status`` on the day ``on``: closed if closed by then, responded
    if answered by then, overdue from the day after its due date, else open."""
    answered = Response.objects.filter(recommendation=OuterRef("pk"), date__lte=on)
    return recommendations.annotate(status=Case(
        When(closed_on__lte=on, then=Value(Status.CLOSED)),
        When(Exists(answered), then=Value(Status.RESPONDED)),
        When(due_date__lt=on, then=Value(Status.OVERDUE)),
        default=Value(Status.OPEN), output_field=CharField()))


def status_counts(on: date) -> dict[int, dict[str, int]]:
    """Each meeting's recommendations counted by status on ``on``: {meeting id: {status: n}}."""
    counted = (with_status(Recommendation.objects.all(), on).values("item__meeting", "status")
               .annotate(n=Count("id")).order_by())
    counts: dict[int, dict[str, int]] = {}
    for row in counted:
        counts.setdefault(row["item__meeting"], {})[row["status"]] = row["n"]
    return counts


def needing_attention(on: date, horizon_days: int) -> QuerySet:
    """Overdue, or open and due within ``horizon_days`` of ``on``; soonest due first."""
    rows = with_status(Recommendation.objects.select_related("item__meeting__committee"), on)
    return rows.filter(status__in=[Status.OVERDUE, Status.OPEN],
                       due_date__lte=on + timedelta(days=horizon_days)).order_by("due_date", "item__meeting__date", "number")


def record_change(recommendation: Recommendation, user, role: str, what: str) -> Change:
    return Change.objects.create(recommendation=recommendation, username=user.get_username() if user else "",
                                 role=role, what=what[:300])


def next_meeting(meeting: Meeting) -> Optional[Meeting]:
    return meeting.committee.meetings.filter(date__gt=meeting.date).order_by("date").first()


def letter_context(meeting: Meeting) -> dict:
    """The chairman's letter after a meeting: its recommendations in number order, by item."""
    items = [(item, list(item.recommendations.order_by("number")))
             for item in meeting.items.order_by("number").prefetch_related("recommendations")]
    return {"meeting": meeting, "items": items, "next_meeting": next_meeting(meeting)}


def response_letter_context(meeting: Meeting) -> dict:
    """The cabinet member's reply: each recommendation with its responses."""
    recommendations = (Recommendation.objects.filter(item__meeting=meeting).order_by("number")
                       .prefetch_related("responses"))
    return {"meeting": meeting, "recommendations": recommendations, "next_meeting": next_meeting(meeting),
            "replied": max((r.date for rec in recommendations for r in rec.responses.all()), default=None)}


def letter_pdf(html: str) -> bytes:
    # imported here, as carewatch.reports.pdf does: WeasyPrint needs Pango
    import weasyprint

    # the letter is self-contained: nothing may be fetched
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
