"""Django settings, all from the environment so one code base serves a laptop and a council server.

CAREWATCH_HOME             snapshots, the SQLite app DB and the generated secret key
CAREWATCH_DATABASE_URL     postgresql://user:password@host:port/name (else SQLite in the home)
CAREWATCH_SECRET_KEY       else a random key kept in HOME/secret_key (mode 600)
CAREWATCH_ALLOWED_HOSTS    comma-separated (default: localhost, 127.0.0.1)
CAREWATCH_SECURE_COOKIES   "0" only where the site is served over plain HTTP to a remote browser
CAREWATCH_OIDC_ISSUER      single sign-on: the OpenID Connect issuer URL (with _CLIENT_ID, _CLIENT_SECRET,
                           _GROUP_ROLES "group=role;...", _GROUP_TEAMS "group=team;...", _SCOPES)
CAREWATCH_LOCAL_PASSWORDS  "0" turns local passwords off (sign-in through the council's provider only)
CAREWATCH_TLS              "1" behind the council's HTTPS proxy: redirect plain HTTP, HSTS for subdomains
                           (``carewatch serve`` trusts X-Forwarded-Proto only from --proxy-ips)
CAREWATCH_BASE_URL         the site's address as users reach it, for links in emails (default http://localhost:8000)
CAREWATCH_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TLS   the SMTP server the morning digest is
                           sent through (defaults localhost, 25, none, none, carewatch@localhost,
                           TLS off; _TLS=1 for STARTTLS)
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from carewatch.snapshot import default_home

HOME = default_home().resolve()
WEB_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if os.environ.get("CAREWATCH_SECRET_KEY"):
        return os.environ["CAREWATCH_SECRET_KEY"]
    HOME.mkdir(parents=True, exist_ok=True)
    path = HOME / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def database_from_url(url: str | None) -> dict:
    """A Django DATABASES entry: PostgreSQL from a URL, else the SQLite file in the home."""
    if not url:
        # WAL: readers never wait for the audit log's writes; NORMAL: no fsync per audited view
        # a connection kept per server thread (CONN_MAX_AGE): opening one, with its pragmas, was
        # about a fifth of a page's server CPU (issue 13); checked before reuse after an error
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "carewatch.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                            "transaction_mode": "IMMEDIATE", "timeout": 20},
                "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"CAREWATCH_DATABASE_URL must be postgresql://…, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
    }


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("CAREWATCH_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "mozilla_django_oidc",
    "carewatch.web.accounts",
    "carewatch.web.audit",
    "carewatch.web.dashboard",
    "carewatch.web.scrutiny",
    "carewatch.web.panels",
    "carewatch.web.forecasting",
    "carewatch.web.indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # static files answer before sessions, sign-in and the snapshot are looked at
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carewatch.web.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carewatch.web.accounts.middleware.LoginRequired",
    "carewatch.web.data.SnapshotMiddleware",
    # last, so a lockout answers before any view runs
    "axes.middleware.AxesMiddleware",
]

def _pairs(text: str) -> dict[str, str]:
    """ "CW-North=North; CW-South=South" -> {"CW-North": "North", "CW-South": "South"}"""
    return {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in text.split(";")) if k.strip() and v.strip()}


# single sign-on with the council's OpenID Connect provider (carewatch.web.accounts.sso)
CAREWATCH_OIDC = {
    "issuer": os.environ["CAREWATCH_OIDC_ISSUER"],
    "client_id": os.environ.get("CAREWATCH_OIDC_CLIENT_ID", ""),
    "client_secret": os.environ.get("CAREWATCH_OIDC_CLIENT_SECRET", ""),
    "scopes": os.environ.get("CAREWATCH_OIDC_SCOPES", "openid profile email"),
    "group_roles": _pairs(os.environ.get("CAREWATCH_OIDC_GROUP_ROLES", "")),
    "group_teams": _pairs(os.environ.get("CAREWATCH_OIDC_GROUP_TEAMS", "")),
} if os.environ.get("CAREWATCH_OIDC_ISSUER") else None
LOCAL_PASSWORDS = os.environ.get("CAREWATCH_LOCAL_PASSWORDS", "1") != "0"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "carewatch.web.accounts.sso.CouncilOIDCBackend",
    *(["carewatch.web.accounts.backends.PasswordBackend"] if LOCAL_PASSWORDS else []),
]

ROOT_URLCONF = "carewatch.web.urls"
WSGI_APPLICATION = "carewatch.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "carewatch.web.jinja.environment", "autoescape": True,
                    "context_processors": ["carewatch.web.jinja.csrf_once"]},
    },
    {   # Django's admin keeps its own templates
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    },
]

DATABASES = {"default": database_from_url(os.environ.get("CAREWATCH_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# WhiteNoise serves them from the app (no separate web server): the package's and Django admin's
# files are collected into the home with content-hashed names (``carewatch serve`` collects them at
# start), so each can be cached for good; gzip copies are made at collection
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks for it at start, collected or not
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "carewatch.web.staticfiles.HashedStaticFiles"},
}
# before anything is collected (tests, a first `migrate`) the files are served from the package
WHITENOISE_USE_FINDERS = True

# sessions and cookies: HTTPS-only by default (browsers treat http://localhost as secure)
_SECURE = os.environ.get("CAREWATCH_SECURE_COOKIES", "1") != "0"
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
# Sessions are read from a file cache in the home before the app DB: every page reads the session,
# and the query was about a seventh of a page's server CPU (issue 13). The cache is shared by the
# server's processes, so a sign-out (which deletes the entry) holds in every one; a missing
# or culled entry is read from the app DB, which stays the record.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": str(HOME / "session-cache"), "TIMEOUT": SESSION_COOKIE_AGE,
                 "OPTIONS": {"MAX_ENTRIES": 10_000}},
}
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# browsers heed this only over HTTPS, i.e. behind the proxy that serves the site
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if _SECURE else 0
# behind the council's TLS proxy; the scheme comes from gunicorn, which believes X-Forwarded-Proto
# only from the proxy's addresses (``carewatch serve --proxy-ips``), so Django trusts no header itself
_TLS = os.environ.get("CAREWATCH_TLS", "0") == "1"
SECURE_SSL_REDIRECT = _TLS
SECURE_HSTS_INCLUDE_SUBDOMAINS = _TLS
SECURE_HSTS_PRELOAD = _TLS

# login throttling: five failures for a user name from one address locks it for an hour
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "locked.html"

# the morning digest (carewatch digest --send)
BASE_URL = os.environ.get("CAREWATCH_BASE_URL", "http://localhost:8000").rstrip("/")
EMAIL_HOST = os.environ.get("CAREWATCH_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CAREWATCH_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CAREWATCH_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CAREWATCH_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("CAREWATCH_SMTP_TLS", "0") == "1"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("CAREWATCH_SMTP_FROM", "carewatch@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_children": {"()": "carewatch.web.security.RedactChildIdentifiers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_children"]}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
