"""Security headers and log redaction.

The content security policy allows nothing inline and nothing from elsewhere: pages load their
script and styles from /static/ only, and charts are inline SVG (markup, not script).
"""
from __future__ import annotations

import logging
import re

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            # pages about children must not linger in shared caches or the back button of a shared PC
            response.setdefault("Cache-Control", "no-store")
        return response


# an id may hold "/" (sent as %2F): everything up to the page's closing slash is the id
_CHILD_IN_PATH = re.compile(r"(/children/)[^\s?\"']+?(/?)(?=[\s?\"']|$)")
_CHILD_IN_QUERY = re.compile(r"([?&]child=)[^&\s\"']+")


def redact(text: str) -> str:
    """Remove child identifiers from a log line (request paths and query strings)."""
    return _CHILD_IN_QUERY.sub(r"\1[child]", _CHILD_IN_PATH.sub(r"\1[child]\2", text))


class RedactChildIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            # Django logs the decoded path as an argument ("Not Found: %s"): an id with a space in
            # it would otherwise end the match early
            record.args = tuple("/children/[child]/" if isinstance(a, str) and a.startswith("/children/") else a
                                for a in record.args)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
