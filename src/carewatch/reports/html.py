"""The performance summary as one self-contained HTML file: inline CSS, inline SVG charts, no
external reference (council networks are often closed, and a file mailed to members must work)."""
from __future__ import annotations

import base64
from datetime import date
from importlib.resources import files
from pathlib import Path

import jinja2
import markupsafe

from carewatch.charts import render_svg

from .context import format_change, format_value
from .suppression import SUPPRESSED

_TEMPLATES = files("carewatch.reports").joinpath("templates")


def _long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "–"


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes, line breaks and ``<`` escaped (the stylesheet sits
    inside a <style> element, where ``</style>`` in a council's name would end it)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
               .replace("<", "\\3C "))
    return markupsafe.Markup(f'"{escaped}"')


def _chart(figure: dict, pdf: bool) -> markupsafe.Markup:
    """The figure's chart inline in the page (drawn now if the context was built without SVG); for
    the PDF, an image holding the same SVG as a data: URL.

    WeasyPrint draws both as vectors, but parses an inline SVG as part of the HTML and styles each
    of its thousands of elements with the page's CSS: as an image it is several times faster.
    """
    svg = figure["svg"] if figure["svg"] is not None else render_svg(figure["spec"])
    if not pdf:
        return markupsafe.Markup(svg)
    encoded = base64.b64encode(svg.encode()).decode()
    return markupsafe.Markup(f'<img alt="" src="data:image/svg+xml;base64,{encoded}">')


def _percent_change(change) -> str:
    if change is None or change == SUPPRESSED:
        return format_change(change, "count")
    return f"{change:+d}%"


_UNITS = {"count": "Count", "percent": "Percentage", "rate": "Rate per 10,000 children",
          "days": "Mean days"}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                             autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update({
        "long_date": _long_date,
        "css_string": css_string,
        "count_text": lambda v: format_value(v, "count"),
        "percent_change": _percent_change,
        "chart": _chart,
        "unit_text": lambda unit: _UNITS.get(unit, unit),
        "lower_first": lambda s: s[:1].lower() + s[1:],
    })
    return env


def render_html(context: dict, *, pdf: bool = False) -> str:
    """The report page; ``pdf`` adds the print rules (A4, running header and footer, page numbers)."""
    env = environment()
    print_css = ""
    if pdf:
        print_css = env.get_template("print.css.j2").render(
            running_title=f"{context['title']} – {context['la_name']} – {context['month']}",
            stamp=(f"Snapshot {context['snapshot_id']} · extract date "
                   f"{context['extract_date'].isoformat() if context['extract_date'] else '–'}"))
    return env.get_template("performance_summary.html.j2").render(
        **context, pdf=pdf, css=_TEMPLATES.joinpath("report.css").read_text(), print_css=print_css)


def write_html(context: dict, path: Path) -> Path:
    path.write_text(render_html(context), encoding="utf-8")
    return path
