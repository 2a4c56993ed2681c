"""Fixtures for the dashboard: a tiny hand-made snapshot, users of every role, and a browser.

The snapshot (as of 2021-11-30, due horizon 14 days, so "due" = by 2021-12-14):

  child  team   worker  looked after                         duties (due → done: status on 2021-11-30)
  C1     North  Ann     2020-01-10 –                          VISIT 2021-10-13 → 10-10: done_on_time
                                                              VISIT 2021-11-21 → –: overdue
                                                              REVIEW 2021-12-01 → –: due
  C2     North  Bob     2021-10-01 –                          IHA_REQUEST 2021-10-08 → 10-12: done_late
                                                              IHA 2021-10-29 → 11-05: done_late
                                                              VISIT 2021-10-08 → 10-05: done_on_time
                                                              VISIT 2021-11-16 → –: overdue
  C3     South  Cat     2019-06-01 –                          DENTAL 2021-11-25 → –: overdue
                                                              VISIT 2021-12-31 → –: upcoming
                                                              RHA 2022-01-15 → –: upcoming
  C4     South  Cat     2020-02-01 – 2021-03-31 (adopted)     none
  ODD    South  Cat     2021-01-04 –                          none   (ODD = C5/"a b" c'd: an id with
                                                                      "/", a space and both quotes)
  C6     (none: unallocated)  2021-09-01 –                    REVIEW 2021-09-29 → –: overdue (62 days)

Indicators (kpi_values), month-ends 2018-08-31 … 2021-11-30, i = 0 … 39:
  visits_on_time  numerator 10 + i mod 7, denominator 20, target 100
  cla_count       100 + i
"""
from __future__ import annotations

import functools
import os
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carewatch.web.settings")
os.environ.setdefault("CAREWATCH_SECRET_KEY", "test-only-secret-key-not-for-use-anywhere-else-0123456789")
# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
if os.environ.get("CAREWATCH_TEST_POSTGRES_URL"):
    os.environ["CAREWATCH_DATABASE_URL"] = os.environ["CAREWATCH_TEST_POSTGRES_URL"]

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402
import pytest  # noqa: E402
from django.contrib.auth import base_user, hashers  # noqa: E402

from carewatch.calendar import add_months, month_end  # noqa: E402
from carewatch.snapshot import Home, SnapshotBuilder  # noqa: E402
from carewatch.web.accounts.services import add_user  # noqa: E402

AS_OF = date(2021, 11, 30)
ODD = 'C5/"a b" c\'d'
PASSWORD = "correct horse battery staple"
D = date.fromisoformat


