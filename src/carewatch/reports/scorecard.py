"""The one-page scorecard that opens the performance summary, in the style of the seed's Appendix 1:
each indicator with a target in force, its target, this month, last month, the same month last
year, the direction of travel, the RAG and the first line of the analysts' commentary.

"This month" is the report's headline figure: the indicator's latest complete month (an annual
indicator's latest 31 March). The direction compares it with the figure before it (last month;
for an annual indicator, the year before) and says whether it moved the better or the worse way
given the indicator's polarity. Every figure is read from the report's rows (``latest``:
``carewatch.kpis.latest_with_lookbacks``), so the scorecard and the area tables cannot disagree;
in the public version a suppressed figure, and whatever is worked out from it, is ``c``.
"""
from __future__ import annotations

from .suppression import SUPPRESSED

#: the scorecard prints one line of commentary, cut to this many characters
COMMENT_CHARS = 90


def direction(now, before, polarity: str | None) -> str:
    """'better', 'worse' or 'same' (the figure moved the way the polarity prefers, or not);
    '–' without both figures or a polarity; ``c`` when either figure is suppressed."""
    if now is None or before is None or polarity is None:
        return "–"
    if SUPPRESSED in (now, before):
        return SUPPRESSED
    if now == before:
        return "same"
    return "better" if (now > before) == (polarity == "higher") else "worse"


def one_line(text: str | None) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0].strip()
    return line if len(line) <= COMMENT_CHARS else line[:COMMENT_CHARS - 1].rstrip() + "…"


def scorecard_row(row: dict, latest: dict | None, format_value, commentary: str | None) -> dict:
    """One line of the scorecard from the report's row for the indicator and its lookbacks."""
    from .context import period_text  # the report's own formatting

    unit, annual = row["unit"], row["frequency"] == "annual"
    shown = {"id": row["id"], "title": row["title"], "target_text": row["target_text"],
             "rag": row["rag"], "rag_text": row["rag_text"], "commentary": one_line(commentary)}
    if not row["has_data"] or latest is None:
        return shown | {"this_text": row["value_text"], "period_text": "–", "last_month_text": "–",
                        "last_year_text": "–", "direction": "–"}

    def value(name: str):
        found = latest[f"{name}_value"]
        return SUPPRESSED if found is not None and latest[f"{name}_suppressed"] else found

    last_month = None if annual else value("month")
    last_year = value("year")
    return shown | {
        "this_text": row["value_text"], "period_text": period_text(row["period_end"], row["frequency"]),
        "last_month_text": "n/a (annual)" if annual else format_value(last_month, unit),
        "last_year_text": format_value(last_year, unit),
        "direction": direction(row["value"], last_year if annual else last_month, row["polarity"]),
    }
