"""`carewatch import` / `validate` / `snapshots` end to end through the CLI, on tiny extracts.

The cohort: two children in one 903 year (2021 = April 2020 – March 2021), plus visits.
  C1 looked after from 01/04/2020 (S, C2, U4), still looked after.
  C2 looked after from 01/06/2020 to 01/09/2020 (E4A).
"""
import csv
import io
import json
from datetime import date
import re

import pytest
from typer.testing import CliRunner

from carewatch.cli import app
from carewatch.importer import run_import
from carewatch.snapshot import Home, open_snapshot

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2010,WBRI,UN4,,\nC2,2,15/05/2012,WBRI,UN4,,\n"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
            "C1,01/04/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"
            "C2,01/06/2020,S,V2,N4,U6,PR1,01/09/2020,E4A,,AB1 2CD,AB3 4EF,SC123456\n")
VISITS = "CHILD,VISIT_DATE,SEEN,VIRTUAL\nC1,2020-04-06,Y,N\nC2,2020-06-05,,\n"

runner = CliRunner()


def _extracts(folder, episodes=EPISODES, history_from=None):
    """The extracts; ``history_from`` states in a manifest where the records begin (else the data says)."""
    (folder / "903" / "2021").mkdir(parents=True)
    if history_from:
        (folder / "manifest.json").write_text(json.dumps({"history_from": history_from}))
    (folder / "903" / "2021" / "header.csv").write_text(HEADER)
    (folder / "903" / "2021" / "episodes.csv").write_text(episodes)
    (folder / "visits.csv").write_text(VISITS)
    return folder


def _cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_import_publishes_and_registers(tmp_path):
    # the council states its records are complete from the start of the 2021 collection year
    src = _extracts(tmp_path / "in", history_from="2020-04-01")
    home = tmp_path / "home"
    result = _cli("import", src, "--home", home, "--la", "999", "--extract-date", "2021-03-31")
    assert result.exit_code == 0, result.output
    snapshot_id = result.stdout.strip().splitlines()[-1]
    snaps = json.loads(_cli("snapshots", "--home", home, "--format", "json").stdout)
    assert [(s["id"], s["published"], s["children"], s["episodes"], s["errors"]) for s in snaps] == [
        (snapshot_id, True, 2, 2, 0)]
    with open_snapshot(Home(home)) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        assert (meta["la"], meta["extract_date"], meta["quarantined_children"]) == ("999", "2021-03-31", "0")
        assert meta["tables_present"] == "episodes,header,visits"
        assert meta["history_from"] == '{"episodes": "2020-04-01", "visits": "2020-04-01"}'
        # the two periods of care were derived, and C1's first visit duty (placement start
        # 01/04/2020 + 7 days = 08/04/2020) was met on 06/04/2020
        assert con.execute("SELECT count(*) FROM periods").fetchone()[0] == 2
        assert con.execute("SELECT due, done FROM duties WHERE child = 'C1' AND duty = 'VISIT' ORDER BY due LIMIT 1"
                           ).fetchone() == (__import__("datetime").date(2020, 4, 8), __import__("datetime").date(2020, 4, 6))
        sha = con.execute("SELECT sha256 FROM source_files WHERE file LIKE '%episodes.csv'").fetchone()[0]
        assert len(sha) == 64


def test_history_start_from_the_data_and_a_bad_history_from(tmp_path):
    # No usable history_from: the episodes' history starts on 1 April of the 2021 collection year,
    # 01/04/2020; the visits table's records begin at its earliest date, 06/04/2020. C1's
    # visit chain, running since 01/04/2020, is picked up there: due H + 6 weeks = 18/05/2020, met by
    # the visit on 06/04 (on H); then 06/04 + 6 weeks = 18/05 again, open. The first-visit duty (due
    # 08/04, a week after the placement began) is not owed: a visit before H could not be seen.
    # history_from {"visits": "01/04/2020"} is not a date: a warning, and the data decides.
    src = _extracts(tmp_path / "in", history_from={"visits": "01/04/2020"})
    home = tmp_path / "home"
    result = _cli("import", src, "--home", home, "--extract-date", "2021-03-31")
    assert result.exit_code == 0, result.output
    with open_snapshot(Home(home)) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'history_from'").fetchone()[0] == \
            '{"episodes": "2020-04-01", "visits": "2020-04-06"}'
        assert con.execute("SELECT code, severity FROM findings WHERE code LIKE '%history%'").fetchall() == [
            ("file.bad_history_from", "warning")]
        assert con.execute("SELECT seq, opened, due, done FROM duties WHERE child = 'C1' AND duty = 'VISIT' "
                           "ORDER BY seq").fetchall() == [
            (1, date(2020, 4, 6), date(2020, 5, 18), date(2020, 4, 6)),
            (2, date(2020, 4, 6), date(2020, 5, 18), None)]


