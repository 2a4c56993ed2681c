"""The panels' pages (docs/web.md "Panels"). Analysts and admins build meetings and record
decisions; managers read the meetings, seeing only their teams' children (allocated to one of
their teams on the snapshot's as-of date, as the child page decides); members, scrutiny officers
and cabinet members see the panels' counts only (suppressed as the public report is) and are
refused a meeting's rows and its PDFs. Every view and download of the rows, every change and every
refusal is audited; every change is kept in the meeting's history too."""
from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from carewatch.reports.suppression import SUPPRESSED, small_count
from carewatch.web import data
from carewatch.web.accounts.access import access_of
from carewatch.web.accounts.models import Role
from carewatch.web.audit.log import record
from carewatch.web.audit.models import Action
from carewatch.web.dashboard.views import child_level, needs_snapshot, refuse
from carewatch.web.panels import services
from carewatch.web.panels.forms import DecisionForm, MeetingForm
from carewatch.web.panels.models import Item, Meeting, Panel
from carewatch.web.scrutiny.services import letter_pdf
from carewatch.web.scrutiny.views import _on, _shown

EDITORS = (Role.ADMIN, Role.ANALYST)


def _page(request, template: str, context: dict, status: int = 200):
    access = access_of(request.user)
    return render(request, template, {"access": access, "snap": request.snapshot, "can_edit": access.role in EDITORS,
                                      **context}, status=status)


def _editor(request, what: str) -> None:
    if access_of(request.user).role not in EDITORS:
        refuse(request, what)


def _visible(request, items: QuerySet) -> QuerySet:
    """The rows the user may see: a manager's teams' children only."""
    teams = access_of(request.user).teams
    if teams is None:
        return items
    snap = request.snapshot
    return items.filter(child__in=data.children_of_teams(snap.con, snap.as_of, teams)["child"].to_list())


def _changed(request, meeting: Meeting, item: Item | None, what: str) -> None:
    services.record_change(meeting, item, request.user, access_of(request.user).role, what)
    record(request, Action.CHANGE, f"panels: {meeting} – {what}", child=item.child if item else "")


@require_GET
def meetings(request):
    """The meetings with their counts; for child-level roles, the follow-ups overdue."""
    on = _on(request)
    access = access_of(request.user)
    counts = services.meeting_counts(on)
    if not access.child_level:
        # the public rule for counts: 1-5 shown as "c"
        counts = {pk: {k: SUPPRESSED if small_count(n) else n for k, n in c.items()} for pk, c in counts.items()}
    late = None
    if access.child_level and request.snapshot.available:
        late = _visible(request, services.overdue(Item.objects.select_related("meeting"), on)).order_by(
            "come_back_by", "meeting__date", "number")
        record(request, Action.VIEW, "panels: follow-ups overdue", rows=late.count())
    return _page(request, "panels/meetings.html", {"meetings": Meeting.objects.all(), "counts": counts, "on": on,
                                                   "late": late})


@require_http_methods(["GET", "POST"])
@needs_snapshot
def meeting_new(request):
    _editor(request, "panels: add a meeting")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, snap = form.cleaned_data, request.snapshot
        if values["panel"] == Panel.PERMANENCE:
            rows = services.permanence_rows(data.drift_rows(snap.path, snap.as_of, snap.settings), values["reasons"])
            chosen = "drift list: " + ", ".join(values["reasons"])
        else:
            from carewatch.drift.starts import care_starts

            rows = services.entry_rows(care_starts(snap.con, values["since"], snap.as_of))
            chosen = f"care starts after {values['since'].isoformat()}"
        with transaction.atomic():
            meeting = services.create_meeting(panel=values["panel"], day=values["date"], chair=values["chair"].strip(),
                                              snapshot_id=snap.snapshot_id, as_of=snap.as_of, chosen=chosen, rows=rows)
            _changed(request, meeting, None, f"added, agenda of {rows.height} children from the {chosen} "
                                             f"on {snap.as_of.isoformat()}")
        return redirect("panel_meeting", pk=meeting.pk)
    return _page(request, "panels/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _meeting_rows(request, pk) -> tuple[Meeting, QuerySet]:
    found = get_object_or_404(Meeting, pk=pk)
    return found, _visible(request, found.items.all())


@require_GET
@needs_snapshot
@child_level("panels: a meeting")
def meeting(request, pk):
    on = _on(request)
    found, items = _meeting_rows(request, pk)
    late = set(services.overdue(items, on).values_list("pk", flat=True))
    record(request, Action.VIEW, f"panels: {found}", rows=items.count())
    shown = set(items.values_list("pk", flat=True))
    history = [c for c in found.changes.all() if c.item_id is None or c.item_id in shown]
    return _page(request, "panels/meeting.html", {"meeting": found, "items": items, "late": late, "on": on,
                                                  "history": history})


@require_http_methods(["GET", "POST"])
@needs_snapshot
def decision(request, pk):
    _editor(request, "panels: record a decision")
    item = get_object_or_404(Item.objects.select_related("meeting"), pk=pk)
    before = {name: getattr(item, name) for name in DecisionForm.Meta.fields}
    form = DecisionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            for name in form.changed_data:
                if _shown(before[name]) != _shown(form.cleaned_data[name]):
                    label = form.fields[name].label.split(" (")[0].lower()
                    _changed(request, item.meeting, item,
                             f"item {item.number}: {label}: {_shown(before[name])} → {_shown(form.cleaned_data[name])}")
        return redirect("panel_meeting", pk=item.meeting.pk)
    return _page(request, "panels/decision_form.html", {"form": form, "item": item},
                 status=400 if form.errors else 200)


def _pdf(request, pk, what: str):
    found, items = _meeting_rows(request, pk)
    html = render_to_string("panels/print.html", {"meeting": found, "items": items, "what": what}, request=request)
    record(request, Action.DOWNLOAD, f"panels: {found} {what} (PDF)", rows=items.count())
    response = HttpResponse(letter_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.panel}-{what}-{found.date.isoformat()}.pdf"'
    return response


@require_GET
@needs_snapshot
@child_level("panels: an agenda (PDF)")
def agenda_pdf(request, pk):
    return _pdf(request, pk, "agenda")


@require_GET
@needs_snapshot
@child_level("panels: minutes (PDF)")
def minutes_pdf(request, pk):
    return _pdf(request, pk, "minutes")

