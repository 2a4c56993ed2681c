"""Frames as GOV.UK tables, built in Python: long lists render several times faster than
through a Jinja macro called per cell."""
from __future__ import annotations

from markupsafe import Markup, escape

from carewatch.web.jinja import child_url

STATUS_CLASSES = {"overdue": "govuk-tag--red", "due": "govuk-tag--yellow", "upcoming": "govuk-tag--blue",
                  "done_on_time": "govuk-tag--green", "done_late": "govuk-tag--orange", "missed": "govuk-tag--grey"}


def status_tag(status: str | None) -> Markup:
    classes = STATUS_CLASSES.get(status, "govuk-tag--grey")
    return Markup(f'<strong class="govuk-tag {classes}">{escape((status or "").replace("_", " "))}</strong>')


def _cell(column: str, value, child_links: bool) -> str:
    if value is None:
        return ""
    if column == "status":
        return status_tag(value)
    if column == "child" and child_links:
        return f'<a class="govuk-link" href="{escape(child_url(value))}">{escape(value)}</a>'
    return escape(value)


def frame_table(frame, caption: str, id: str | None = None, child_links: bool = False,
                limit: int | None = None) -> Markup:
    """A polars frame as a table: a header per column, child ids linking to the child's page
    when ``child_links``, statuses as coloured tags; the first ``limit`` rows when given."""
    columns = frame.columns
    head = "".join(f'<th scope="col" class="govuk-table__header">{escape(c.replace("_", " "))}</th>' for c in columns)
    rows = [
        '<tr class="govuk-table__row">'
        + "".join(f'<td class="govuk-table__cell">{_cell(c, v, child_links)}</td>' for c, v in zip(columns, row))
        + "</tr>"
        for row in (frame.head(limit) if limit else frame).iter_rows()
    ] or [f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(columns)}">None.</td></tr>']
    return _wrapped(id, caption, head, rows, "govuk-table")


def _wrapped(id: str | None, caption: str, head: str, rows: list[str], classes: str) -> Markup:
    """A table in a container that scrolls sideways on a narrow screen (the page itself does not);
    the container takes the keyboard focus, so it can be scrolled without a mouse."""
    table_id = f' id="{escape(id)}"' if id else ""
    return Markup(
        f'<div class="cw-table-wrap" tabindex="0" role="region" aria-label="{escape(caption)}">'
        f'<table class="{classes}"{table_id}>'
        f'<caption class="govuk-table__caption govuk-table__caption--s">{escape(caption)}</caption>'
        f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
        f'<tbody class="govuk-table__body">{"".join(rows)}</tbody></table></div>')


def _compact_table(id: str, caption: str, heads: list[str], rows: list[str]) -> Markup:
    """Ready-made rows under plain headings, "None." when there are none."""
    head = "".join(f'<th scope="col" class="govuk-table__header">{h}</th>' for h in heads)
    if not rows:
        rows = [f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(heads)}">None.</td></tr>']
    return _wrapped(id, caption, head, rows, "govuk-table cw-compact")


def _td(value, classes: str = "", field: str = "") -> str:
    attribute = f' data-field="{field}"' if field else ""
    return f'<td class="govuk-table__cell{classes}"{attribute}>{value}</td>'


def _days(row: dict) -> str:
    if row["days_overdue"] is not None:
        return f"{row['days_overdue']} overdue"
    if row["days_left"] is not None:
        return "today" if row["days_left"] == 0 else f"{row['days_left']} left"
    return ""


def due_table(frame, caption: str, titles: dict[str, str], id: str = "due-table") -> Markup:
    """The due list as a manager reads it: child, duty in words (its code as a hint), due date,
    days overdue or left, status, worker, team, placement type in words, date entered care.
    ``frame`` has the due list's columns plus ``placement`` (carewatch.codelists words)."""
    heads = ["Child", "Duty", "Due", "Days", "Status", "Worker", "Team", "Placement type", "Entered care"]

    rows = []
    for row in frame.iter_rows(named=True):
        duty = row["duty"]
        rows.append(
            '<tr class="govuk-table__row">'
            + _td(f'<a class="govuk-link" href="{escape(child_url(row["child"]))}">{escape(row["child"])}</a>')
            + _td(f'{escape(titles.get(duty, duty))} <span class="govuk-hint cw-code">{escape(duty)}</span>')
            + _td(escape(row["due"]), " cw-nowrap") + _td(escape(_days(row)), " cw-nowrap")
            + _td(status_tag(row["status"]))
            + _td(escape(row["worker"] or "")) + _td(escape(row["team"] or "unallocated"))
            + _td(escape(row["placement"] or "")) + _td(escape(row["period_start"] or ""), " cw-nowrap")
            + "</tr>")
    return _compact_table(id, caption, heads, rows)


def health_table(frame, caption: str, id: str = "health-table") -> Markup:
    """The health-assessments page's rows (data.health_assessments)."""
    heads = ["Child", "Assessment", "Request due", "Request sent", "Assessment due", "Assessment done", "Days",
             "Status", "Worker", "Team", "Placement today", "Area"]

    def text(value) -> str:
        return escape(value if value is not None else "")

    rows = []
    for row in frame.iter_rows(named=True):
        what = ("Initial (entered care " + str(row["period_start"]) + ")") if row["duty"] == "IHA" else "Review"
        status = status_tag(row["assessment_status"]) if row["assessment_status"] else ""
        if row["request_status"]:
            status = Markup(f'{status} <span class="govuk-body-s">request: </span>{status_tag(row["request_status"])}')
        area = {"in": "in area", "out": "out of area"}.get(row["area"], "")
        rows.append(
            f'<tr class="govuk-table__row" data-duty="{escape(row["duty"])}">'
            + _td(f'<a class="govuk-link" href="{escape(child_url(row["child"]))}">{escape(row["child"])}</a>')
            + _td(escape(what)) + _td(text(row["request_due"]), " cw-nowrap") + _td(text(row["request_sent"]), " cw-nowrap")
            + _td(text(row["assessment_due"]), " cw-nowrap") + _td(text(row["assessment_done"]), " cw-nowrap")
            + _td(escape(_days(row)), " cw-nowrap") + _td(status)
            + _td(text(row["worker"])) + _td(escape(row["team"] or "unallocated"))
            + _td(text(row["placement"])) + _td(area, field="area")
            + "</tr>")
    return _compact_table(id, caption, heads, rows)