def test_rejected_import_changes_nothing(tmp_path):
    home = tmp_path / "home"
    first = _cli("import", _extracts(tmp_path / "good"), "--home", home, "--extract-date", "2021-03-31")
    assert first.exit_code == 0
    no_place = "\n".join(",".join(v for i, v in enumerate(line.split(",")) if i != 5)
                         for line in EPISODES.splitlines())  # PLACE (the 6th column) removed
    bad = _extracts(tmp_path / "bad", episodes=no_place)
    result = _cli("import", bad, "--home", home)
    assert result.exit_code == 1
    assert "table.missing_column" in result.stdout
    assert Home(home).current_id() == first.stdout.strip().splitlines()[-1]
    assert len(Home(home).snapshot_ids()) == 1


def test_failure_in_publish_step_keeps_previous_snapshot(tmp_path):
    home = Home(tmp_path / "home")
    src = _extracts(tmp_path / "in")
    published = run_import(home, [src]).snapshot_id
    with pytest.raises(RuntimeError, match="injected"):
        run_import(home, [src], _fail_before_publish=True)
    assert home.current_id() == published
    assert home.snapshot_ids() == [published]
    assert not list(home.building.glob("*.duckdb*"))
    with open_snapshot(home) as con:
        assert con.execute("SELECT count(*) FROM episodes").fetchone()[0] == 2


def test_the_import_lets_go_of_the_tables_it_moved_into_the_snapshot(tmp_path):
    # the derive and indicator stages must not hold every table twice (Polars and DuckDB); the
    # snapshot records which tables the extract held all the same: header, episodes (903), visits
    result = run_import(Home(tmp_path / "home"), [_extracts(tmp_path / "in")])
    assert result.published and result.validation.tables == {}
    with open_snapshot(Home(tmp_path / "home")) as con:
        present = con.execute("SELECT value FROM meta WHERE key = 'tables_present'").fetchone()[0]
        assert present == "episodes,header,visits"
        assert con.execute("SELECT count(*) FROM visits").fetchone()[0] == 2


def test_row_error_quarantines_or_rejects_with_strict(tmp_path):
    # C2's episode ends before it starts: a row error. C2 is quarantined (left out of periods);
    # with --strict the whole import is rejected.
    episodes = EPISODES.replace("C2,01/06/2020,S,V2,N4,U6,PR1,01/09/2020", "C2,01/06/2020,S,V2,N4,U6,PR1,01/05/2020")
    src = _extracts(tmp_path / "in", episodes=episodes)
    home = tmp_path / "home"
    strict = _cli("import", src, "--home", home, "--strict")
    assert strict.exit_code == 1
    assert Home(home).current_id() is None
    ok = _cli("import", src, "--home", home)
    assert ok.exit_code == 0
    with open_snapshot(Home(home)) as con:
        assert con.execute("SELECT child, codes FROM quarantine").fetchall() == [("C2", "date.dec_before_decom")]
        assert con.execute("SELECT list(child) FROM periods").fetchone()[0] == ["C1"]
        assert con.execute("SELECT value FROM meta WHERE key = 'quarantined_children'").fetchone()[0] == "1"


def test_validate_reports_findings_and_exit_codes(tmp_path):
    src = _extracts(tmp_path / "in")
    (src / "visits.csv").write_text("CHILD,VISIT_DATE\nC1,31/02/2021\n")
    result = _cli("validate", src, "--format", "json")
    assert result.exit_code == 0  # a row error quarantines; it does not reject
    found = [(f["code"], f["file"], f["row"], f["column"], f["child"]) for f in json.loads(result.stdout)]
    assert ("value.bad_date", "visits.csv", 2, "VISIT_DATE", "C1") in found
    assert _cli("validate", src, "--strict").exit_code == 1
    (src / "visits.csv").write_bytes(b"\x00\x01\x02binary")
    assert _cli("validate", src).exit_code == 1


