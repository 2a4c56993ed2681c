"""The pages through Django's test client: figures, roles, audit and downloads."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
from typer.testing import CliRunner

from carewatch.cli import app as carewatch_cli
from carewatch.web.audit.models import AuditEvent
from carewatch.web.jinja import child_url

from conftest import AS_OF, ODD, without_tokens

pytestmark = pytest.mark.django_db


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_users_are_sent_to_sign_in(client, home):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_overview_shows_value_target_rag_changes(client_for):
    page = client_for("analyst").get("/").content.decode()
    # the extract date is 30 November 2021: November is the month to date, so the headline is
    # October. visits_on_time at 2021-10-31 (i=38): 10 + 38 mod 7 = 13 of 20 = 65.0%;
    # 2021-09-30 (i=37): 12/20 = 60.0% -> +5.0 points; 2020-10-31 (i=26): 15/20 = 75.0% -> -10.0 points
    row = page[page.index('data-kpi="visits_on_time"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="govuk-table__cell cw-num" data-field="value">65.0%</td>' in row
    assert 'data-field="target">100.0%</td>' in row
    assert "+5.0 points" in row and "-10.0 points" in row
    assert "Red" in row
    assert 'role="img"' in row  # the sparkline
    # November so far (i=39): 14/20 = 70.0%, labelled, with no RAG or change of its own
    assert 'data-field="month-to-date">Month to date (30 November 2021): 70.0%, no RAG yet</span>' in row
    # cla_count: October 100 + 38 = 138; +1 on the month; +12 on the year
    row = page[page.index('data-kpi="cla_count"'):]
    row = row[:row.index("</tr>")]
    assert 'data-field="value">138</td>' in row and "+1<" in row and "+12<" in row
    # a council's count has no England figure: a national total (80,780 in 2021) is no comparator
    assert 'data-field="england">–</td>' in row
    # the snapshot and as-of date on every page
    assert "snapshot <strong>latest</strong>" in page and "as of 30 November 2021" in page


def test_member_sees_small_numbers_suppressed_as_the_public_report_does(client_for):
    client = client_for("member")
    row = client.get("/").content.decode()
    row = row[row.index('data-kpi="visits_on_time"'):]
    row = row[:row.index("</tr>")]
    # October 13/20 is shown (7 not met); a year before, October 2020 (i=26) is 15/20: 5 not met,
    # so the change since last year is c; since last month (September 12/20) is shown
    assert 'data-field="value">65.0%</td>' in row and "+5.0 points" in row
    assert 'data-field="change-year">c</td>' in row and "-10.0" not in row
    # the series CSV: every month with 1-5 not met (15 or 16 of 20) is c in every figure
    rows = _csv_rows(client.get("/indicators/visits_on_time/series.csv").content.decode())
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert "suppressed" in header and len(body) == 40
    for r in body:
        small = r["suppressed"] == "true"
        assert small == (r["period_end"] in _months_with(15, 16)), r
        assert (r["numerator"], r["denominator"], r["value"], r["rag"]) == (("c",) * 4 if small else (
            r["numerator"], "20", r["value"], r["rag"])) and (small or int(r["numerator"]) <= 14), r
    # the indicator page: the figures by month say c there too, and the analyst's do not
    page = client.get("/indicators/visits_on_time/?period=2021-10-31").content.decode()
    assert ">c<" in page and ">16<" not in page and ">15<" not in page
    assert ">16<" in client_for("analyst").get("/indicators/visits_on_time/").content.decode()


def _months_with(*numerators: int) -> set[str]:
    """Month-ends of the fixture's visits_on_time (i = 0 ... 39 from August 2018) whose numerator
    10 + i mod 7 is one of these."""
    from datetime import date

    from carewatch.calendar import add_months, month_end

    return {str(month_end(add_months(date(2018, 8, 1), i))) for i in range(40) if 10 + i % 7 in numerators}


def test_indicator_page_for_analyst_lists_the_children_behind_the_number(client_for):
    client = client_for("analyst")
    page = client.get("/indicators/visits_on_time/").content.decode()
    assert "Numerator" in page and ">14<" in page and ">20<" in page
    assert page.count('<path') > 40  # a trend chart was rendered
    series = page[page.index('id="series"'):page.index("</table>", page.index('id="series"'))]
    assert series.count('<tr class="govuk-table__row"><td') == 40  # every month-end, Aug 2018 to Nov 2021
    # VISIT duties due in November 2021 (to the as-of date): C2 (16th) and C1 (21st), both overdue
    table = page[page.index('id="children-table"'):]
    table = table[:table.index("</table>")]
    assert table.count('href="/children/') == 2
    assert '/children/C1/' in table and '/children/C2/' in table
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.rows) == ("andy", "view", 2)
    assert event.what == "children behind visits_on_time for 2021-11-30"
    # a stock indicator: the children looked after on 31 October 2021: C1, C2, C3 (C4 left in March)
    page = client.get("/indicators/cla_count/?period=2021-10-31").content.decode()
    assert "grey: England" not in page  # a count: no England line on its chart either
    table = page[page.index('id="children-table"'):page.index("</table>", page.index('id="children-table"'))]
    assert [c for c in ("C1", "C2", "C3", "C4") if f"/children/{c}/" in table] == ["C1", "C2", "C3"]


def test_indicator_series_csv_has_every_month(client_for):
    response = client_for("member").get("/indicators/visits_on_time/series.csv")
    rows = _csv_rows(response.content.decode())
    assert rows[0][:6] == ["id", "period_end", "numerator", "denominator", "value", "unit"]
    assert len(rows) == 1 + 40
    assert response["Content-Disposition"] == 'attachment; filename="visits_on_time-2021-11-30.csv"'


@pytest.mark.appdb
def test_children_behind_a_number_download_is_audited(client_for, home):
    response = client_for("north").get("/indicators/visits_on_time/children.csv?period=2021-10-31")
    rows = _csv_rows(response.content.decode())
    # October's VISIT duties, both North's and met on time: C1 (due 13th, met 10th), C2 (due 8th, met 5th)
    assert rows == [["id", "period_end", "basis", "key", "counted", "child", "duty", "opened", "due", "done",
                     "closed", "status"],
                    ["visits_on_time", "2021-10-31", "duties", "C1:VISIT:1:5:2021-10-13", "true", "C1", "VISIT",
                     "2021-09-01", "2021-10-13", "2021-10-10", "", "done_on_time"],
                    ["visits_on_time", "2021-10-31", "duties", "C2:VISIT:1:1:2021-10-08", "true", "C2", "VISIT",
                     "2021-10-01", "2021-10-08", "2021-10-05", "", "done_on_time"]]
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.rows) == ("nora", "download", 2)
    # the same rows as the command line's
    cli = CliRunner().invoke(carewatch_cli, ["kpis", "--children", "--home", str(home.root), "--id", "visits_on_time",
                                             "--period-end", "2021-10-31", "--format", "csv"])
    assert cli.exit_code == 0 and cli.stdout == response.content.decode()
    # only the rows not counted: November's two overdue visits (C1, C2); none counted in November
    none_met = client_for("north").get("/indicators/visits_on_time/children.csv?period=2021-11-30&counted=no")
    assert [r[5] for r in _csv_rows(none_met.content.decode())[1:]] == ["C1", "C2"]
    met = client_for("north").get("/indicators/visits_on_time/children.csv?period=2021-11-30&counted=yes")
    assert _csv_rows(met.content.decode())[1:] == []
    assert client_for("north").get("/indicators/visits_on_time/children.csv?period=2021-10-30").status_code == 404


def test_indicator_without_figures_and_unknown_indicator(client_for):
    client = client_for("analyst")
    page = client.get("/indicators/iha_within_20wd/").content.decode()  # nothing in kpi_values
    assert "No figures to chart." in page and "no data" in page
    assert client.get("/indicators/no_such_thing/").status_code == 404
    assert client.get("/indicators/visits_on_time/?period=2021-11-15").status_code == 404  # not a month-end


def test_member_sees_no_children_behind_a_number(client_for):
    client = client_for("member")
    page = client.get("/indicators/visits_on_time/").content.decode()
    assert "children-table" not in page and "/children/" not in page
    assert client.get("/indicators/visits_on_time/children.csv").status_code == 403
    assert AuditEvent.objects.get().allowed is False


@pytest.mark.appdb
@pytest.mark.parametrize("path", ["/children/C1/", "/due/", "/due.csv"])
def test_member_typing_a_child_level_address_gets_403_and_is_audited(client_for, path):
    response = client_for("member").get(path)
    assert response.status_code == 403
    assert "The attempt has been recorded" in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.username, event.role, event.action, event.allowed) == ("cllr-mo", "member", "denied", False)
    assert event.child == ("C1" if path.startswith("/children/") else "")
    assert event.snapshot_id == "latest"


def test_due_list_most_urgent_first_with_counts_and_filters(client_for):
    client = client_for("analyst")
    page = client.get("/due/").content.decode()
    table = page[page.index('id="due-table"'):]
    # open = overdue + due, by days overdue then days left: C6 REVIEW (29 Sep, 62 days), C2 VISIT
    # (16 Nov, 14), C1 VISIT (21 Nov, 9), C3 DENTAL (25 Nov, 5) overdue; C1 REVIEW due (1 Dec, 1 left)
    order = [table.index(s) for s in ("2021-09-29", "2021-11-16", "2021-11-21", "2021-11-25", "2021-12-01")]
    assert order == sorted(order)
    assert "62 overdue" in table and "1 left" in table and "Looked-after review" in table
    assert "Children&#39;s home (K2)" in table and "unallocated" in table  # C6: K2, no team
    assert "<strong>5</strong> duties: 4 overdue, 1 due." in page
    counts = _table(page, "due-counts")
    # REVIEW: C6 overdue, C1 due; VISIT: C2 and C1 overdue; DENTAL: C3 overdue
    assert re.findall(r'data-duty="(\w+)"', counts) == ["DENTAL", "REVIEW", "VISIT", "total"]
    assert _cells(counts, "REVIEW") == {"overdue": "1", "due": "1"}
    assert _cells(counts, "total") == {"overdue": "4", "due": "1"}
    page = client.get("/due/?worker=ann&status=all").content.decode()
    assert "<strong>3</strong> duties" in page  # C1's three: the worker matched whatever its case
    page = client.get("/due/?duty=VISIT&team=South&status=upcoming").content.decode()
    assert "<strong>1</strong> duties" in page and "2021-12-31" in page
    page = client.get("/due/?child=C1&status=all").content.decode()
    assert "<strong>3</strong> duties" in page and "/children/C2/" not in page
    assert client.get("/due/?child=C&status=all").content.decode().count("/children/") == 0  # exact id only
    page = client.get("/due/?unallocated=1").content.decode()
    assert "<strong>1</strong> duties" in page and "/children/C6/" in page
    # this week (30 Nov to 6 Dec, not yet met, not overdue): C1's review on 1 December; today: none
    page = client.get("/due/?when=week").content.decode()
    assert "<strong>1</strong> duties" in page and "2021-12-01" in _table(page, "due-table")
    assert "<strong>0</strong> duties" in client.get("/due/?when=today").content.decode()
    assert client.get("/due/?when=tomorrow").status_code == 404


def test_due_today_on_the_day(client_for):
    client = client_for("north")
    # a day inside the snapshot's history (a date after the extract date is refused: carewatch.asof)
    client.post("/snapshots/", {"snapshot_id": "latest", "as_of": "2021-11-16"})
    page = client.get("/due/?when=today").content.decode()
    # 16 November: C2's visit is due today
    assert "<strong>1</strong> duties" in page and "today" in _table(page, "due-table")
    summary = _table(page, "team-summary")
    # North on 16 November: nothing overdue yet (C2's IHA was done late, C1's October visit on time);
    # due today C2 VISIT (16 Nov); this week (16-22 Nov) also C1 VISIT (21 Nov)
    assert _fields(summary, "North") == {"overdue": "0", "due_today": "1", "due_this_week": "2"}
    assert "South" not in summary


def test_managers_see_the_number_of_unallocated_children_not_their_rows(client_for):
    page = client_for("north").get("/due/?unallocated=1").content.decode()
    assert "<strong>0</strong> duties" in page and "/children/C6/" not in page
    warning = page[page.index('id="unallocated-count"'):]
    assert "1 child in care with an open duty has no allocated team" in warning
    assert "Analysts and administrators see who they are" in warning
    assert "/children/C6/" not in client_for("north").get("/due/?child=C6&status=all").content.decode()
    assert client_for("north").get("/children/C6/").status_code == 403
    page = client_for("analyst").get("/due/").content.decode()
    assert "List them" in page


def _cells(table: str, duty: str) -> dict:
    row = table[table.index(f'data-duty="{duty}"'):]
    row = row[:row.index("</tr>")]
    return dict(re.findall(r'data-status="(\w+)">(\d+)<', row))


def _fields(table: str, team: str) -> dict:
    row = table[table.index(f'data-team="{team}"'):]
    row = row[:row.index("</tr>")]
    return dict(re.findall(r'data-field="(\w+)">(\d+)<', row))


def test_manager_sees_only_their_teams_children(client_for):
    client = client_for("north")
    page = client.get("/due/?status=all").content.decode()
    assert "<strong>7</strong> duties" in page  # C1's three and C2's four
    assert "/children/C3/" not in page
    assert client.get("/children/C1/").status_code == 200
    assert client.get("/children/C3/").status_code == 403
    denied = AuditEvent.objects.get(allowed=False)
    assert (denied.username, denied.child) == ("nora", "C3")
    # the South manager sees no November visits behind the figure: both are North's
    page = client_for("south").get("/indicators/visits_on_time/").content.decode()
    assert "<strong>0</strong> in your teams (South)" in page


def test_due_csv_matches_the_command_line(client_for, home):
    client = client_for("analyst")
    for query, options in [("", []), ("?duty=VISIT&status=all", ["--duty", "VISIT", "--status", "all"]),
                           ("?team=North&status=overdue", ["--team", "North", "--status", "overdue"])]:
        web = client.get("/due.csv" + query).content.decode()
        cli = CliRunner().invoke(carewatch_cli, ["due", "--home", str(home.root), "--format", "csv", *options])
        assert cli.exit_code == 0, cli.output
        assert web == cli.stdout
        assert len(_csv_rows(web)) > 1
    event = AuditEvent.objects.filter(action="download").latest("id")
    # North's overdue duties: C2 VISIT (16 Nov) and C1 VISIT (21 Nov)
    assert event.what == "due list (CSV) (team=North, status=overdue)" and event.rows == 2


def test_child_page_timeline(client_for):
    page = client_for("analyst").get("/children/C1/").content.decode()
    assert "1 May 2010" in page
    legal = page[page.index('id="legal"'):page.index("</table>", page.index('id="legal"'))]
    assert legal.index("C1") < legal.index("C2") and "2021-02-01" in legal  # C1 until 1 Feb 2021, then C2
    duties = page[page.index('id="duties"'):page.index("</table>", page.index('id="duties"'))]
    assert duties[duties.index("<tbody"):].count("govuk-table__row") == 3
    assert duties.index("overdue") < duties.index("done on time")
    assert AuditEvent.objects.get().child == "C1"
    assert client_for("analyst").get("/children/NOBODY/").status_code == 404


def test_a_childs_duties_are_the_engines_for_that_child(client_for, home):
    """The child page takes its rows of the council's whole due list (cached per snapshot): the
    same rows, in the same order, as the engine's own child filter, for every child."""
    from carewatch.duties import due_list
    from carewatch.settings import DEFAULT
    from carewatch.snapshot import open_snapshot
    from carewatch.web import data

    con = open_snapshot(home)
    try:
        for (child,) in con.sql("SELECT child FROM header ORDER BY child").fetchall():
            found = data.child_record(home.path_of("latest"), child, AS_OF, DEFAULT)
            engine = due_list(con, AS_OF, child=child, status="all")
            assert found["duties"].equals(engine.select(found["duties"].columns)), child
            # C1 has 3 duties, C2 4, C3 3, C4, ODD none, C6 1 (the fixture's table)
            assert found["duties"].height == {"C1": 3, "C2": 4, "C3": 3, "C6": 1}.get(child, 0), child
    finally:
        con.close()


