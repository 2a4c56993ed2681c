"""Annex A inspection readiness, and reading an Annex A workbook back (docs/annex-a.md).

What a head of service checks before the inspectors do, on the lists ``carewatch.annexa`` builds:

- per list, the rows with a blank mandatory field (``MANDATORY``) and the dates not written as dates;
- the children in care on the as-of date (List 8 rows not ceased by then) with no social work visit
  in the last 6 weeks, no statutory review in the last 6 months, no health assessment in the last
  12 months, no allocated worker, read from List 8's own columns (what the inspectors will read);
- the List 8 figures that disagree with the dashboard's indicators on the as-of date (there should
  be none: List 8 and the indicators share their definitions).

The same rules read a workbook back (``check_workbook``): ``carewatch validate`` recognises an
Annex A workbook by its headings, however a council spells them, and reports findings with a code,
the file and sheet, the row, the column and a message. One function, ``readiness``, feeds both the
dashboard's Annex A page and ``carewatch annex-a --check``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from carewatch.annexa import LISTS, AnnexA
from carewatch.checks.findings import (Severity, concat_findings, define, empty_findings, findings_frame,
                                       findings_from_rows)

_ID = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth")

#: per list, the fields every row must have: those that say who the child is and the list's own
#: event (its date and what it was). Fields from optional tables or not held for every child
#: (disability: blank for a child in no CIN census; IRO contact, return interviews, personal adviser,
#: latest contact, family identifier) are not called mandatory here: a blank there is not an error.
#: Allocation is checked for the children in care below.
MANDATORY: dict[int, tuple[str, ...]] = {
    1: (*_ID, "Date of Contact", "Contact Source"),
    2: (*_ID, "Assessment start date", "Organisation completing assessment"),
    3: (*_ID, "Date of referral", "Referral Source", "Referral NFA?"),
    4: (*_ID, "Continuous Assessment Start Date"),
    5: (*_ID, "Strategy discussion initiating Section 47 Enquiry Start Date"),
    6: (*_ID, "CIN Start Date", "Primary Need Code", "Case Status"),
    7: (*_ID, "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse"),
    8: (*_ID, "Date Started to be Looked After", "Child's Category of Need", "Child's Legal Status",
        "Start date of current legal status", "Start Date of Most Recent Placement", "Placement Type"),
    9: (*_ID, "Eligibility Category", "LA in Touch", "Activity Status"),
    10: ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Date the Child Entered Care",
         "Date of Decision that Child Should be Placed for Adoption"),
    11: ("Individual adopter identifier", "Date enquiry received"),
}

#: the children-in-care checks: (id, what is wrong, List 8's column, how far back it must be)
IN_CARE_CHECKS = (
    ("no_visit_6_weeks", "No social work visit in the last 6 weeks", "Date of Last Social Work Visit", "6w"),
    ("no_review_6_months", "No statutory review in the last 6 months", "Date of Latest Statutory Review", "6mo"),
    ("no_health_12_months", "No health assessment in the last 12 months", "Date of Last Health Assessment", "12mo"),
    ("no_worker", "No allocated worker", "Allocated Worker", None),
)

#: the dashboard's indicators List 8 must agree with on the as-of date, and what List 8 says for each
INDICATORS = {
    "cla_count": "List 8 rows not ceased by the as-of date (children looked after on it)",
    "placements_3plus": "each child's \"Number of Placements in the Last 12 months\"",
    "uasc_count": "UASC = Y for every child the indicator counts",
}

BLANK = define("ANNEXA_BLANK_MANDATORY", "Annex A: a mandatory field is blank", Severity.ERROR,
               "{column} is blank; List {list} needs it on every row",
               remedy="Fill the field in the case-management system (or on the hand-made sheet) and "
                      "build Annex A again: Ofsted reads a blank as not recorded.")
BAD_DATE = define("ANNEXA_BAD_DATE", "Annex A: a date is not a date", Severity.ERROR,
                  "{column} '{value}' is not a date (DD/MM/YYYY)",
                  remedy="Enter the date as DD/MM/YYYY (or as a date cell) and validate the workbook again.")
NO_COLUMN = define("ANNEXA_MISSING_COLUMN", "Annex A: a mandatory column is missing", Severity.ERROR,
                   "List {list} has no '{column}' column (nor a spelling of it)",
                   remedy="Add the column with Ofsted's heading (docs/annex-a.md lists them in order) "
                          "and fill it on every row.")
UNKNOWN_LIST = define("ANNEXA_UNRECOGNISED_LIST", "Annex A: a list sheet not recognised", Severity.WARNING,
                      "sheet '{sheet}' is named as a list but its headings match none of Ofsted's lists",
                      remedy="Use Ofsted's headings for the list on the sheet's first row, or rename the "
                             "sheet if it is not one of the lists.")


def date_columns(number: int) -> tuple[str, ...]:
    """The list's date columns: every heading that names a date."""
    return tuple(h for h in LISTS[number].headings if "date" in h.lower())


