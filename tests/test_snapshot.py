"""Snapshots are built aside and published atomically; a failed or killed build changes nothing."""
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date

import duckdb
import polars as pl
import pytest

from carewatch.snapshot import Home, NoSnapshot, SnapshotBuilder, open_snapshot, read_meta, register


def _publish(home: Home, snapshot_id: str, children: list[str]) -> None:
    builder = SnapshotBuilder(home, snapshot_id)
    builder.insert("header", pl.DataFrame({"child": children, "sex": ["1"] * len(children)}))
    builder.set_meta({"snapshot_id": snapshot_id, "extract_date": "2021-11-30", "created": "now"})
    builder.publish()


def test_publish_then_read(tmp_path):
    home = Home(tmp_path)
    with pytest.raises(NoSnapshot):
        open_snapshot(home)
    _publish(home, "s1", ["A", "B"])
    con = open_snapshot(home)
    assert read_meta(con)["extract_date"] == "2021-11-30"
    assert con.execute("SELECT count(*) FROM header").fetchone()[0] == 2
    # the working-day calendar is in every snapshot
    assert con.execute("SELECT count(*) FROM calendar WHERE date = DATE '2022-09-19' AND NOT is_working_day").fetchone()[0] == 1
    con.close()
    assert [r["id"] for r in register(home)] == ["s1"]
    assert register(home)[0]["published"] is True


def test_failure_before_publish_leaves_previous_snapshot(tmp_path):
    home = Home(tmp_path)
    _publish(home, "s1", ["A"])
    builder = SnapshotBuilder(home, "s2")
    builder.insert("header", pl.DataFrame({"child": ["X", "Y", "Z"]}))
    builder.abandon()  # what run_import does when a step raises
    assert home.current_id() == "s1"
    assert home.snapshot_ids() == ["s1"]
    with open_snapshot(home) as con:
        assert con.execute("SELECT count(*) FROM header").fetchone()[0] == 1


