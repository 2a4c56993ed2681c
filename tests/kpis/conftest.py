"""Tiny hand-made snapshots for indicator tests: an in-memory DuckDB with the canonical schema."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib.resources import files

import duckdb
import pytest

from carewatch.calendar import calendar_frame
from carewatch.derive import derive_periods_and_placements
from carewatch.kpis import compute_all
from carewatch.kpis.engine import kpi_rows
from carewatch.settings import DEFAULT, Settings


@lru_cache(maxsize=1)
def _calendar():
    return calendar_frame(date(2014, 1, 1), date(2026, 12, 31))


class Snap:
    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute(files("carewatch").joinpath("schema.sql").read_text())
        cal = _calendar()  # noqa: F841 - read by DuckDB's replacement scan
        self.con.execute("INSERT INTO calendar SELECT * FROM cal")
        self.tables: set[str] = {"header", "episodes"}

    def add(self, table: str, *rows: dict) -> Snap:
        """Insert rows given as dicts (missing columns NULL) and mark the table as imported."""
        for row in rows:
            cols = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            self.con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
        if table not in {"periods", "placements", "visit_placements", "duties", "quarantine"}:
            self.tables.add(table)
        return self

    def child(self, child: str, start: date, end: date | None = None, *, rec: str | None = None,
              ls: str = "C2", place: str = "U4", dob: date = date(2010, 1, 1), period_id: int = 1,
              short_breaks: bool = False, year: int = 2021, header: bool = True) -> Snap:
        """A child with one period of care made of one episode and one placement."""
        if header:
            self.add("header", {"child": child, "dob": dob, "year": year})
        self.add("episodes", {"child": child, "decom": start, "rne": "S", "ls": ls, "place": place,
                              "dec": end, "rec": rec, "year": year})
        self.add("periods", {"child": child, "period_id": period_id, "start_date": start, "end_date": end,
                             "end_rec": rec, "short_breaks": short_breaks, "first_ls": ls, "episodes": 1})
        self.add("placements", {"child": child, "placement_id": 1, "period_id": period_id,
                                "start_date": start, "end_date": end, "place": place, "first_place": place})
        return self

    def episodes(self, child: str, *rows: tuple, end: date | None = None, rec: str | None = None,
                 dob: date = date(2010, 1, 1), header: bool = True, year: int = 2021) -> Snap:
        """One period of care from episode rows (DECOM, RNE, LS, PLACE, PL_POST), each ending on the day
        the next begins (REC X1); the last ends on ``end`` with ``rec`` (open when None). Periods and
        placements come from carewatch.derive: call ``derive()`` once every child is added."""
        if header:
            self.add("header", {"child": child, "dob": dob, "year": year})
        for i, (decom, rne, ls, place, post) in enumerate(rows):
            last = i == len(rows) - 1
            self.add("episodes", {"child": child, "decom": decom, "rne": rne, "ls": ls, "place": place,
                                  "pl_post": post, "dec": end if last else rows[i + 1][0],
                                  "rec": rec if last else "X1", "year": year})
        return self

    def derive(self) -> Snap:
        derive_periods_and_placements(self.con)
        return self

    def duty(self, duty: str, child: str, opened: date, due: date, done: date | None = None,
             closed: date | None = None, period_id: int = 1, seq: int = 1) -> Snap:
        return self.add("duties", {"child": child, "duty": duty, "seq": seq, "period_id": period_id,
                                   "opened": opened, "due": due, "done": done, "closed": closed})

    def run(self, kpi_id: str, extract: date, settings: Settings = DEFAULT,
            tables: set[str] | None = None) -> dict[date, tuple]:
        """Compute one indicator; {period_end: (numerator, denominator, value, rag)}."""
        present = ",".join(sorted(self.tables if tables is None else tables))
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('tables_present', ?)", [present])
        compute_all(self.con, settings, extract, ids=[kpi_id])
        rows = self.con.execute(
            "SELECT period_end, numerator, denominator, value, rag FROM kpi_values WHERE id = ? ORDER BY 1",
            [kpi_id]).fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    def rows(self, kpi_id: str, extract: date, period_end: date, tables: set[str] | None = None) -> dict[str, dict]:
        """The rows behind one indicator's figure on one date: {key: row without period_end and key}."""
        present = ",".join(sorted(self.tables if tables is None else tables))
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('tables_present', ?)", [present])
        frame = kpi_rows(self.con, extract, period_end=period_end, ids=[kpi_id])[kpi_id]
        assert frame["period_end"].unique().to_list() in ([period_end], [])
        return {r.pop("key"): r for r in frame.drop("period_end").iter_rows(named=True)}


@pytest.fixture
def snap() -> Snap:
    return Snap()


@pytest.fixture(scope="session")
def small_snapshot():
    """The `small` synthetic council imported and published (seed 3), read-only."""
    from carewatch.snapshot import open_snapshot
    from demo_council import imported

    con = open_snapshot(imported("small", 3))
    yield con
    con.close()