def test_data_quality_codes_and_rows_by_role(client_for):
    page = client_for("member").get("/data-quality/").content.decode()
    assert "LOCAL_TEAM_UNKNOWN" in page and "903_DOB_INVALID" in page
    assert "Offending rows" not in page and "C9" not in without_tokens(page)
    page = client_for("south").get("/data-quality/").content.decode()
    # South's manager: C3's finding and the file-level one, not C1's or the quarantined C9's
    assert "Sth" in page and "colour" in page and "Nrth" not in page and "DOB 31/02" not in page
    page = client_for("analyst").get("/data-quality/").content.decode()
    assert "Sth" in page and "Nrth" in page and "DOB 31/02/2015" in page


@pytest.mark.appdb
def test_choosing_a_snapshot_and_as_of_date(client_for):
    client = client_for("member")
    assert client.post("/snapshots/", {"snapshot_id": "earlier", "as_of": ""}).status_code == 302
    page = client.get("/").content.decode()
    # 'earlier' was extracted on 2021-10-31: October is its month to date; the headline is
    # September (i=37): 12/20 = 60.0%
    assert "snapshot <strong>earlier</strong>" in page and "as of 31 October 2021" in page
    assert 'data-field="value">60.0%</td>' in page
    client.post("/snapshots/", {"snapshot_id": "latest", "as_of": "2021-06-30"})
    page = client.get("/").content.decode()
    # 2021-06-30 is i=34: 10 + 34 mod 7 = 16 of 20: 4 not met, a small number, so a member sees c
    assert "as of 30 June 2021" in page and 'data-field="value">c</td>' in page
    response = client.post("/snapshots/", {"snapshot_id": "latest", "as_of": "30/06/2021"})
    assert response.status_code == 400 and "Enter the as-of date" in response.content.decode()
    assert client.post("/snapshots/", {"snapshot_id": "../etc", "as_of": ""}).status_code == 400