def test_killed_build_leaves_previous_snapshot(tmp_path):
    home = Home(tmp_path)
    _publish(home, "s1", ["A"])
    script = textwrap.dedent(f"""
        import sys, time, polars as pl
        from pathlib import Path
        from carewatch.snapshot import Home, SnapshotBuilder
        b = SnapshotBuilder(Home(Path({str(tmp_path)!r})), "s2")
        b.insert("header", pl.DataFrame({{"child": ["X"] * 1000}}))
        print("building", flush=True)
        time.sleep(60)
        b.publish()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "building"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert home.current_id() == "s1"
    assert list(home.building.glob("s2.*duckdb*"))  # the half-built file is left behind…
    with open_snapshot(home) as con:
        assert con.execute("SELECT count(*) FROM header").fetchone()[0] == 1
    _publish(home, "s3", ["A", "B", "C"])  # …and cleaned up by the next build
    assert not list(home.building.glob("s2.*duckdb*"))
    assert home.current_id() == "s3"
    assert [r["id"] for r in register(home)] == ["s3", "s1"]


def test_home_is_private_to_its_owner(tmp_path):
    # Issue 13, failure 7: snapshots and the app DB (which holds the audit log) were created
    # world-readable (0644) in a 0755 home. Now the home and its folders are 0700, its files 0600.
    import stat

    from carewatch.snapshot import import_lock

    home = Home(tmp_path / "home")
    with import_lock(home):
        _publish(home, "s1", ["A"])
    mode = {p.relative_to(home.root).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in [home.root, *home.root.rglob("*")]}
    assert mode == {".": 0o700, "snapshots": 0o700, "building": 0o700, "snapshots/s1.duckdb": 0o600,
                    "register.json": 0o600, "current": 0o600, "import.lock": 0o600}
    # the dashboard's app DB, created by `carewatch user add` / `serve` (setup_django)
    env = {k: v for k, v in os.environ.items() if k not in ("CAREWATCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["CAREWATCH_SECRET_KEY"] = "test-only-secret-key-not-for-use-anywhere-else-0123456789"
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from carewatch.web.cli import "
                    "setup_django; setup_django(Path(sys.argv[1]))", str(home.root)], env=env, check=True)
    assert stat.S_IMODE((home.root / "carewatch.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700


def test_the_builder_keeps_within_the_memory_limit_and_spills_in_building(tmp_path):
    home = Home(tmp_path / "home")
    bounded = SnapshotBuilder(home, "s1", memory_limit_mb=512)
    limit, spill = bounded.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    assert limit == "512.0 MiB"
    assert spill == str(bounded.path) + ".tmp" and bounded.path.parent == home.building
    bounded.abandon()
    assert list(home.building.iterdir()) == []


def _builder_settings(tmp_path, monkeypatch) -> list[tuple[str, int]]:
    """The import's builder's DuckDB memory limit and threads, importing the small test extracts."""
    import carewatch.importer as importer

    seen = []
    real = importer.SnapshotBuilder

    def recording(home, snapshot_id, memory_limit_mb=0, threads=0):
        builder = real(home, snapshot_id, memory_limit_mb, threads)
        seen.append((*builder.con.execute("SELECT current_setting('memory_limit'), current_setting('threads')")
                     .fetchone(), threads))  # the setting in force and what the importer asked for
        return builder

    monkeypatch.setattr(importer, "SnapshotBuilder", recording)
    from test_import import _extracts
    result = importer.run_import(Home(tmp_path / "home"), [_extracts(tmp_path / "in", history_from="2020-04-01")],
                                 extract_date=date(2021, 3, 31))
    assert result.published
    return seen


def test_an_import_bounds_duckdb_to_3_gb_by_default(tmp_path, monkeypatch):
    # the import builds with the setting's limit: 3,072 MB unless carewatch.toml says otherwise
    # (a national import then peaks at 3.8 GB: docs/benchmarks.md); a small one on one thread
    from carewatch import settings

    assert settings.DEFAULT.import_memory_limit_mb == 3072
    assert _builder_settings(tmp_path, monkeypatch) == [("3.0 GiB", 1, 1)]


def test_an_import_of_a_million_rows_or_more_uses_every_core(tmp_path, monkeypatch):
    # as if the test extracts' few rows were past the size where one thread is enough
    import carewatch.importer as importer

    monkeypatch.setattr(importer, "SMALL_IMPORT_ROWS", 1)
    every_core = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    assert _builder_settings(tmp_path, monkeypatch) == [("3.0 GiB", every_core, 0)]


def test_insert_matches_columns_by_name_and_keeps_a_column_of_nulls_only(tmp_path):
    # DuckDB reads the frame as an Arrow C stream; a column Polars types Null (every value None)
    # is refused by DuckDB as an Arrow null array, so it goes as text and lands as SQL NULLs
    builder = SnapshotBuilder(Home(tmp_path), "s1")
    builder.insert("allocations", pl.DataFrame({
        "worker": ["Ann", "Bob"], "child": ["C1", "C2"], "team": ["North", None],
        "start_date": [date(2020, 1, 10), date(2021, 10, 1)], "end_date": [None, None]}))
    rows = builder.con.execute(
        "SELECT child, team, worker, start_date, end_date FROM allocations ORDER BY child").fetchall()
    builder.abandon()
    assert rows == [("C1", "North", "Ann", date(2020, 1, 10), None), ("C2", None, "Bob", date(2021, 10, 1), None)]


def test_insert_all_moves_every_table_in_its_row_order_and_lets_each_frame_go(tmp_path):
    # three tables over two workers: each table's rows land in the frame's order (one Arrow
    # stream per table), an empty frame inserts nothing, and the dict is emptied as DuckDB takes them
    builder = SnapshotBuilder(Home(tmp_path), "s1")
    visits = pl.DataFrame({"child": ["C3", "C1", "C2"], "visit_date": [date(2024, 1, d) for d in (3, 1, 2)],
                           "_row": [1, 2, 3]})
    contacts = pl.DataFrame({"child": ["C9"], "contact_date": [date(2023, 5, 4)]})
    tables = {"visits": visits, "contacts": contacts, "adopters": pl.DataFrame()}
    builder.insert_all(tables)
    assert tables == {}
    got = builder.con.execute("SELECT child, visit_date, _row FROM visits ORDER BY rowid").fetchall()
    contacts_rows = builder.con.execute("SELECT child, contact_date FROM contacts").fetchall()
    adopters = builder.con.execute("SELECT count(*) FROM adopters").fetchone()[0]
    builder.abandon()
    assert got == [("C3", date(2024, 1, 3), 1), ("C1", date(2024, 1, 1), 2), ("C2", date(2024, 1, 2), 3)]
    assert contacts_rows == [("C9", date(2023, 5, 4))]
    assert adopters == 0