def without_tokens(page: str) -> str:
    """A page without its forms' CSRF tokens, for asserting a child's id is not on it: 64 random
    letters and digits hold "C1" on about one page in sixty."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def kpi_values() -> pl.DataFrame:
    ends = [month_end(add_months(date(2018, 8, 1), i)) for i in range(40)]
    visits = pl.DataFrame({"period_end": ends, "i": list(range(40))}).with_columns(
        pl.lit("visits_on_time").alias("id"), (10 + pl.col("i") % 7).alias("numerator"),
        pl.lit(20).alias("denominator"), pl.lit("percent").alias("unit"), pl.lit(100.0).alias("target"))
    visits = visits.with_columns((pl.col("numerator") * 100 / pl.col("denominator")).alias("value"),
                                 pl.when(pl.col("numerator") * 5 >= 95).then(pl.lit("amber")).otherwise(pl.lit("red")).alias("rag"))
    cla = pl.DataFrame({"period_end": ends, "i": list(range(40))}).with_columns(
        pl.lit("cla_count").alias("id"), (100 + pl.col("i")).cast(pl.Float64).alias("value"), pl.lit("count").alias("unit"))
    return pl.concat([visits.drop("i"), cla.drop("i")], how="diagonal")


def build_snapshot(home: Home, snapshot_id: str, extract_date: date, kpis: pl.DataFrame | None = None) -> None:
    """``kpis``: the kpi_values table (default: kpi_values())."""
    b = SnapshotBuilder(home, snapshot_id)
    b.insert("header", pl.DataFrame({
        "child": ["C1", "C2", "C3", "C4", ODD, "C6"], "sex": ["1", "2", "1", "2", "2", "M"],
        "dob": [D("2010-05-01"), D("2015-03-10"), D("2008-01-20"), D("2019-07-07"), D("2012-02-02"), D("2011-04-04")],
        "ethnic": ["WBRI"] * 4 + ["BAFR", "WIRI"], "year": [2022] * 6}))
    b.insert("episodes", pl.DataFrame({
        "child": ["C1", "C1", "C2", "C3", "C4", ODD, "C6"],
        "decom": [D("2020-01-10"), D("2021-02-01"), D("2021-10-01"), D("2019-06-01"), D("2020-02-01"), D("2021-01-04"),
                  D("2021-09-01")],
        "rne": ["S", "L", "S", "S", "S", "S", "S"], "ls": ["C1", "C2", "V2", "C2", "E1", "V2", "C1"],
        "place": ["U3", "U3", "U1", "K2", "A4", "U6", "K2"],
        "place_provider": ["PR1", "PR1", "PR1", "PR4", "PR1", "PR5", "PR4"],
        "pl_post": [None, None, None, None, None, None, "RH12 1AA"],
        "dec": [D("2021-02-01"), None, None, None, D("2021-03-31"), None, None],
        "rec": ["X1", None, None, None, "E11", None, None]}))
    b.insert("periods", pl.DataFrame({
        "child": ["C1", "C2", "C3", "C4", ODD, "C6"], "period_id": [1, 1, 1, 1, 1, 1],
        "start_date": [D("2020-01-10"), D("2021-10-01"), D("2019-06-01"), D("2020-02-01"), D("2021-01-04"), D("2021-09-01")],
        "end_date": [None, None, None, D("2021-03-31"), None, None], "end_rec": [None, None, None, "E11", None, None],
        "short_breaks": [False] * 6, "first_ls": ["C1", "V2", "C2", "E1", "V2", "C1"], "episodes": [2, 1, 1, 1, 1, 1]}))
    b.insert("placements", pl.DataFrame({
        "child": ["C1", "C2", "C3", "C4", ODD, "C6"], "placement_id": [1] * 6, "period_id": [1] * 6,
        "start_date": [D("2020-01-10"), D("2021-10-01"), D("2019-06-01"), D("2020-02-01"), D("2021-01-04"), D("2021-09-01")],
        "end_date": [None, None, None, D("2021-03-31"), None, None], "place": ["U3", "U1", "K2", "A4", "U6", "K2"],
        "pl_post": [None, "BN1 1AA", "RH10 1AB", None, None, "RH12 1AA"]}))
    b.insert("legal_statuses", pl.DataFrame({
        "child": ["C1", "C1", "C2", "C3", "C4", ODD, "C6"], "period_id": [1] * 7,
        "start_date": [D("2020-01-10"), D("2021-02-01"), D("2021-10-01"), D("2019-06-01"), D("2020-02-01"), D("2021-01-04"),
                       D("2021-09-01")],
        "end_date": [D("2021-02-01"), None, None, None, D("2021-03-31"), None, None],
        "ls": ["C1", "C2", "V2", "C2", "E1", "V2", "C1"]}))
    b.insert("allocations", pl.DataFrame({
        "child": ["C1", "C2", "C3", "C4", ODD], "team": ["North", "North", "South", "South", "South"],
        "worker": ["Ann", "Bob", "Cat", "Cat", "Cat"],
        "start_date": [D("2020-01-10"), D("2021-10-01"), D("2019-06-01"), D("2020-02-01"), D("2021-01-04")],
        "end_date": [None, None, None, D("2021-03-31"), None]}))
    duties = [  # child, duty, seq, opened, due, done, team, worker
        ("C1", "VISIT", 5, "2021-09-01", "2021-10-13", "2021-10-10", "North", "Ann"),
        ("C1", "VISIT", 6, "2021-10-10", "2021-11-21", None, "North", "Ann"),
        ("C1", "REVIEW", 3, "2021-06-01", "2021-12-01", None, "North", "Ann"),
        ("C2", "IHA_REQUEST", 1, "2021-10-01", "2021-10-08", "2021-10-12", "North", "Bob"),
        ("C2", "IHA", 1, "2021-10-01", "2021-10-29", "2021-11-05", "North", "Bob"),
        ("C2", "VISIT", 1, "2021-10-01", "2021-10-08", "2021-10-05", "North", "Bob"),
        ("C2", "VISIT", 2, "2021-10-05", "2021-11-16", None, "North", "Bob"),
        ("C3", "DENTAL", 2, "2020-11-01", "2021-11-25", None, "South", "Cat"),
        ("C3", "VISIT", 9, "2021-10-20", "2021-12-31", None, "South", "Cat"),
        ("C3", "RHA", 3, "2021-01-15", "2022-01-15", None, "South", "Cat"),
        ("C6", "REVIEW", 1, "2021-09-01", "2021-09-29", None, None, None),
    ]
    b.insert("duties", pl.DataFrame(
        [(c, d, s, 1, D(o), D(due), D(done) if done else None, None, t, w) for c, d, s, o, due, done, t, w in duties],
        schema=["child", "duty", "seq", "period_id", "opened", "due", "done", "closed", "team", "worker"], orient="row"))
    b.insert("kpi_values", kpi_values() if kpis is None else kpis)
    b.insert("findings", pl.DataFrame({
        "code": ["903_DOB_INVALID", "LOCAL_TEAM_UNKNOWN", "LOCAL_TEAM_UNKNOWN", "FILE_EXTRA_COLUMN"],
        "severity": ["error", "warning", "warning", "warning"],
        "file": ["header.csv", "allocations.csv", "allocations.csv", "visits.csv"],
        "row": [5, 2, 3, None], "column": ["DOB", "team", "team", "colour"],
        "child": ["C9", "C3", "C1", None],
        "message": ["DOB 31/02/2015 is not a date", "team 'Sth' is not known", "team 'Nrth' is not known",
                    "unexpected column 'colour'"]}))
    b.insert("quarantine", pl.DataFrame({"child": ["C9"], "codes": ["903_DOB_INVALID"]}))
    b.set_meta({"snapshot_id": snapshot_id, "la": "E06000999", "la_name": "Exampleshire",
                "extract_date": extract_date.isoformat(), "created": f"{extract_date}T06:00:00",
                "quarantined_children": 1, "tables_present": "header,episodes,allocations,visits",
                "history_from": '{"episodes": "2019-04-01", "visits": "2020-01-10"}'})
    b.publish()


@pytest.fixture
def home(tmp_path, settings) -> Home:
    """Two snapshots: 'earlier' (extract 2021-10-31) and the published 'latest' (2021-11-30)."""
    root = tmp_path / "home"
    build_snapshot(Home(root), "earlier", date(2021, 10, 31))
    build_snapshot(Home(root), "latest", AS_OF)
    settings.HOME = root
    return Home(root)


def migrate_app_db(root: Path) -> None:
    """Create the app DB of the home at ``root`` in a process of its own, as `carewatch serve` does
    before its workers start (this process's Django uses the test database)."""
    import subprocess
    import sys

    code = ("import django; django.setup(); from django.core.management import call_command; "
            "call_command('migrate', verbosity=0)")
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "CAREWATCH_HOME": str(root), "DJANGO_SETTINGS_MODULE": "carewatch.web.settings"})