def test_as_of_date_outside_the_snapshot_gets_a_message(client_for):
    client = client_for("analyst")
    # the history starts with the first DECOM's month (no 903 year recorded): June 2019
    response = client.post("/snapshots/", {"snapshot_id": "latest", "as_of": "2030-01-01"})
    assert response.status_code == 400
    assert ("The as-of date 1 January 2030 is after this snapshot's extract date (30 November 2021): choose "
            "a date from 1 June 2019 to 30 November 2021.") in html.unescape(response.content.decode())
    # an as-of date held in the session anyway (e.g. from another snapshot): every page says so
    session = client.session
    session["snapshot_id"], session["as_of"] = "latest", "2019-05-31"
    session.save()
    for path in ["/", "/due/", "/indicators/visits_on_time/", "/report/performance-summary.html"]:
        response = client.get(path)
        page = html.unescape(response.content.decode())
        assert response.status_code == 400 and 'id="date-refused"' in page, path
        assert "is before the start of this snapshot's history (1 June 2019)" in page and "due-table" not in page
    # the scrutiny tracker's dates are a committee's: any day this century, else a message, not a 500
    response = client.get("/scrutiny/due/?on=9999-12-31")
    assert response.status_code == 400
    assert "The date 31 December 9999 is after the tracker's last day (31 December 2099)" in html.unescape(
        response.content.decode())


