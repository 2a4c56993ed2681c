from __future__ import annotations

import logging
import os
from datetime import date

import polars as pl
from django.db import connection

from carewatch.web.charts import render_svg, sparkline_spec, timeline_spec, trend_chart_spec
from carewatch.web.security import RedactChildIdentifiers, redact
from carewatch.web.settings import database_from_url


def test_the_suite_runs_on_the_database_it_was_given():
    assert connection.vendor == ("postgresql" if os.environ.get("CAREWATCH_TEST_POSTGRES_URL") else "sqlite")


def test_database_url():
    assert database_from_url("postgresql://cw:p%40ss@db.example:5433/carewatch") | {"CONN_MAX_AGE": 0} == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "carewatch", "USER": "cw", "PASSWORD": "p@ss",
        "HOST": "db.example", "PORT": "5433", "CONN_MAX_AGE": 0}
    assert database_from_url(None)["ENGINE"] == "django.db.backends.sqlite3"


def test_child_identifiers_are_redacted_from_log_lines():
    assert redact('"GET /children/AB123/ HTTP/1.1" 200 512') == '"GET /children/[child]/ HTTP/1.1" 200 512'
    assert redact("/due.csv?team=North&child=AB123&x=1") == "/due.csv?team=North&child=[child]&x=1"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/children/Z9/",), None)
    assert RedactChildIdentifiers().filter(record) and record.getMessage() == "Forbidden: /children/[child]/"


SERIES = pl.DataFrame({"period_end": [date(2021, 1, 31), date(2021, 2, 28), date(2021, 3, 31)],
                       "value": [50.0, None, 75.0]})


def test_trend_chart_spec_layers():
    spec = trend_chart_spec(SERIES, target=90, england=pl.DataFrame({"period_end": [date(2021, 3, 31)], "value": [80.0]}),
                            marks=[(date(2021, 2, 1), "Lockdown")], unit="percent")
    layers = spec["layer"]
    # council + England as lines, the target as a rule, the mark as a rule and its label
    assert [layer["mark"]["type"] for layer in layers] == ["line", "rule", "rule", "text"]
    lines = spec["datasets"][layers[0]["data"]["name"]]
    # the month with no value is left out rather than drawn as zero
    assert [(row["period_end"], row["value"], row["series"]) for row in lines] == [
        ("2021-01-31", 50.0, "This council"), ("2021-03-31", 75.0, "This council"), ("2021-03-31", 80.0, "England")]
    assert spec["datasets"][layers[1]["data"]["name"]] == [{"value": 90.0, "series": "Target"}]


def test_render_svg_is_one_labelled_image():
    svg = render_svg(sparkline_spec(SERIES), label='Visits "on time"')
    assert svg.startswith('<svg role="img" aria-label="Visits &quot;on time&quot;" focusable="false" ')
    assert "<script" not in svg and "style=" not in svg


def test_timeline_spec_open_spells_run_to_the_as_of_date():
    spells = pl.DataFrame({"lane": ["Placements", "Placements"], "label": ["U3", "K2"],
                           "start_date": [date(2020, 1, 10), date(2021, 2, 1)], "end_date": [date(2021, 2, 1), None]})
    duties = pl.DataFrame({"duty": ["VISIT"], "due": [date(2021, 11, 21)], "status": ["overdue"]})
    spec = timeline_spec(spells, duties, as_of=date(2021, 11, 30))
    bars = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert [(b["label"], b["start"], b["end"]) for b in bars] == [
        ("U3", "2020-01-10", "2021-02-01"), ("K2", "2021-02-01", "2021-11-30")]
    points = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert points == [{"lane": "Duty VISIT", "duty": "VISIT", "status": "overdue", "due": "2021-11-21"}]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Placements", "Duty VISIT"]


def test_favicon_ico_redirects_to_the_package_icon(client):
    # Django's admin pages link no icon, so a browser asks for /favicon.ico; a 404 there shows
    # as a console error on every admin page.
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/carewatch/favicon.svg")