@functools.cache
def _password_hash() -> str:
    return hashers.make_password(PASSWORD)


@contextmanager
def _hashed_once():
    """add_user with PASSWORD takes its hash made once per process: hashing it (PBKDF2, Django's
    1,000,000 iterations) for every user of every test was most of the web tests' set-up. The
    users' hashes are real ones, and signing in checks them in full."""
    base_user.make_password = lambda raw, *args, **kw: (
        _password_hash() if raw == PASSWORD and not args and not kw else hashers.make_password(raw, *args, **kw))
    try:
        yield
    finally:
        base_user.make_password = hashers.make_password


@pytest.fixture
def users(db) -> dict:
    with _hashed_once():
        made = {
            "admin": add_user("alice", "admin", PASSWORD),
            "analyst": add_user("andy", "analyst", PASSWORD),
            "north": add_user("nora", "manager", PASSWORD, ["North"]),
            "south": add_user("sam", "manager", PASSWORD, ["South"]),
            "member": add_user("cllr-mo", "member", PASSWORD),
        }
    return made


@pytest.fixture
def officers(users) -> dict:
    """The users plus a scrutiny officer and a cabinet member (the scrutiny tracker's roles)."""
    with _hashed_once():
        users["scrutiny"] = add_user("sue", "scrutiny", PASSWORD)
        users["cabinet"] = add_user("cllr-cab", "cabinet", PASSWORD)
    return users


@pytest.fixture
def client_for(client, users, home):
    def login(role: str):
        client.force_login(users[role])
        return client
    return login


# --- the browser -------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser, live_server, users, home):
    """A signed-in browser page for a role; console errors (a CSP violation, a failed script)
    are collected in page.errors."""
    contexts = []

    def sign_in(role: str):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto("/accounts/login/")
        page.fill("#id_username", users[role].username)
        page.fill("#id_password", PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def check_page():
    """Asserts a page has no serious or critical accessibility violations and no console errors,
    then saves its screenshot as docs/screenshots/NAME.png."""
    def check(page, name: str | None = None) -> None:
        assert axe_violations(page) == []
        assert page.errors == []
        if name:
            screenshot(page, name)
    return check


def axe_violations(page) -> list[dict]:
    """Serious and critical accessibility violations on the page (axe-core from npm)."""
    page.evaluate(AXE.read_text() + ";0")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