@pytest.mark.appdb
def test_audit_page_is_for_admins(client_for):
    client_for("analyst").get("/children/C2/")
    assert client_for("analyst").get("/audit/").status_code == 403
    page = client_for("admin").get("/audit/").content.decode()
    assert "andy" in page and "child page" in page and "C2" in page


def test_security_headers_and_cookies(client, users, home):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["secure"] is True
    assert "<script>" not in response.content.decode()  # nothing inline
    csrf_client = type(client)(enforce_csrf_checks=True)
    assert csrf_client.post("/accounts/login/", {"username": "andy", "password": "x"}).status_code == 403


def test_pages_about_children_are_not_cached(client_for):
    client = client_for("analyst")
    assert client.get("/children/C1/")["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/carewatch/app.css").get("Cache-Control", "")


@pytest.mark.appdb
def test_login_is_throttled(client, users, home):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "andy", "password": "wrong password"})
    locked = client.post("/accounts/login/", {"username": "andy", "password": "correct horse battery staple"})
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()


def test_the_homes_local_standards_apply(client_for, home):
    # with no horizon, C1's review due on 1 December is upcoming on 30 November, not due
    (home.root / "carewatch.toml").write_text("[settings]\ndue_horizon_days = 0\n\n[settings.kpi_targets]\nvisits_on_time = 90.0\n")
    page = client_for("analyst").get("/due/").content.decode()
    assert "<strong>4</strong> duties: 4 overdue, 0 due." in page
    page = client_for("analyst").get("/due/?status=upcoming").content.decode()
    assert "<strong>3</strong> duties" in page  # C1's review, C3's visit on 31 December and RHA on 15 January


