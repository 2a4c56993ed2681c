"""The Jinja2 environment: our templates first, then govuk-frontend-jinja's macros."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup, escape

from carewatch.reports.suppression import SUPPRESSED, shown_count


def url(name: str, *args, query: dict | None = None) -> str:
    path = _reverse(name, args)
    if query:
        path += "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return path


@lru_cache(maxsize=1024)
def _reverse(name: str, args: tuple) -> str:
    """reverse() once per address: the URL patterns do not change under a running process."""
    return reverse(name, args=args)


class _CsrfInput:
    """The form's hidden CSRF field, made once per request however many forms a page holds
    (Django's ``csrf_input`` masks the token anew, with 32 random characters, each time it is
    printed)."""

    def __init__(self, request):
        self.request, self.html = request, None

    def __html__(self) -> str:
        if self.html is None:
            from django.template.backends.utils import csrf_input

            self.html = csrf_input(self.request)
        return self.html

    __str__ = __html__


def csrf_once(request) -> dict:
    """A context processor: ``csrf_input`` printed from one masked token a request."""
    return {"csrf_input": _CsrfInput(request)}


@lru_cache(maxsize=1)
def _child_prefix() -> str:
    return reverse("child", args=["-"])[:-2]


def child_url(child: str) -> str:
    """A child's page (reverse() once, not once per row of a long list)."""
    return f"{_child_prefix()}{quote(child, safe='')}/"


@lru_cache(maxsize=256)
def static_url(name: str) -> str:
    """A static file's address (its content-hashed name once collected): Django works it out from
    the manifest on every call, and every page asks for the same few. The manifest is written by
    `carewatch serve` before its workers start, so it does not change under a running process."""
    return static(name)


def navigation(access, path: str) -> Markup:
    """The pages a role may open, the one ``path`` is under marked: rendered once per role and
    section (each item is marked by the path's first segment only)."""
    first = path.strip("/").split("/", 1)[0]
    return _navigation(access, f"/{first}/" if first else "/")


@lru_cache(maxsize=256)
def _navigation(access, path: str) -> Markup:
    from django.template.loader import render_to_string

    return Markup(render_to_string("_navigation.html", {"access": access, "path": path}))


def number(value, unit: str | None = None) -> str:
    """An indicator value as the committee reads it: counts whole, others one decimal, % where due."""
    if value is None:
        return "no data"
    if value == SUPPRESSED:  # a small number the public version hides (reports.suppression)
        return SUPPRESSED
    value = float(value)  # the public series carries its figures as text
    if unit == "count":
        return f"{int(round(value)):,}"
    text = f"{value:,.1f}"
    return text + "%" if unit == "percent" else text


def signed(value, unit: str | None = None) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if unit == "percent":
        return f"{value:+.1f} points"
    if unit == "count":
        return f"{int(round(value)):+,}"
    return f"{value:+.1f}"


def count_for(value, access):
    """A count as the signed-in user may see it: ``c`` for 1 to 5 to the roles that see what the
    public report shows (members, scrutiny, cabinet)."""
    return shown_count(value, access is not None and not access.child_level)


@lru_cache(maxsize=4096)
def long_date(value) -> str:
    """9 March 2021 (cached: a page's month lists ask for the same dates on every request)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


@lru_cache(maxsize=512)
def month_options(months: tuple, selected) -> Markup:
    """A month select's options, ``selected`` chosen: the same for every view of a page, so
    rendered once (an indicator page lists up to 120 months, twice)."""
    return Markup("".join(f'<option value="{m}"{" selected" if m == selected else ""}>{escape(long_date(m))}</option>'
                          for m in months))


def environment(**options) -> Environment:
    loader = options.pop("loader", None)
    env = Environment(**options)
    env.loader = ChoiceLoader([loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    from carewatch.web.tables import due_table, frame_table, health_table

    env.globals.update(url=url, static=static_url, month_options=month_options, child_url=child_url, navigation=navigation, frame_table=frame_table, due_table=due_table,
                       health_table=health_table)
    env.filters.update(number=number, signed=signed, long_date=long_date, count_for=count_for)
    return env