def as_date(expr: pl.Expr) -> pl.Expr:
    """A cell as a date: DD/MM/YYYY text (as Annex A writes dates) or ISO (a workbook's date cell as
    read); anything else null."""
    text = expr.cast(pl.Utf8).str.strip_chars()
    return pl.coalesce(text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
                       text.str.strptime(pl.Date, "%Y-%m-%d", strict=False))


def _blank(column: str) -> pl.Expr:
    value = pl.col(column)
    return value.is_null() | (value.cast(pl.Utf8).str.strip_chars() == "")


def _with_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with ``_row``, the row number on its sheet (the headings are row 1), and ``_child``."""
    if "_row" not in frame.columns:
        frame = frame.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    key = next((c for c in ("Child Unique ID", "Individual adopter identifier") if c in frame.columns), None)
    return frame.with_columns((pl.col(key).cast(pl.Utf8) if key else pl.lit(None, pl.Utf8)).alias("_child"))


def row_problems(frames: dict[int, pl.DataFrame]) -> pl.DataFrame:
    """Every blank mandatory field and every date that is not a date, one row each: list, check
    ("blank" or "bad_date"), column, row (on the sheet), child, value."""
    parts = []
    for number, frame in frames.items():
        rows = _with_rows(frame)
        for column in MANDATORY[number]:
            if column in rows.columns:
                parts.append(rows.filter(_blank(column)).select(
                    pl.lit(number).alias("list"), pl.lit("blank").alias("check"), pl.lit(column).alias("column"),
                    pl.col("_row").alias("row"), pl.col("_child").alias("child"), pl.lit(None, pl.Utf8).alias("value")))
        for column in date_columns(number):
            if column in rows.columns and rows.schema[column] != pl.Date:
                parts.append(rows.filter(~_blank(column) & as_date(pl.col(column)).is_null()).select(
                    pl.lit(number).alias("list"), pl.lit("bad_date").alias("check"), pl.lit(column).alias("column"),
                    pl.col("_row").alias("row"), pl.col("_child").alias("child"),
                    pl.col(column).cast(pl.Utf8).alias("value")))
    schema = {"list": pl.Int32, "check": pl.Utf8, "column": pl.Utf8, "row": pl.Int64, "child": pl.Utf8,
              "value": pl.Utf8}
    parts = [p.cast(schema) for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _back(as_of: date, span: str) -> date:
    """The day before the span's first day: a date must be after it to be "in the last" span."""
    if span.endswith("w"):
        return as_of - timedelta(weeks=int(span[:-1]))
    return pl.Series([as_of]).dt.offset_by(f"-{span}")[0]