@pytest.mark.parametrize("path", ["/", "/indicators/cla_count/", "/due/", "/children/C3/", "/data-quality/",
                                  "/snapshots/", "/audit/"])
def test_every_page_names_the_snapshot_and_as_of_date(client_for, path):
    page = client_for("admin").get(path).content.decode()
    banner = page[page.index('id="snapshot-banner"'):]
    banner = banner[:banner.index("</div>")]
    assert "Exampleshire" in banner and "snapshot <strong>latest</strong>" in banner
    assert "extract 30 November 2021" in banner and "as of 30 November 2021" in banner


def test_indicator_page_shows_named_statistical_neighbours(client_for, home):
    # The council names two neighbours in its settings; the page lists DfE's published figures
    # for the latest 31 March on or before the as-of date (30/11/2021 → 2021): England 9%, East
    # Sussex (845) 14%, Brighton and Hove (846) 10% (the fixture council E06000999 publishes none).
    (home.root / "carewatch.toml").write_text('[settings]\nstatistical_neighbours = ["845", "846"]\n')
    page = client_for("member").get("/indicators/placements_3plus/").content.decode()
    table = page[page.index('id="comparison-table"'):page.index("</table>", page.index('id="comparison-table"'))]
    rows = [(name, value) for name, value in re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td[^>]*>2021</td>\s*<td[^>]*>([^<]+)</td>', table)]
    assert rows == [("England", "9.0%"), ("East Sussex", "14.0%"), ("Brighton and Hove", "10.0%")]
    # a count has no comparison: councils' counts differ with their size
    assert 'id="comparison-table"' not in client_for("member").get("/indicators/cla_count/").content.decode()


def test_a_childs_tables_are_that_childs_rows_on_the_date(home):
    """The child page slices its rows out of every child's, read once per snapshot and date: for
    every child of the fixture, on the extract date and on a date before some of their records,
    the same rows in the same order as a query for that child alone, and no row for an unknown id."""
    from datetime import date

    from carewatch.settings import DEFAULT
    from carewatch.snapshot import open_snapshot
    from carewatch.web import data

    path = home.path_of("latest")
    con = open_snapshot(home)
    try:
        for as_of in (AS_OF, date(2020, 6, 1)):
            for (child,) in con.sql("SELECT DISTINCT child FROM header ORDER BY child").fetchall():
                found = data.child_record(path, child, as_of, DEFAULT)
                for table, columns, query in [
                        ("periods", ["period_id", "start_date", "end_date", "short_breaks"],
                         "SELECT period_id, start_date, end_date, short_breaks FROM periods"),
                        ("placements", ["placement_id", "period_id", "start_date", "end_date", "postcode"],
                         "SELECT placement_id, period_id, start_date, end_date, pl_post AS postcode FROM placements"),
                        ("legal", ["start_date", "end_date", "period_id"],
                         "SELECT start_date, end_date, period_id FROM legal_statuses")]:
                    alone = con.sql(query + " WHERE child = ? AND start_date <= ? ORDER BY start_date",
                                    params=[child, as_of]).pl()
                    assert found[table].select(columns).equals(alone), (child, as_of, table)
                dob = con.sql("SELECT dob FROM header WHERE child = ? ORDER BY year DESC LIMIT 1",
                              params=[child]).fetchall()[0][0]
                assert found["header"]["dob"] == dob and data.child_exists(path, as_of, child)
            assert not data.child_exists(path, as_of, "NOBODY") and data.child_record(path, "NOBODY", as_of, DEFAULT) is None
    finally:
        con.close()


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start:page.index("</table>", start)]


