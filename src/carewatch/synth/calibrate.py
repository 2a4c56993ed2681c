"""Simple versions of the figures the demo authority is calibrated to, computed with DuckDB from
the files a synthetic run wrote (not from the simulation's own arrays), so the table in
docs/synth.md says what an import will see. The indicator engine recomputes them properly
(`carewatch kpis`); these are deliberately plain.

    uv run python -m carewatch.synth.calibrate OUT_DIR
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from carewatch.calendar import calendar_frame, month_end

# (measure, period) -> target: DfE published figures for council 938 and the seed report
# (KPIS.md "seed" column); a range is (low, high)
DEMO_TARGETS: dict[tuple[str, str], object] = {
    ("cla", "2018-03-31"): 665, ("cla", "2020-03-31"): 806, ("cla", "2021-03-31"): 891,
    ("cla", "2021-10-31"): 865,
    ("starts", "2020"): 457, ("starts", "2021"): 456, ("ceased", "2020"): 357, ("ceased", "2021"): 387,
    ("visits_on_time_pct", "2021-10"): 89, ("visits_on_time_pct", "2021-11"): 93,
    ("permanence_plan_by_second_review_pct", "2020-08-31"): 89,
    ("permanence_plan_by_second_review_pct", "2021-10-31"): 98,
    ("children_in_permanent_placement", "2020-02-29"): 108,
    ("children_in_permanent_placement", "2021-11-30"): 245,
    ("uasc", "2021-11-30"): 90,
    ("momo_uses", "2018"): 127, ("momo_uses", "2019"): 417, ("momo_uses", "2020"): 677,
    ("population_0_17", "2021"): 173_873,
    ("foster_utilisation_pct", "2021-11-30"): 75,
}
# (November 2021 is left out: few of its periods reach their due date by the 30 November extract)
DEMO_TARGETS |= {("iha_within_20wd_pct", f"2021-{m:02d}"): (20, 59) for m in range(1, 11)}


def _connect(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("calendar_df", calendar_frame(date(2010, 1, 1), date(2030, 12, 31)).to_arrow())
    con.execute("CREATE TABLE calendar AS SELECT * FROM calendar_df")
    years = sorted(p.name for p in (out / "903").iterdir() if p.is_dir())

    def year_files(table: str) -> str:
        paths = [str(out / "903" / y / f"{table}.csv") for y in years if (out / "903" / y / f"{table}.csv").exists()]
        return "[" + ", ".join(f"'{p}'" for p in paths) + "]"

    dmy = "strptime(nullif({0}, ''), '%d/%m/%Y')::DATE"
    # the same episode appears in every year it was open; the latest year knows most (its DEC)
    con.execute(f"""
        CREATE TABLE episodes AS
        SELECT child, {dmy.format('decom')} AS decom, rne, ls, place, {dmy.format('dec')} AS dec, rec
        FROM (SELECT *, row_number() OVER (PARTITION BY child, decom ORDER BY year DESC) AS newest
              FROM (SELECT *, regexp_extract(filename, '/903/([0-9]+)/', 1)::INT AS year
                    FROM read_csv({year_files('episodes')}, all_varchar=true, filename=true,
                                  union_by_name=true)))
        WHERE newest = 1""")
    con.execute(f"""
        CREATE TABLE uasc AS SELECT DISTINCT child, {dmy.format('duc')} AS duc
        FROM read_csv({year_files('uasc')}, all_varchar=true, union_by_name=true)""")
    con.execute(f"""
        CREATE TABLE reviews AS SELECT DISTINCT child, {dmy.format('review')} AS review
        FROM read_csv({year_files('reviews')}, all_varchar=true, union_by_name=true)""")
    local = out / "local"
    # columns typed explicitly: a column with no value at all would otherwise be read as text
    typed = {"visits": {"VISIT_DATE": "DATE"}, "health_assessments": {"REQUESTED": "DATE", "COMPLETED": "DATE"},
             "permanence_plans": {"AGREED": "DATE", "CONFIRMED": "DATE"},
             "participation": {"EVENT_DATE": "DATE", "COUNT": "BIGINT"}, "population": {"AGE_0_17": "BIGINT"},
             "foster_households": {"APPROVED": "DATE", "DEREGISTERED": "DATE"},
             "foster_placements": {"START": "DATE", "END": "DATE"}}
    for table, types in typed.items():
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{local / (table + '.csv')}', header=true, "
                    f"types={types!r})")
    # periods of care: a new one starts at each RNE = S episode
    con.execute("""
        CREATE TABLE periods AS
        WITH numbered AS (
            SELECT *, sum(CASE WHEN rne = 'S' THEN 1 ELSE 0 END) OVER (PARTITION BY child ORDER BY decom) AS period
            FROM episodes WHERE ls NOT IN ('V3', 'V4'))
        SELECT child, period, min(decom) AS start_date,
               max(CASE WHEN rec IS NOT NULL AND rec <> 'X1' THEN dec END) AS end_date
        FROM numbered GROUP BY child, period""")
    return con


def looked_after(con: duckdb.DuckDBPyConnection, on: date) -> int:
    return con.execute("""
        SELECT count(DISTINCT child) FROM episodes
        WHERE decom <= $d AND (dec IS NULL OR dec > $d) AND ls NOT IN ('V3', 'V4')""", {"d": on}).fetchone()[0]


def starts_and_ceased(con: duckdb.DuckDBPyConnection, year: int) -> tuple[int, int]:
    """Children starting / ceasing in the collection year ending 31 March ``year``."""
    window = {"a": date(year - 1, 4, 1), "b": date(year, 3, 31)}
    starts = con.execute("SELECT count(DISTINCT child) FROM periods WHERE start_date BETWEEN $a AND $b", window).fetchone()[0]
    ceased = con.execute("SELECT count(DISTINCT child) FROM periods WHERE end_date BETWEEN $a AND $b", window).fetchone()[0]
    return starts, ceased


def _pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def iha_within_20wd(con: duckdb.DuckDBPyConnection, month_start: date, month_end: date, as_of: date) -> float | None:
    """Periods starting in the month whose due date (start + 20 working days, carewatch.calendar)
    has passed by ``as_of``, still looked after on it: those with an IHA completed on or after the
    start and by that date."""
    n, d = con.execute("""
        WITH due AS (
            SELECT p.child, p.start_date, p.end_date, c2.date AS due
            FROM periods p JOIN calendar c1 ON c1.date = p.start_date
            JOIN calendar c2 ON c2.is_working_day AND c2.wd_seq = c1.wd_seq + 20
            WHERE p.start_date BETWEEN $a AND $b)
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM health_assessments h WHERE h.CHILD = due.child AND h.TYPE = 'IHA'
                   AND h.COMPLETED >= due.start_date AND h.COMPLETED <= due.due)),
               count(*)
        FROM due WHERE (end_date IS NULL OR end_date > due) AND due <= $asof""",
                       {"a": month_start, "b": month_end, "asof": as_of}).fetchone()
    return _pct(n, d)


def visits_on_time(con: duckdb.DuckDBPyConnection, month_start: date, month_end: date,
                   virtual_to: date = date(2021, 9, 30)) -> float | None:
    """Simple visit timeliness: each counted visit (child seen; virtual ones only up to
    ``virtual_to``) makes the next one due 6 weeks later (3 months in a U1/U4 placement at the same
    address for a year);
    of the visits falling due in the month, those met by the next counted visit in time. A child
    who left care before the due date owes nothing."""
    n, d = con.execute("""
        WITH counted AS (
            SELECT v.CHILD AS child, v.VISIT_DATE AS visit_date,
                   coalesce(v.SEEN, 'Y') = 'Y' AND (coalesce(v.VIRTUAL, 'N') = 'N' OR v.VISIT_DATE <= $vt) AS counts
            FROM visits v),
        chain AS (
            SELECT c.child, c.visit_date,
                   lead(c.visit_date) OVER (PARTITION BY c.child ORDER BY c.visit_date) AS next_visit
            FROM counted c WHERE counts),
        due AS (
            SELECT ch.*, ch.visit_date + CASE WHEN e.place IN ('U1', 'U4') AND (
                       SELECT max(p.decom) FROM episodes p WHERE p.child = ch.child
                       AND p.rne IN ('S', 'P', 'B', 'T', 'U') AND p.decom <= ch.visit_date) <= ch.visit_date - 365
                   THEN 91 ELSE 42 END AS due
            FROM chain ch JOIN episodes e ON e.child = ch.child AND e.decom <= ch.visit_date
                 AND (e.dec IS NULL OR e.dec > ch.visit_date))
        SELECT count(*) FILTER (WHERE next_visit <= due), count(*)
        FROM due
        WHERE due BETWEEN $a AND $b
          AND EXISTS (SELECT 1 FROM episodes e WHERE e.child = due.child AND e.decom <= due.due
                      AND (e.dec IS NULL OR e.dec > due.due))""",
                       {"a": month_start, "b": month_end, "vt": virtual_to}).fetchone()
    return _pct(n, d)


def permanence_by_second_review(con: duckdb.DuckDBPyConnection, on: date) -> float | None:
    """Of children looked after at ``on`` whose current period has had its second review: those with
    a permanence plan agreed in the period by that review. Where the period began before the
    earliest year in the files (no RNE = S episode seen) any plan agreed by the review counts."""
    n, d = con.execute("""
        WITH current AS (
            SELECT * FROM periods WHERE start_date <= $d AND (end_date IS NULL OR end_date > $d)),
        second AS (
            SELECT c.child, c.period, c.start_date, r.review
            FROM current c JOIN reviews r ON r.child = c.child AND r.review >= c.start_date AND r.review <= $d
            QUALIFY row_number() OVER (PARTITION BY c.child ORDER BY r.review) = 2)
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM permanence_plans p WHERE p.CHILD = s.child
                   AND (p.AGREED >= s.start_date OR s.period = 0) AND p.AGREED <= s.review)),
               count(*)
        FROM second s""", {"d": on}).fetchone()
    return _pct(n, d)


def children_in_permanent_placement(con: duckdb.DuckDBPyConnection, on: date) -> int:
    return con.execute("""
        SELECT count(DISTINCT p.CHILD) FROM permanence_plans p
        JOIN episodes e ON e.child = p.CHILD AND e.decom <= $d AND (e.dec IS NULL OR e.dec > $d)
        WHERE p.CONFIRMED <= $d
          AND NOT EXISTS (SELECT 1 FROM episodes m WHERE m.child = p.CHILD AND m.rne IN ('P', 'B')
                          AND m.decom > p.CONFIRMED AND m.decom <= $d)""", {"d": on}).fetchone()[0]


def uasc_looked_after(con: duckdb.DuckDBPyConnection, on: date) -> int:
    return con.execute("""
        SELECT count(DISTINCT e.child) FROM episodes e JOIN uasc u ON u.child = e.child
        WHERE e.decom <= $d AND (e.dec IS NULL OR e.dec > $d) AND (u.duc IS NULL OR u.duc > $d)""",
                       {"d": on}).fetchone()[0]


def momo_uses(con: duckdb.DuckDBPyConnection, year: int) -> int:
    return con.execute("""
        SELECT coalesce(sum(coalesce(COUNT, 1)), 0) FROM participation
        WHERE CHANNEL = 'MOMO' AND year(EVENT_DATE) = $y""", {"y": year}).fetchone()[0]


def foster_utilisation(con: duckdb.DuckDBPyConnection, on: date) -> float | None:
    """Of households approved throughout the 12 months to ``on``: those with a child placed on at
    least 75% of its days."""
    n, d = con.execute("""
        WITH h AS (
            SELECT HOUSEHOLD FROM foster_households
            WHERE APPROVED <= $d - INTERVAL 1 YEAR AND (DEREGISTERED IS NULL OR DEREGISTERED > $d)),
        days AS (SELECT unnest(generate_series($d - INTERVAL 1 YEAR + INTERVAL 1 DAY, $d::TIMESTAMP,
                                               INTERVAL 1 DAY))::DATE AS day),
        used AS (
            SELECT h.HOUSEHOLD, count(DISTINCT days.day) AS used_days
            FROM h JOIN foster_placements f ON f.HOUSEHOLD = h.HOUSEHOLD
            JOIN days ON days.day >= f."START" AND (f."END" IS NULL OR days.day < f."END")
            GROUP BY h.HOUSEHOLD)
        SELECT count(*) FILTER (WHERE coalesce(used.used_days, 0) >= 0.75 * 365), count(*)
        FROM h LEFT JOIN used USING (HOUSEHOLD)""", {"d": on}).fetchone()
    return _pct(n, d)


def calibration_table(out_dir: Path, targets: dict[tuple[str, str], object] | None = None) -> list[dict]:
    """Rows of measure, period, target, value for a generated council (demo targets by default)."""
    con = _connect(Path(out_dir))
    as_of = date.fromisoformat(json.loads((Path(out_dir) / "manifest.json").read_text())["extract_date"])
    targets = DEMO_TARGETS if targets is None else targets
    rows = []
    for (measure, period), target in targets.items():
        if measure == "cla":
            value = looked_after(con, date.fromisoformat(period))
        elif measure in ("starts", "ceased"):
            value = starts_and_ceased(con, int(period))[0 if measure == "starts" else 1]
        elif measure in ("iha_within_20wd_pct", "visits_on_time_pct"):
            first = date.fromisoformat(period + "-01")
            last = month_end(first)
            value = (iha_within_20wd(con, first, last, as_of) if measure.startswith("iha")
                     else visits_on_time(con, first, last))
        elif measure == "permanence_plan_by_second_review_pct":
            value = permanence_by_second_review(con, date.fromisoformat(period))
        elif measure == "children_in_permanent_placement":
            value = children_in_permanent_placement(con, date.fromisoformat(period))
        elif measure == "uasc":
            value = uasc_looked_after(con, date.fromisoformat(period))
        elif measure == "momo_uses":
            value = momo_uses(con, int(period))
        elif measure == "population_0_17":
            value = con.execute("SELECT sum(AGE_0_17) FROM population WHERE YEAR = $y", {"y": int(period)}).fetchone()[0]
        elif measure == "foster_utilisation_pct":
            value = foster_utilisation(con, date.fromisoformat(period))
        else:
            raise ValueError(f"unknown measure {measure}")
        rows.append({"measure": measure, "period": period, "target": target, "value": value})
    return rows


if __name__ == "__main__":
    for row in calibration_table(Path(sys.argv[1])):
        target = row["target"]
        shown = f"{target[0]}–{target[1]}" if isinstance(target, tuple) else target
        print(f"| {row['measure']} | {row['period']} | {shown} | {row['value']} |")
