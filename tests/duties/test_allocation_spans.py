"""The owner spans (duties.common.allocation_spans_sql): each child's allocations cut into the spans
over which the owner cannot change, one row per distinct span day, the last span open ('infinity')."""
from datetime import date as d

import duckdb

from carewatch.duties.common import allocation_spans_sql


def test_spans_start_on_each_distinct_start_and_day_after_an_end_and_run_to_the_next():
    """A: North/Ann 1-31 Jan; South/Sam from 1 Feb (the day after Ann's end: one span day, not two);
       East/Eve 1 Mar-10 Mar (starts inside Sam's: the later start owns it), ending 10 Mar, so Sam's
       again from 11 Mar, open. Span days 1 Jan, 1 Feb, 1 Mar, 11 Mar.
    B: West/Wyn 5-9 Jan twice (the same days twice count once), then nobody from 10 Jan: days 5 Jan,
       10 Jan (team and worker null, open)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE allocations (child VARCHAR, team VARCHAR, worker VARCHAR, start_date DATE, "
                "end_date DATE, _file VARCHAR, _row BIGINT)")
    con.executemany("INSERT INTO allocations VALUES (?, ?, ?, ?, ?, 'a.csv', ?)", [
        ("A", "North", "Ann", d(2021, 1, 1), d(2021, 1, 31), 1),
        ("A", "South", "Sam", d(2021, 2, 1), None, 2),
        ("A", "East", "Eve", d(2021, 3, 1), d(2021, 3, 10), 3),
        ("B", "West", "Wyn", d(2021, 1, 5), d(2021, 1, 9), 4),
        ("B", "West", "Wyn", d(2021, 1, 5), d(2021, 1, 9), 5),
    ])
    rows = con.execute(f"SELECT * FROM ({allocation_spans_sql()}) ORDER BY child, day").fetchall()
    infinity = con.execute("SELECT DATE 'infinity'").fetchone()[0]
    assert rows == [
        ("A", d(2021, 1, 1), d(2021, 2, 1), "North", "Ann"),
        ("A", d(2021, 2, 1), d(2021, 3, 1), "South", "Sam"),
        ("A", d(2021, 3, 1), d(2021, 3, 11), "East", "Eve"),
        ("A", d(2021, 3, 11), infinity, "South", "Sam"),
        ("B", d(2021, 1, 5), d(2021, 1, 10), "West", "Wyn"),
        ("B", d(2021, 1, 10), infinity, None, None),
    ]