def test_child_page_in_words_with_a_current_legal_status_open(client_for):
    page = client_for("analyst").get("/children/C1/").content.decode()
    assert "Male (1)" in page and "White British (WBRI)" in page
    placements = _table(page, "placements")
    assert "Foster care with relative or friend, other (U3)" in placements and "Own local authority (PR1)" in placements
    legal = _table(page, "legal")
    rows = legal[legal.index("<tbody"):].split("</tr>")[:2]
    # C1 (interim care order) 10 Jan 2020 – 1 Feb 2021; then C2 (full care order) from 1 Feb 2021, still
    # current: its end-date cell is empty
    assert "Interim care order (C1)" in rows[0] and "2021-02-01" in rows[0]
    assert "Full care order (C2)" in rows[1]
    assert re.findall(r'<td class="govuk-table__cell">([^<]*)</td>', rows[1])[1:3] == ["2021-02-01", ""]


@pytest.mark.appdb
def test_an_unknown_child_is_404_for_every_child_level_role_and_audited(client_for):
    for role in ("analyst", "north"):
        assert client_for(role).get("/children/NOBODY/").status_code == 404
    events = AuditEvent.objects.filter(child="NOBODY").order_by("id")
    assert [(e.username, e.what, e.allowed) for e in events] == [
        ("andy", "child page (no such child)", True), ("nora", "child page (no such child)", True)]
    # a member is still refused before anything is looked up
    assert client_for("member").get("/children/NOBODY/").status_code == 403