def test_usage_error_exits_2(tmp_path):
    assert _cli("import").exit_code == 2
    assert _cli("import", tmp_path, "--extract-date", "30/11/2021").exit_code == 2


def test_extract_date_defaults_to_latest_event_in_the_collection_year(tmp_path):
    # No manifest and no --extract-date. Latest events: C2's DEC 01/09/2020 and a visit on
    # 2020-06-05 — but a review typed as 2027 lies beyond the 2021 collection year (ends
    # 31/03/2021) and a DOB is no event, so the extract date is 01/09/2020.
    src = _extracts(tmp_path / "in")
    (src / "903" / "2021" / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/01/2010,06/10/2027,PN1\n")
    result = _cli("import", src, "--home", tmp_path / "home")
    assert result.exit_code == 0, result.output
    with open_snapshot(Home(tmp_path / "home")) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'extract_date'").fetchone()[0] == "2020-09-01"


# `carewatch due` and `carewatch kpis` print the DESIGN.md contract's keys in every format.
# With extract date 30/06/2020: C1's visits: placement start 01/04 + 7 days = due 08/04, met 06/04
# (on time); next due 06/04 + 6 weeks = 18/05/2020, never met: overdue on 30/06 by 13 + 30 = 43 days.


def _imported(tmp_path, allocations=None):
    home = tmp_path / "home"
    src = _extracts(tmp_path / "in", history_from="2020-04-01")
    if allocations:
        (src / "allocations.csv").write_text(allocations)
    result = _cli("import", src, "--home", home, "--extract-date", "2020-06-30")
    assert result.exit_code == 0, result.output
    return home


def test_due_json_csv_and_text(tmp_path):
    # C1 is North/Ann's until 31/05/2020 and nobody's since: the overdue visit (due 18/05, when C1
    # was North's) is unallocated on 30/06; the met one (due 08/04) stays North's.
    home = _imported(tmp_path, "CHILD,TEAM,WORKER,START,END\nC1,North,Ann,2020-04-01,2020-05-31\n")
    rows = json.loads(_cli("due", "--home", home, "--duty", "VISIT", "--child", "C1", "--status", "all",
                           "--format", "json").stdout)
    assert list(rows[0])[:10] == ["child", "duty", "due", "done", "status", "team", "worker", "allocated",
                                  "days_overdue", "days_left"]
    assert [(r["due"], r["done"], r["status"], r["team"], r["allocated"], r["days_overdue"], r["days_left"])
            for r in rows] == [("2020-05-18", None, "overdue", None, False, 43, None),
                               ("2020-04-08", "2020-04-06", "done_on_time", "North", False, None, None)]
    table = list(csv.DictReader(io.StringIO(_cli("due", "--home", home, "--duty", "VISIT", "--child", "C1",
                                                 "--format", "csv").stdout)))
    assert [(r["due"], r["status"], r["days_overdue"], r["allocated"]) for r in table] == [
        ("2020-05-18", "overdue", "43", "false")]
    text = _cli("due", "--home", home, "--duty", "VISIT", "--child", "C1").stdout
    assert "43 days overdue" in text and "Team: unallocated" in text
    # --unallocated keeps it, --worker ann (any case) does not: Ann's allocation ended 31/05
    def listed(*options):
        return [r["due"] for r in json.loads(_cli("due", "--home", home, "--duty", "VISIT", *options,
                                                  "--format", "json").stdout)]
    assert listed("--unallocated") == ["2020-05-18"]
    assert listed("--worker", "ann") == []
    assert listed("--worker", "ann", "--status", "all") == ["2020-04-08"]
    # --due-within: C1's next visit is overdue, not due; C2 left on 01/09, but its visit chain (visit
    # 05/06 + 6 weeks = 17/07) is upcoming on 30/06 (17 days left)
    assert listed("--due-within", "16", "--status", "all") == []
    assert listed("--due-within", "17", "--status", "all") == ["2020-07-17"]


def test_kpis_json_keys_and_integer_counts(tmp_path):
    home = _imported(tmp_path)
    rows = json.loads(_cli("kpis", "--home", home, "--id", "cla_count", "--format", "json").stdout)
    assert list(rows[0]) == ["id", "period_end", "numerator", "denominator", "value", "unit", "target", "rag",
                             "month_to_date"]
    # looked after at 30/06/2020: C1 and C2 (C2 from 01/06/2020 to 01/09/2020)
    last = rows[-1]
    assert (last["period_end"], last["value"], last["numerator"]) == ("2020-06-30", 2, None)
    assert isinstance(last["value"], int)
    # the extract date (30/06/2020) falls in June: June is the month to date, May is complete
    assert (last["month_to_date"], rows[-2]["period_end"], rows[-2]["month_to_date"]) == (True, "2020-05-31", False)


def test_kpis_children_lists_the_rows_behind_the_figures(tmp_path):
    home = _imported(tmp_path)
    # cla_count on 30/06/2020 is 2: the rows are C1 and C2, each counted, with their codes as keys
    rows = json.loads(_cli("kpis", "--children", "--home", home, "--id", "cla_count", "--period-end", "2020-06-30",
                           "--format", "json").stdout)
    assert [(r["id"], r["period_end"], r["basis"], r["key"], r["counted"], r["legal_status"]) for r in rows] == [
        ("cla_count", "2020-06-30", "children", "C1", True, "C2"), ("cla_count", "2020-06-30", "children", "C2", True, "V2")]
    # every indicator at once: the deciding fields in one JSON column, since they differ by indicator
    table = list(csv.DictReader(io.StringIO(_cli("kpis", "--children", "--home", home, "--period-end", "2020-06-30",
                                                 "--format", "csv").stdout)))
    assert list(table[0]) == ["id", "period_end", "basis", "key", "counted", "fields"]
    cla = [r for r in table if r["id"] == "cla_count"]
    assert [json.loads(r["fields"])["place"] for r in cla] == ["U4", "U6"]
    # a derived figure says it has none
    derived = _cli("kpis", "--children", "--home", home, "--id", "nts_threshold", "--format", "csv")
    assert derived.exit_code == 0 and "basis 'none'" in derived.output


def _words(output: str) -> str:
    """A usage error's text without the box it is drawn in."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())


def test_as_of_date_outside_the_snapshot_is_a_usage_error(tmp_path):
    home = _imported(tmp_path)
    # the history is the 2021 collection year from 1 April 2020; the extract date is the latest event
    extract = json.loads(_cli("kpis", "--home", home, "--id", "cla_count", "--format", "json").stdout)[-1]["period_end"]
    for command in (["due"], ["kpis"], ["report", "--out", tmp_path / "report"], ["kpis", "--children"]):
        after = _cli(*command, "--home", home, "--as-of", "2030-01-01")
        assert after.exit_code == 2, command
        assert "is after this snapshot's extract date" in _words(after.output)
        before = _cli(*command, "--home", home, "--as-of", "2020-03-31")
        assert before.exit_code == 2, command
        assert "before the start of this snapshot's history (1 April 2020)" in _words(before.output), command
        if command[0] != "report":  # (a report takes a while to write; its dates are the same check)
            assert _cli(*command, "--home", home, "--as-of", extract).exit_code == 0, command


def test_episode_without_child_is_an_error_and_counted_nowhere(tmp_path):
    # A third episode row with a blank CHILD: value.missing (no child to quarantine), and it must
    # not become a period of care of its own: still 2 periods, 2 looked after on 30/06/2020.
    episodes = EPISODES + ",01/06/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"
    home = tmp_path / "home"
    assert _cli("import", _extracts(tmp_path / "in", episodes=episodes), "--home", home,
                "--extract-date", "2020-06-30").exit_code == 0
    with open_snapshot(Home(home)) as con:
        assert con.execute("SELECT code, \"column\" FROM findings WHERE severity = 'error'").fetchall() == [
            ("value.missing", "CHILD")]
        assert con.execute("SELECT count(*) FROM periods").fetchone()[0] == 2
        assert con.execute("SELECT value FROM kpi_values WHERE id = 'cla_count' AND period_end = DATE '2020-06-30'"
                           ).fetchone()[0] == 2
