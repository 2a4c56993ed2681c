"""The drift page (docs/drift.md): child-level, managers see their teams' children, analysts every
child, members refused; every view audited.

The dashboard's snapshot (conftest) as of 30 November 2021 plus two permanence plans: C1 (North, Ann)
RETURN_HOME agreed 15 January 2021 and C3 (South, Cat) SGO agreed 1 June 2020, both more than 9
months before 30 November (28 February 2021): plan_not_progressing since the plan's date,
C1 15 Jan -> 30 Nov 2021 = 319 days (16 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30),
C3 1 Jun 2020 -> 30 Nov 2021 = 365 + 182 = 547 days.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import date

import duckdb
import pytest

from carewatch.web.audit.models import AuditEvent


def edit_snapshot(home, *statements: str) -> None:
    """Runs the statements on the published snapshot 'latest', as if it had been published with
    them: the register's checksum is the changed file's."""
    path = home.path_of("latest")
    os.chmod(path, 0o644)
    con = duckdb.connect(str(path))
    for statement in statements:
        con.execute(statement)
    con.close()
    register = json.loads((home.root / "register.json").read_text())
    entry = next(e for e in register["snapshots"] if e["id"] == "latest")
    entry["size"], entry["sha256"] = path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()
    (home.root / "register.json").write_text(json.dumps(register))


@pytest.fixture
def drifting(home):
    edit_snapshot(home, "INSERT INTO permanence_plans (child, agreed, plan) VALUES "
                        "('C1', DATE '2021-01-15', 'RETURN_HOME'), ('C3', DATE '2020-06-01', 'SGO')",
                  "UPDATE meta SET value = value || ',permanence_plans' WHERE key = 'tables_present'")
    return home


def _rows(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('<tr class="govuk-table__row" data-child="')[1:]]


def test_manager_sees_only_their_teams_children_and_is_audited(drifting, client_for):
    page = client_for("north").get("/drift/").content.decode()
    assert _rows(page) == ["C1"] and ">319<" in page and "RETURN_HOME agreed 15 January 2021" in page
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.rows, event.allowed) == ("nora", "view", 1, True)


def test_analyst_sees_every_child_longest_first(drifting, client_for):
    page = client_for("analyst").get("/drift/?reason=plan_not_progressing").content.decode()
    assert _rows(page) == ["C3", "C1"] and ">547<" in page
    assert client_for("analyst").get("/drift/?reason=nope").status_code == 404


def test_member_is_refused_the_list(drifting, client_for):
    response = client_for("member").get("/drift/")
    assert response.status_code == 403
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.allowed) == ("cllr-mo", "denied", False)


def test_child_page_names_the_drift_reasons(drifting, client_for):
    page = client_for("north").get("/children/C1/").content.decode()
    table = page[page.index('id="drift"'):]
    table = table[:table.index("</table>")]
    assert "plan_not_progressing" in table and "319" in table
    # C2 (North) meets no reason
    assert 'id="drift-none"' in client_for("north").get("/children/C2/").content.decode()