def in_care_gaps(list8: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The children in care on ``as_of`` (List 8 rows not ceased by then) failing each of
    ``IN_CARE_CHECKS``: check, child, team, worker, the date List 8 shows (blank: none), and the
    date they came into care. "In the last 6 weeks" is (D - 6 weeks, D], as "the last 12 months"."""
    ceased = as_date(pl.col("Date Ceased to be Looked After"))
    in_care = list8.filter(ceased.is_null() | (ceased > as_of))
    parts = []
    for check, _what, column, span in IN_CARE_CHECKS:
        if span is None:
            failing = _blank(column)
            shown = pl.lit(None, pl.Utf8)
        else:
            failing = as_date(pl.col(column)).is_null() | (as_date(pl.col(column)) <= _back(as_of, span))
            shown = pl.col(column).cast(pl.Utf8)
        parts.append(in_care.filter(failing).select(
            pl.lit(check).alias("check"), pl.col("Child Unique ID").cast(pl.Utf8).alias("child"),
            pl.col("Allocated Team").cast(pl.Utf8).alias("team"), pl.col("Allocated Worker").cast(pl.Utf8).alias("worker"),
            shown.alias("last"), pl.col("Date Started to be Looked After").cast(pl.Utf8).alias("in_care_since")))
    return pl.concat(parts)


def against_indicators(con: duckdb.DuckDBPyConnection, list8: pl.DataFrame, as_of: date,
                       extract_date: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """List 8 beside the dashboard's indicators on ``as_of`` (``INDICATORS``): per indicator the
    figure each gives and the children on which they differ, and those children (indicator, child,
    list8, dashboard: the value each gives, blank where the child is not in it)."""
    from carewatch.kpis import REGISTRY
    from carewatch.kpis.engine import kpi_rows

    ceased = as_date(pl.col("Date Ceased to be Looked After"))
    listed = list8.select(
        pl.col("Child Unique ID").cast(pl.Utf8).alias("child"), (ceased.is_null() | (ceased > as_of)).alias("in_care"),
        pl.col("Number of Placements in the Last 12 months").cast(pl.Int64).alias("placements"),
        (pl.col("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)") == "Y").alias("uasc"))
    rows = kpi_rows(con, extract_date, period_end=as_of, ids=list(INDICATORS))
    summary, differ = [], []
    for kpi_id, what in INDICATORS.items():
        if kpi_id not in rows:
            continue  # its source table was not sent: nothing to compare
        counted = rows[kpi_id].filter(pl.col("counted")).select(pl.col("key").alias("child"))
        if kpi_id == "cla_count":
            ours = listed.filter("in_care").select("child")
            both = ours.with_columns(pl.lit("looked after").alias("list8")).join(
                counted.with_columns(pl.lit("looked after").alias("indicator")), on="child", how="full", coalesce=True)
            figures = (ours.height, counted.height)
        elif kpi_id == "placements_3plus":
            # every child looked after on D is in the indicator's rows with their count
            theirs = rows[kpi_id].select(pl.col("key").alias("child"),
                                         pl.col("placements_in_12_months").cast(pl.Utf8).alias("indicator"))
            ours = listed.filter("in_care").select("child", pl.col("placements").cast(pl.Utf8).alias("list8"))
            both = ours.join(theirs, on="child", how="full", coalesce=True)
            figures = (listed.filter(pl.col("in_care") & (pl.col("placements") >= 3)).height, counted.height)
        else:
            both = counted.with_columns(pl.lit("Y").alias("indicator")).join(
                listed.select("child", pl.when("uasc").then(pl.lit("Y")).otherwise(pl.lit("N")).alias("list8")),
                on="child", how="left")
            figures = (listed.filter(pl.col("in_care") & pl.col("uasc")).height, counted.height)
        wrong = both.filter(pl.col("list8").ne_missing(pl.col("indicator")))
        differ.append(wrong.select(pl.lit(kpi_id).alias("indicator"), "child", "list8",
                                   pl.col("indicator").alias("dashboard")))
        summary.append({"indicator": kpi_id, "title": REGISTRY[kpi_id].title, "list8_says": what,
                        "list8": figures[0], "dashboard": figures[1], "children_differing": wrong.height})
    schema = {"indicator": pl.Utf8, "title": pl.Utf8, "list8_says": pl.Utf8, "list8": pl.Int64,
              "dashboard": pl.Int64, "children_differing": pl.Int64}
    differ_schema = {"indicator": pl.Utf8, "child": pl.Utf8, "list8": pl.Utf8, "dashboard": pl.Utf8}
    return (pl.DataFrame(summary, schema=schema),
            pl.concat([d.cast(differ_schema) for d in differ]) if differ else pl.DataFrame(schema=differ_schema))


@dataclass
class Readiness:
    as_of: date
    #: per list: list, title, rows, rows_with_blanks, empty_because (the cover's note)
    lists: pl.DataFrame
    #: row_problems(): one row per blank mandatory field or bad date
    problems: pl.DataFrame
    #: in_care_gaps(): one row per child and failing check
    in_care: pl.DataFrame
    #: against_indicators(): per indicator, and the children differing
    indicators: pl.DataFrame
    differing: pl.DataFrame = field(default_factory=pl.DataFrame)

    def summary(self) -> pl.DataFrame:
        """Every check as one flat row (check, list, what, count): the CLI's JSON and text."""
        rows = [{"check": "rows", "list": r["list"], "what": r["title"], "count": r["rows"]}
                for r in self.lists.iter_rows(named=True)]
        for number, check, column, n in self.problems.group_by("list", "check", "column").len().sort(
                "list", "check", "column").iter_rows():
            rows.append({"check": check, "list": number, "what": column, "count": n})
        counts = dict(self.in_care.group_by("check").len().iter_rows())
        rows += [{"check": check, "list": 8, "what": what, "count": counts.get(check, 0)}
                 for check, what, _c, _s in IN_CARE_CHECKS]
        rows += [{"check": f"indicator:{r['indicator']}", "list": 8,
                  "what": f"{r['title']}: List 8 {r['list8']}, dashboard {r['dashboard']}",
                  "count": r["children_differing"]} for r in self.indicators.iter_rows(named=True)]
        return pl.DataFrame(rows, schema={"check": pl.Utf8, "list": pl.Int64, "what": pl.Utf8, "count": pl.Int64})

    def child_rows(self) -> pl.DataFrame:
        """The children behind every check, one row each (check, list, child, column, detail): the
        row on the sheet, the date List 8 shows, or the value each side gives."""
        parts = [
            self.problems.select("check", "list", "child", "column", pl.col("row").cast(pl.Utf8).alias("detail")),
            self.in_care.select("check", pl.lit(8).alias("list"), "child", pl.lit(None, pl.Utf8).alias("column"),
                                pl.col("last").alias("detail")),
        ]
        if self.differing.height:
            parts.append(self.differing.select(
                pl.concat_str(pl.lit("indicator:"), "indicator").alias("check"), pl.lit(8).alias("list"), "child",
                pl.lit(None, pl.Utf8).alias("column"),
                pl.format("List 8 {}, dashboard {}", pl.col("list8").fill_null("-"),
                          pl.col("dashboard").fill_null("-")).alias("detail")))
        schema = {"check": pl.Utf8, "list": pl.Int64, "child": pl.Utf8, "column": pl.Utf8, "detail": pl.Utf8}
        return pl.concat([p.cast(schema) for p in parts])

    @property
    def agrees(self) -> bool:
        return self.indicators.height > 0 and self.indicators["children_differing"].sum() == 0 and \
            (self.indicators["list8"] == self.indicators["dashboard"]).all()


def readiness(con: duckdb.DuckDBPyConnection, result: AnnexA, extract_date: date) -> Readiness:
    """Every readiness check on the lists of ``result`` (built by ``annexa.annex_a`` from ``con``)."""
    problems = row_problems(result.frames)
    blank_rows = dict(problems.filter(pl.col("check") == "blank").group_by("list").agg(
        pl.col("row").n_unique()).iter_rows())
    lists = pl.DataFrame([{"list": n, "title": LISTS[n].title, "rows": f.height, "rows_with_blanks": blank_rows.get(n, 0),
                           "empty_because": result.missing.get(n)} for n, f in result.frames.items()],
                         schema={"list": pl.Int64, "title": pl.Utf8, "rows": pl.Int64, "rows_with_blanks": pl.Int64,
                                 "empty_because": pl.Utf8})
    if 8 in result.frames and 8 not in result.missing:
        list8 = result.frames[8]
        gaps = in_care_gaps(list8, result.as_of)
        indicators, differing = against_indicators(con, list8, result.as_of, extract_date)
    else:
        gaps = pl.DataFrame(schema={c: pl.Utf8 for c in ("check", "child", "team", "worker", "last", "in_care_since")})
        indicators, differing = pl.DataFrame(), pl.DataFrame()
    return Readiness(result.as_of, lists, problems, gaps, indicators, differing)


# --- reading a workbook back ----------------------------------------------------------------------

#: spellings councils use, as whole normalised phrases -> Ofsted's (normalised) heading or word
_SYNONYMS = {
    "child id": "child unique id", "unique child id": "child unique id", "child identifier": "child unique id",
    "child unique identifier": "child unique id", "id": "child unique id", "child ref": "child unique id",
    "sex": "gender", "ethnic origin": "ethnicity", "ethnic group": "ethnicity", "dob": "date of birth",
    "birth date": "date of birth", "age": "age of child years", "age years": "age of child years",
    "age of child": "age of child years", "team": "allocated team", "worker": "allocated worker",
    "social worker": "allocated worker", "allocated social worker": "allocated worker",
    "disability": "does the child have a disability", "disabled": "does the child have a disability",
}
#: word-level spellings
_WORDS = {"adviser": "advisor", "no": "number", "nr": "number", "num": "number", "referal": "referral",
          "organization": "organisation", "cla": "looked after child", "lac": "looked after child"}


def normalise(heading: str) -> str:
    """A heading as compared: lower case, '&' as 'and', punctuation and '(Y/N)' dropped, spaces
    collapsed, common spellings made Ofsted's."""
    text = re.sub(r"\(\s*y\s*/\s*n\s*\)", " ", heading.lower().replace("&", " and "))
    text = re.sub(r"['’.]", "", text)  # child's = childs, D.O.B. = dob
    words = [_WORDS.get(w, w) for w in re.sub(r"[^a-z0-9]+", " ", text).split()]
    text = " ".join(w for w in words if w)
    return _SYNONYMS.get(text, text)


_NORMALISED = {n: {normalise(h): h for h in spec.headings} for n, spec in LISTS.items()}
# headings in three or more lists (who the child is, team, worker, disability) say nothing of which list
_COMMON = {h for h in {h for hs in _NORMALISED.values() for h in hs}
           if sum(h in hs for hs in _NORMALISED.values()) >= 3}


def recognise(headings: list[str], sheet: str = "") -> tuple[int | None, dict[str, str]]:
    """The list whose headings a sheet's are (the most of the list's own headings found, at least
    half of them; a sheet named "List N" breaks a tie), and each sheet heading's Ofsted heading."""
    found = {normalise(h): h for h in headings if h}
    hinted = re.search(r"\d+", sheet)
    best, best_key = None, (0.0, False)
    for number, names in _NORMALISED.items():
        own = [h for h in names if h not in _COMMON] or list(names)
        share = sum(h in found for h in own) / len(own)
        key = (share, bool(hinted) and int(hinted.group()) == number)
        if share >= 0.5 and key > best_key:
            best, best_key = number, key
    if best is None:
        return None, {}
    return best, {found[n]: heading for n, heading in _NORMALISED[best].items() if n in found}


def check_workbook(path: Path, label: str | None = None) -> tuple[dict[int, str], pl.DataFrame]:
    """An Annex A workbook read back: which sheet holds which list, and the findings of the same
    rules (blank mandatory fields, dates that are not dates, mandatory columns missing)."""
    from carewatch.sources.common import read_xlsx

    label = label or path.name
    read = read_xlsx(path, label)
    findings = [findings_frame(read.findings)]
    sheets: dict[int, str] = {}
    frames: dict[int, pl.DataFrame] = {}
    where: dict[int, str] = {}
    for sheet in read.sheets:
        frame = sheet.frame.collect() if isinstance(sheet.frame, pl.LazyFrame) else sheet.frame
        number, named = recognise([c for c in frame.columns if c != "_row"], sheet.name_hint)
        if number is None:
            if re.fullmatch(r"\s*list\s*\d+\s*", sheet.name_hint.lower()):
                findings.append(findings_from_rows(UNKNOWN_LIST, pl.DataFrame(
                    {"file": [sheet.label], "sheet": [sheet.name_hint]})))
            continue
        sheets[number], where[number] = sheet.name_hint, sheet.label
        frames[number] = frame.rename(named)
        missing = [c for c in MANDATORY[number] if c not in frames[number].columns]
        if missing:
            findings.append(findings_from_rows(NO_COLUMN, pl.DataFrame(
                {"file": sheet.label, "column": missing, "list": number})))
    problems = row_problems(frames).with_columns(
        pl.col("list").replace_strict(where, return_dtype=pl.Utf8).alias("file"))
    for check, kind in ((BLANK, "blank"), (BAD_DATE, "bad_date")):
        findings.append(findings_from_rows(check, problems.filter(pl.col("check") == kind)))
    return sheets, concat_findings(findings) if findings else empty_findings()


def is_annex_a(path: Path) -> bool:
    """A workbook with a sheet whose headings are an Annex A list's, from each sheet's first rows
    only (an extract's workbook is then read once, by the importer)."""
    import openpyxl

    from carewatch.sources.common import _inflated

    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    try:
        if _inflated(path):
            return False  # the importer reports it
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - not a workbook we can read: the importer says why
        return False
    try:
        for sheet in book.worksheets:
            for cells in sheet.iter_rows(max_row=10, values_only=True):
                texts = [str(c) for c in cells if c is not None and str(c).strip()]
                if len(texts) >= 2:
                    if recognise(texts, sheet.title)[0] is not None:
                        return True
                    break
    finally:
        book.close()
    return False
