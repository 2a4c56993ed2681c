from __future__ import annotations

import logging
import os

import pytest
from django.db import connection

from carewatch.web.security import RedactChildIdentifiers, redact
from carewatch.web.settings import database_from_url


@pytest.mark.appdb
def test_the_suite_runs_on_the_database_it_was_given():
    assert connection.vendor == ("postgresql" if os.environ.get("CAREWATCH_TEST_POSTGRES_URL") else "sqlite")


def test_database_url():
    assert database_from_url("postgresql://cw:p%40ss@db.example:5433/carewatch") == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "carewatch", "USER": "cw", "PASSWORD": "p@ss",
        "HOST": "db.example", "PORT": "5433", "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    sqlite = database_from_url(None)
    # both keep a connection per server thread for a minute rather than one per request
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert (sqlite["CONN_MAX_AGE"], sqlite["CONN_HEALTH_CHECKS"]) == (60, True)


def test_child_identifiers_are_redacted_from_log_lines():
    assert redact('"GET /children/AB123/ HTTP/1.1" 200 512') == '"GET /children/[child]/ HTTP/1.1" 200 512'
    assert redact("/due.csv?team=North&child=AB123&x=1") == "/due.csv?team=North&child=[child]&x=1"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/children/Z9/",), None)
    assert RedactChildIdentifiers().filter(record) and record.getMessage() == "Forbidden: /children/[child]/"
    # ids with "/" (sent as %2F) or a space; Django's "Not Found" logs the decoded path
    assert redact('"GET /children/A%2FB%20C/ HTTP/1.1" 404') == '"GET /children/[child]/ HTTP/1.1" 404'
    assert redact("/children/A/B/") == "/children/[child]/"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/children/A B/",), None)
    assert RedactChildIdentifiers().filter(record) and record.getMessage() == "Not Found: /children/[child]/"


def test_favicon_ico_redirects_to_the_package_icon(client):
    # Django's admin pages link no icon, so a browser asks for /favicon.ico; a 404 there shows
    # as a console error on every admin page.
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/carewatch/favicon.svg")
