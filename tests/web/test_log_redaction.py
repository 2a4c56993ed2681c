"""Issue 13, failure 7: log redaction missed child ids containing quotes, spaces or `/`.

Django logs a request's path decoded ("Not Found: /children/A B/") and the access log encoded
('"GET /children/A%20B/ HTTP/1.1" 404'); either way nothing of the id may remain.
"""
from __future__ import annotations

import logging

import pytest

from carewatch.web.security import RedactChildIdentifiers, redact

IDS = ['AB"12', "AB 12", "AB/12", "A'B C/D\"E", "AB%2F12", "AB\t12", "x HTTPx/1", "AB?x=1"]


@pytest.mark.parametrize("child", IDS)
def test_every_child_id_is_redacted_whatever_it_holds(child):
    lines = {
        f"Not Found: /children/{child}/": "Not Found: /children/[child]/",
        f'"GET /children/{child}/ HTTP/1.1" 404 179': '"GET /children/[child]/ HTTP/1.1" 404 179',
        f"Forbidden (Permission denied): /children/{child}/": "Forbidden (Permission denied): /children/[child]/",
        f'"GET /due.csv?team=North&child={child}&x=1 HTTP/1.1" 200 5': '"GET /due.csv?team=North&child=[child]&x=1 HTTP/1.1" 200 5',
        f'"GET /due/?child={child} HTTP/1.1" 200 5': '"GET /due/?child=[child] HTTP/1.1" 200 5',
        f"Internal Server Error: /children/{child}/\nTraceback …": "Internal Server Error: /children/[child]/\nTraceback …",
    }
    for line, expected in lines.items():
        assert redact(line) == expected, line
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s",
                               (f"/children/{child}/",), None)
    assert RedactChildIdentifiers().filter(record)
    assert record.getMessage() == "Not Found: /children/[child]/"