def test_a_child_id_with_slash_space_and_quotes_opens(client_for):
    url = child_url(ODD)
    assert url == "/children/C5%2F%22a%20b%22%20c%27d/"
    page = client_for("south").get(url).content.decode()
    assert "Single period of accommodation under section 20 (V2)" in page
    assert AuditEvent.objects.get().child == ODD
    # the North manager: not theirs (403), not unknown
    assert client_for("north").get(url).status_code == 403


def test_health_area_from_the_postcode_lookup_without_the_setting(client_for, home):
    # no area_postcodes: the snapshot's council is 938 (West Sussex), so C3 placed at RH10 (Crawley,
    # West Sussex) is in area and C2 at BN1 (Brighton and Hove) out, by carewatch.postcodes
    import hashlib
    import json
    import os

    import duckdb

    path = home.path_of("latest")
    os.chmod(path, 0o644)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '938' WHERE key = 'la'")
    con.close()
    register = json.loads((home.root / "register.json").read_text())
    entry = next(e for e in register["snapshots"] if e["id"] == "latest")
    entry["size"], entry["sha256"] = path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()
    (home.root / "register.json").write_text(json.dumps(register))
    page = client_for("analyst").get("/health/").content.decode()
    table = _table(page, "health-table")
    rows = table[table.index("<tbody"):].split("</tr>")[:-1]
    assert "/children/C3/" in rows[0] and 'data-field="area">in area<' in rows[0]
    assert "/children/C2/" in rows[1] and 'data-field="area">out of area<' in rows[1]
    assert "from the ONS postcode directory carewatch ships" in page


