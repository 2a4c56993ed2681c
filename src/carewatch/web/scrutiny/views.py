"""The tracker's pages. Everyone signed in reads them (they hold no child-level data); a scrutiny
officer (or an admin) edits; a cabinet member or an officer records responses. Every change is
kept in the recommendation's history and in the audit log, with the user."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carewatch.asof import check_in_range
from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.models import Role
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.scrutiny import services
from carewatch.web.scrutiny.forms import AgendaItemForm, MeetingForm, RecommendationForm
from carewatch.web.scrutiny.models import DataLink, Meeting, Recommendation, Response, Status

EDITORS = (Role.ADMIN, Role.SCRUTINY)
RESPONDERS = (Role.ADMIN, Role.SCRUTINY, Role.CABINET)


def _page(request, template: str, context: dict, status: int = 200):
    access = access_of(request.user)
    return render(request, template, {"access": access, "snap": request.snapshot, "can_edit": access.role in EDITORS,
                                      "can_respond": access.role in RESPONDERS, **context}, status=status)


def _allowed(request, roles: tuple, what: str) -> None:
    if access_of(request.user).role not in roles:
        record(request, Action.DENIED, what)
        raise PermissionDenied(what)


#: the days the tracker answers for: its dates are committee dates, not a snapshot's, so any day
#: of this century (one far off would overflow "due within the horizon"): else a message
TRACKER_DAYS = (date(2000, 1, 1), date(2099, 12, 31))


def _on(request) -> date:
    """The day statuses are worked out for: ?on=YYYY-MM-DD, else today."""
    wanted = request.GET.get("on")
    if not wanted:
        return timezone.localdate()
    try:
        day = date.fromisoformat(wanted)
    except ValueError:
        raise Http404("not a date")
    return check_in_range(day, *TRACKER_DAYS, what="The date", ends=("the tracker's first day", "the tracker's last day"))


def _changed(request, recommendation: Recommendation, what: str) -> None:
    access = access_of(request.user)
    services.record_change(recommendation, request.user, access.role, what)
    record(request, Action.CHANGE, f"scrutiny: {recommendation} – {what}")


@require_GET
def meetings(request):
    on = _on(request)
    counts = services.status_counts(on)
    listed = Meeting.objects.select_related("committee")
    return _page(request, "scrutiny/meetings.html", {"meetings": listed, "counts": counts, "on": on,
                                                     "statuses": Status})


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    _allowed(request, EDITORS, "scrutiny: add a meeting")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        record(request, Action.CHANGE, f"scrutiny: added the meeting {meeting}")
        return redirect("scrutiny_meeting", pk=meeting.pk)
    return _page(request, "scrutiny/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def meeting(request, pk):
    found = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    on = _on(request)
    item_form = AgendaItemForm(meeting=found)
    if request.method == "POST":
        _allowed(request, EDITORS, "scrutiny: add an agenda item")
        item_form = AgendaItemForm(request.POST, meeting=found)
        if item_form.is_valid():
            item = item_form.save()
            record(request, Action.CHANGE, f"scrutiny: added item {item} to the meeting {found}")
            return redirect("scrutiny_meeting", pk=found.pk)
    recommendations = services.with_status(
        Recommendation.objects.filter(item__meeting=found).select_related("item"), on).order_by("number")
    return _page(request, "scrutiny/meeting.html", {
        "meeting": found, "items": found.items.all(), "recommendations": recommendations, "on": on,
        "item_form": item_form, "next_meeting": services.next_meeting(found)},
        status=400 if item_form.errors else 200)


@require_http_methods(["GET", "POST"])
def recommendation_new(request, pk):
    _allowed(request, EDITORS, "scrutiny: add a recommendation")
    found = get_object_or_404(Meeting, pk=pk)
    if not found.items.exists():
        return redirect("scrutiny_meeting", pk=found.pk)
    form = RecommendationForm(request.POST or None, meeting=found)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            recommendation = form.save()
            _set_links(recommendation, form.cleaned_data["indicators"])
            _changed(request, recommendation, "added")
        return redirect("scrutiny_meeting", pk=found.pk)
    return _page(request, "scrutiny/recommendation_form.html", {"form": form, "meeting": found, "recommendation": None},
                 status=400 if form.errors else 200)


def _set_links(recommendation: Recommendation, indicators: list[str]) -> None:
    recommendation.data_links.exclude(indicator__in=indicators).delete()
    known = set(recommendation.data_links.values_list("indicator", flat=True))
    DataLink.objects.bulk_create(DataLink(recommendation=recommendation, indicator=i) for i in indicators if i not in known)


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "blank"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk):
    _allowed(request, EDITORS, "scrutiny: edit a recommendation")
    found = get_object_or_404(Recommendation.objects.select_related("item__meeting__committee"), pk=pk)
    meeting_of = found.item.meeting
    before = {"indicators": list(found.data_links.values_list("indicator", flat=True)),
              **{name: getattr(found, name) for name in RecommendationForm.Meta.fields}}
    form = RecommendationForm(request.POST or None, instance=found, meeting=meeting_of)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            recommendation = form.save()
            _set_links(recommendation, form.cleaned_data["indicators"])
            for name in form.changed_data:
                after = form.cleaned_data[name]
                if _shown(before[name]) != _shown(after):
                    label = form.fields[name].label.split(" (")[0].lower()
                    _changed(request, recommendation, f"{label}: {_shown(before[name])} → {_shown(after)}")
        return redirect("scrutiny_recommendation", pk=found.pk)
    return _page(request, "scrutiny/recommendation_form.html", {"form": form, "meeting": meeting_of,
                                                                "recommendation": found},
                 status=400 if form.errors else 200)


def _recommendation_page(request, pk, response_errors: dict | None = None, response_values: dict | None = None):
    on = _on(request)
    found = get_object_or_404(services.with_status(
        Recommendation.objects.select_related("item__meeting__committee", "for_meeting"), on), pk=pk)
    from carewatch.kpis import REGISTRY

    links = [{"id": link.indicator, "title": REGISTRY[link.indicator].title if link.indicator in REGISTRY else link.indicator,
              "known": link.indicator in REGISTRY} for link in found.data_links.all()]
    return _page(request, "scrutiny/recommendation.html", {
        "recommendation": found, "on": on, "links": links, "is_data_pack": {l["id"] for l in links} >= set(services.DATA_PACK),
        "report_pdf": _report_pdf_url(),
        "responses": found.responses.all(), "history": found.changes.all(),
        "response_errors": response_errors or {}, "response_values": response_values or {"date": timezone.localdate().isoformat(),
                                                                                          "by": "cabinet member"}},
        status=400 if response_errors else 200)


def _report_pdf_url() -> str | None:
    """The performance summary's download (its data pack answers the committee's data request),
    where the dashboard offers one."""
    try:
        return reverse("report", args=["pdf"])
    except NoReverseMatch:
        return None


@require_GET
def recommendation(request, pk):
    return _recommendation_page(request, pk)


@require_POST
def respond(request, pk):
    _allowed(request, RESPONDERS, "scrutiny: record a response")
    found = get_object_or_404(Recommendation, pk=pk)
    values = {name: request.POST.get(name, "").strip() for name in ("text", "date", "by")}
    errors = {}
    if not values["text"]:
        errors["text"] = "Enter the response"
    if not values["by"]:
        errors["by"] = "Enter who responded (a role title, for example cabinet member)"
    try:
        answered = date.fromisoformat(values["date"])
    except ValueError:
        errors["date"] = "Enter the date of the response as YYYY-MM-DD"
    if errors:
        return _recommendation_page(request, pk, errors, values)
    with transaction.atomic():
        Response.objects.create(recommendation=found, text=values["text"][:10000], date=answered,
                                by=values["by"][:200], recorded_by=request.user)
        _changed(request, found, f"response from {values['by'][:100]} dated {answered.isoformat()} recorded")
    return redirect("scrutiny_recommendation", pk=found.pk)


@require_GET
def due(request):
    on = _on(request)
    horizon = request.snapshot.settings.due_horizon_days
    rows = services.needing_attention(on, horizon)
    return _page(request, "scrutiny/due.html", {"rows": rows, "on": on, "horizon": horizon})


# --- letters ------------------------------------------------------------------------------------

def _letter(request, pk, template: str, context_of, filename: str, pdf: bool):
    found = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    context = context_of(found)
    if not pdf:
        return _page(request, "scrutiny/letter_page.html", {**context, "letter": template})
    html = render_to_string("scrutiny/letter_print.html", {**context, "letter": template}, request=request)
    response = HttpResponse(services.letter_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{found.date.isoformat()}.pdf"'
    return response


@require_GET
def letter(request, pk):
    return _letter(request, pk, "scrutiny/_chairman_letter.html", services.letter_context, "chairman-letter", pdf=False)


@require_GET
def letter_pdf(request, pk):
    return _letter(request, pk, "scrutiny/_chairman_letter.html", services.letter_context, "chairman-letter", pdf=True)


@require_GET
def response_letter(request, pk):
    return _letter(request, pk, "scrutiny/_response_letter.html", services.response_letter_context,
                   "response-letter", pdf=False)


@require_GET
def response_letter_pdf(request, pk):
    return _letter(request, pk, "scrutiny/_response_letter.html", services.response_letter_context,
                   "response-letter", pdf=True)
