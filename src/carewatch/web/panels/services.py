"""Building an agenda from a list, follow-ups on a day, the panels' activity, the history."""
from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from carewatch.web import appdb
from carewatch.web.panels.models import Change, Item, Meeting, Panel


def permanence_rows(drift: pl.DataFrame, reasons: list[str]) -> pl.DataFrame:
    """The drift list (carewatch.drift.drift_list's columns) for the chosen reasons, one row per
    child: the reasons and their details joined, since = the earliest; longest drift first."""
    return (drift.filter(pl.col("reason").is_in(reasons))
            .group_by("child", maintain_order=True)
            .agg(pl.col("team").first(), pl.col("reason").str.join(", ").alias("why"), pl.col("since").min(),
                 # one reason: its detail alone (the reason is shown beside it); several: each named
                 pl.when(pl.len() > 1)
                 .then((pl.col("reason") + ": " + pl.col("detail").fill_null("")).str.join("; "))
                 .otherwise(pl.col("detail").fill_null("").first()).alias("detail"))
            .sort(["since", "child"]))


def entry_rows(starts: pl.DataFrame) -> pl.DataFrame:
    """The care starts (carewatch.drift.starts.care_starts' columns) as agenda rows: why = legal
    route, age and placement at the start, and "S20" for a section 20 (V2) start."""
    return starts.select(
        "child", "team", pl.col("started").alias("since"),
        pl.concat_str(pl.lit("legal status "), pl.col("legal_status").fill_null("unknown"),
                      pl.lit(", age "), pl.col("age").cast(pl.Utf8).fill_null("unknown"),
                      pl.lit(", placement "), pl.col("placement").fill_null("unknown"),
                      pl.when(pl.col("s20")).then(pl.lit(", S20 (V2) start")).otherwise(pl.lit(""))).alias("why"),
        pl.concat_str(pl.lit("started "), pl.col("started").cast(pl.Utf8)).alias("detail"))


def create_meeting(*, panel: str, day: date, chair: str, snapshot_id: str, as_of: date, chosen: str,
                   rows: pl.DataFrame) -> Meeting:
    """The meeting and its agenda: ``rows`` has child, team, why, since, detail (numbered in order)."""
    meeting = Meeting.objects.create(panel=panel, date=day, chair=chair, snapshot_id=snapshot_id, as_of=as_of,
                                     chosen=chosen[:300])
    Item.objects.bulk_create(
        Item(meeting=meeting, number=n, child=r["child"], team=r["team"] or "", why=r["why"][:300], since=r["since"],
             detail=r["detail"] or "")
        for n, r in enumerate(rows.select("child", "team", "why", "since", "detail").iter_rows(named=True), start=1))
    return meeting


def last_meeting(panel: str, before: date) -> Meeting | None:
    return Meeting.objects.filter(panel=panel, date__lt=before).order_by("-date").first()


def overdue(items: QuerySet, on: date) -> QuerySet:
    """Follow-ups overdue on ``on``: the come-back-by date has passed (is before ``on``) and the
    child has not been back to the same panel since (a later meeting dated on/before ``on``)."""
    back = Item.objects.filter(child=OuterRef("child"), meeting__panel=OuterRef("meeting__panel"),
                               meeting__date__gt=OuterRef("meeting__date"), meeting__date__lte=on)
    return items.filter(come_back_by__lt=on).exclude(Exists(back))


def meeting_counts(on: date) -> dict[int, dict[str, int]]:
    """Each meeting's children considered, decisions recorded and follow-ups overdue on ``on``."""
    counted = Meeting.objects.annotate(considered=Count("items"),
                                       decided=Count("items", filter=~Q(items__decision="")))
    late = dict(overdue(Item.objects.all(), on).values("meeting").annotate(n=Count("id")).values_list("meeting", "n"))
    return {m.pk: {"considered": m.considered, "decided": m.decided, "overdue": late.get(m.pk, 0)} for m in counted}


def activity(since: date, on: date) -> list[dict]:
    """Each panel's meetings held from ``since`` to ``on``, the children they considered (each child
    once) and the follow-ups overdue on ``on`` (the report's panels section)."""
    held = Meeting.objects.filter(date__gte=since, date__lte=on)
    meetings = dict(held.values("panel").annotate(n=Count("id")).values_list("panel", "n"))
    children = dict(Item.objects.filter(meeting__in=held).values("meeting__panel")
                    .annotate(n=Count("child", distinct=True)).values_list("meeting__panel", "n"))
    late = dict(overdue(Item.objects.filter(meeting__date__lte=on), on).values("meeting__panel")
                .annotate(n=Count("id")).values_list("meeting__panel", "n"))
    return [{"panel": p.label, "meetings": meetings.get(p.value, 0), "children": children.get(p.value, 0),
             "overdue": late.get(p.value, 0)} for p in Panel]


def record_change(meeting: Meeting, item: Item | None, user, role: str, what: str) -> Change:
    return Change.objects.create(meeting=meeting, item=item, user=user, username=user.get_username() if user else "",
                                 role=role, what=what[:300])


HISTORY_SCHEMA = {"meeting": pl.Utf8, "why": pl.Utf8, "decision": pl.Utf8, "note": pl.Utf8, "come_back_by": pl.Date,
                  "lead": pl.Utf8}
NO_HISTORY = pl.DataFrame(schema=HISTORY_SCHEMA)


def child_history(child: str) -> pl.DataFrame:
    """Every panel's consideration of a child and its decision, latest meeting first (the child page)."""
    if not appdb.rows(Item, ("id",), ("child",), (child,)):  # most children: no query to compile, no frame
        return NO_HISTORY
    items = Item.objects.filter(child=child).select_related("meeting").order_by("-meeting__date", "meeting__panel")
    return pl.DataFrame(
        [{"meeting": str(i.meeting), "why": i.why, "decision": i.get_decision_display() or "not recorded",
          "note": i.note, "come_back_by": i.come_back_by, "lead": i.lead} for i in items],
        schema=HISTORY_SCHEMA)