def test_health_assessments_page(client_for, home):
    (home.root / "carewatch.toml").write_text('[settings]\narea_postcodes = ["RH"]\n')
    page = client_for("analyst").get("/health/").content.decode()
    table = _table(page, "health-table")
    rows = table[table.index("<tbody"):].split("</tr>")[:-1]
    # 30 Nov 2021, 60 days back to 1 Oct and ahead to 29 Jan 2022: C2 entered care on 1 Oct
    # (request due 8 Oct, sent 12 Oct, late; IHA due 29 Oct, done 5 Nov, late); C3's RHA due
    # 15 Jan 2022 (46 days left). C6 entered care on 1 Sep: outside the window. Order: C3 (days
    # left) before C2 (both steps met). Area: C3 placed at RH10 (in), C2 at BN1 (out).
    assert len(rows) == 2
    assert "/children/C3/" in rows[0] and "Review" in rows[0] and "2022-01-15" in rows[0] and "46 left" in rows[0]
    assert 'data-field="area">in area<' in rows[0]
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', rows[1])
    assert cells[1:6] == ["Initial (entered care 2021-10-01)", "2021-10-08", "2021-10-12", "2021-10-29", "2021-11-05"]
    assert "Foster care with relative or friend, long-term (U1)" in rows[1] and 'data-field="area">out of area<' in rows[1]
    assert AuditEvent.objects.get().what == "health assessments"
    # the South manager: C3's RHA only; a member is refused
    page = client_for("south").get("/health/").content.decode()
    assert "/children/C3/" in page and "/children/C2/" not in page
    assert client_for("member").get("/health/").status_code == 403
    assert AuditEvent.objects.filter(allowed=False, what="health assessments").count() == 1


def test_a_managers_overview_shows_their_teams_timeliness_beside_the_councils(client_for):
    page = client_for("north").get("/").content.decode()
    row = _table(page, "team-figures")
    row = row[row.index('data-kpi="visits_on_time" data-team="North"'):]
    # November 2021, North: C2's visit due 16 Nov and C1's due 21 Nov, neither met: 0 of 2; the
    # council's figure is the snapshot's kpi_values row for 30 Nov: 14 of 20
    assert re.findall(r'data-field="(\w+)">([^<]*)<', row)[:2] == [("team", "0.0% (0 of 2)"),
                                                                   ("council", "70.0% (14 of 20)")]
    assert 'data-team="South"' not in page
    assert 'id="team-figures"' not in client_for("analyst").get("/").content.decode()


def test_data_quality_page_shows_where_each_tables_records_begin(client_for):
    table = _table(client_for("member").get("/data-quality/").content.decode(), "history-starts")
    assert re.findall(r'<td class="govuk-table__cell">([^<]*)</td>', table) == [
        "episodes", "2019-04-01", "visits", "2020-01-10"]


def test_the_navigation_is_drawn_once_per_role_and_section_as_for_the_whole_path(client_for):
    """The service navigation is cached by the path's first segment: for every role and these
    paths, the same markup as drawn for the whole path, with the item the path is under marked."""
    from django.template.loader import render_to_string

    from carewatch.web.accounts.access import Access
    from carewatch.web.jinja import navigation

    client_for("analyst")  # the app DB (the template reverses the pages' addresses)
    paths = {"/": "Overview", "/indicators/visits_on_time/": "Overview", "/due/": "Due list",
             "/due.csv": "Due list", "/drift/": "Drift", "/children/C1/": None, "/audit/": "Audit log",
             "/data-quality/": "Data quality", "/snapshots/": "Snapshots"}
    for access in (Access("admin", None), Access("analyst", None), Access("manager", ("North",)),
                   Access("member", None)):
        for path, marked in paths.items():
            drawn = str(navigation(access, path))
            assert drawn == render_to_string("_navigation.html", {"access": access, "path": path}), (access, path)
            active = re.findall(r'service-navigation__item--active">\s*<a[^>]*>\s*(?:<strong[^>]*>)?([^<]+)', drawn)
            visible = marked if marked and (access.child_level or marked not in ("Due list", "Drift")) else None
            visible = None if marked == "Audit log" and access.role != "admin" else visible
            assert [a.strip() for a in active] == ([visible] if visible else []), (access, path, active)
