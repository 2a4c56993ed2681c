"""SSDA903 (children looked after return): the CSV set, or the same tables as sheets of a workbook.

Tables and columns as DOMAIN.md A1 (the DfE validator's config). Each file is one table of one
collection year, named by the year it ends (2021 = April 2020 - March 2021). The year comes from
the file or folder name (``2021-episodes.csv``, ``903/2021/episodes.csv``, ``2020-21``,
``202021``), else from the manifest's extract date, else from the latest episode start (DECOM).
Files named by the year the collection starts (``2017`` for 2017-18, as some tools do) are told
by their data, most of whose episode dates then fall after the named year's end, and moved to
the year they end with a ``merge.year_named_by_start`` warning.

Several years merge as DATA.md §1 says: an episode (same CHILD and DECOM) or a Header row (same
CHILD) found in several years is kept from the latest year; when an earlier year's version differs
a ``merge.*`` warning names the losing row. An episode open in an earlier return (DEC blank) and
closed in a later one, nothing else changed but the closing fields (DEC, REC, REASON_PLACE_CHANGE),
is the normal course of a child's care and merges silently; ``merge.episode_conflict`` is kept for
real disagreements (a code or date that differs, or a DEC that changed once recorded). Every other table keeps the rows of every year (reviews,
OC2 and OC3 are year-specific), dropping only rows repeated unchanged in a later year. Duplicates
inside one year are kept: they are the checks' business.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath

import polars as pl

from carewatch.checks.findings import Severity, concat_findings, define, findings_from_rows
from carewatch.sources.common import SCHEMA, TableSpec

SPECS: list[TableSpec] = [
    TableSpec("header", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), "903", "Header",
              ("header",)),
    TableSpec("episodes", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                           "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"), "903", "Episodes",
              ("episode",)),
    TableSpec("reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), "903", "Reviews", ("review",)),
    TableSpec("uasc", ("CHILD", "SEX", "DOB", "DUC"), "903", "UASC", ("uasc",)),
    TableSpec("oc2", ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                      "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                      "INTERVENTION_OFFERED"), "903", "OC2", ("oc2",)),
    TableSpec("oc3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), "903", "OC3", ("oc3",)),
    TableSpec("ad1", ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                      "LS_ADOPTR"), "903", "AD1", ("ad1",)),
    TableSpec("placed_adoption",
              ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"), "903",
              "PlacedAdoption", ("placed",)),
    TableSpec("prev_perm", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), "903", "PrevPerm",
              ("prevperm", "previouspermanence")),
    TableSpec("missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), "903", "Missing", ("missing",)),
    TableSpec("sw_episodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"), "903",
              "SWEpisodes", ("sw",)),
    TableSpec("dolo", ("CHILD", "DOB", "DOLO_START", "DOLO_END"), "903", "DoLo", ("dolo",)),
]
TABLES = {spec.name for spec in SPECS}
SPEC = {spec.name: spec for spec in SPECS}
REQUIRED_TABLES = ("header", "episodes")

TABLE_MISSING = define(
    "table.missing_required", "Required 903 table missing", Severity.FILE_ERROR,
    "The import holds SSDA903 tables but no {table} table. Add the {table} file (or sheet) of "
    "the same 903 extract and import again.",
    remedy="Add the missing 903 table to the import folder and import again.")
EPISODE_CONFLICT = define(
    "merge.episode_conflict", "Episode differs between collection years", Severity.WARNING,
    "The episode of child {child} starting {decom} differs between the {year} return (row {row} of "
    "{file}) and the {kept_year} return in {columns}; the {kept_year} version is used.", "episodes",
    remedy=("Check which year's return is right for the episode and correct the other in the source system; "
            "the later return is used meanwhile."))
HEADER_CONFLICT = define(
    "merge.header_conflict", "Header differs between collection years", Severity.WARNING,
    "Child {child}'s Header row differs between the {year} return (row {row} of {file}) and the "
    "{kept_year} return in {columns}; the {kept_year} version is used.", "header",
    remedy=("Check the child's sex, date of birth and ethnicity across years and correct the wrong return; "
            "the latest is used meanwhile."))

YEAR_NAMED_BY_START = define(
    "merge.year_named_by_start", "903 files named by the year the collection starts", Severity.WARNING,
    "Most episode dates in the 903 files named {year} fall after that return's end (31/03/{year}); "
    "they are read as the {next_year} return (named by the year it ends: 2020-21 = 2021). Rename the "
    "files if that is wrong.",
    remedy=("Nothing is wrong with the data; name the files by the year the collection ends (2022 for "
            "2021/22) next time."))

# --- collection year ------------------------------------------------------------------------------
_DATE_STAMP = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_SPAN_LONG = re.compile(r"(?<!\d)(20\d\d)[-_ ](20\d\d)(?!\d)")
_SPAN_SHORT = re.compile(r"(?<!\d)(20\d\d)[-_ ]?(\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def collection_year(day: date) -> int:
    """The 903 year a date falls in, named by the year it ends: 2020-04-01 .. 2021-03-31 -> 2021."""
    return day.year + 1 if day.month >= 4 else day.year


def _year_in(name: str) -> int | None:
    for match in _SPAN_LONG.finditer(name):
        if int(match[2]) == int(match[1]) + 1:
            return int(match[2])
    for match in _SPAN_SHORT.finditer(name):
        if int(match[2]) == (int(match[1]) + 1) % 100:
            return int(match[1]) + 1
    for match in _DATE_STAMP.finditer(name):
        try:
            return collection_year(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue
    match = _YEAR.search(name)
    return int(match[1]) if match else None


def year_from_path(relative: str, root_name: str = "") -> int | None:
    """The collection year a sheet's name, the file's name, its folders (nearest first), then the
    root folder's name give.

    ``2021-episodes.csv``, ``903/2021/episodes.csv`` -> 2021; ``2020-21``, ``2020_2021``, ``202021`` ->
    2021 (the year it ends); a date stamp ``episodes_20211130`` -> 2022 (the year that date is in).
    """
    path, _, sheet = relative.partition("#")
    parts = PurePosixPath(path).parts
    names = [sheet, PurePosixPath(parts[-1]).stem, *reversed(parts[:-1]), root_name]
    for name in names:
        year = _year_in(name)
        if year is not None and 2000 <= year <= 2099:
            return year
    return None


# event dates only: DOB says nothing about the year and DUC (UASC status ceased) is the 18th
# birthday, often in the future
_EVENT_DATES = {"episodes": ("decom", "dec"), "reviews": ("review",), "missing": ("mis_start", "mis_end"),
                "sw_episodes": ("sw_decom", "sw_dec")}


def _dates(frames: dict[str, list[pl.DataFrame]], columns: dict[str, tuple[str, ...]]) -> pl.Series:
    """The given date columns of these frames as one series, without nulls and dates after today."""
    parts = [frame.get_column(column).alias("date") for table, names in columns.items()
             for frame in frames.get(table, []) for column in names]
    dates = pl.concat(parts) if parts else pl.Series("date", [], pl.Date)
    return dates.filter(dates <= date.today())


def year_from_data(frames: dict[str, list[pl.DataFrame]]) -> int | None:
    """The collection year the data implies: that of the latest episode start (DECOM), else of the
    latest event in any 903 table. Starts are the return's spine; other dates hold more typos (the
    DfE's fake data has reviews in 2030)."""
    for columns in ({"episodes": ("decom",)}, _EVENT_DATES):
        latest = _dates(frames, columns).max()
        if latest is not None:
            return collection_year(latest)
    return None


def years_named_by_start(frames: dict[str, list[pl.DataFrame]]) -> list[int]:
    """Years named in file names whose files were named by the year the collection starts.

    A 2021 return ends on 31/03/2021, so files named 2021 where most episode dates (DECOM, DEC) fall
    after that day hold the 2021-22 return (some tools name 2017-18 '2017'). Most, not any: one
    typo must not move a year.
    """
    named = {year for group in frames.values() for frame in group
             for year in frame.get_column("year").drop_nulls().unique().to_list()}
    found = []
    for year in sorted(named):
        of_year = {"episodes": [f.filter(pl.col("year") == year) for f in frames.get("episodes", [])]}
        dates = _dates(of_year, {"episodes": ("decom", "dec")})
        if dates.len() and (dates > date(year, 3, 31)).mean() > 0.5:
            found.append(year)
    return found


# --- merging years --------------------------------------------------------------------------------
_MERGE_KEYS = {"episodes": ["child", "decom"], "header": ["child"]}
_CONFLICTS = {"episodes": EPISODE_CONFLICT, "header": HEADER_CONFLICT}
# what a return fills in when an episode ends (REASON_PLACE_CHANGE is recorded on the ending episode)
_CLOSING = ("dec", "rec", "reason_place_change")


def _data_columns(table: str) -> list[str]:
    return [c for c in SCHEMA[table] if c not in ("year", "_file", "_row")]


# Returns about one collection year's cohort: the same outcome row for a child in 2021 and 2022
# says two different things (looked after continuously to 31 March 2021, and to 31 March 2022), so
# no row of these collapses into another year's.
YEAR_SPECIFIC_TABLES = ("oc2", "oc3")


def merge_years(table: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Merge the rows of several collection years of one 903 table (see the module docstring)."""
    if frame.height == 0 or frame.get_column("year").n_unique() < 2 or table in YEAR_SPECIFIC_TABLES:
        return frame, concat_findings([])
    data = _data_columns(table)
    # the rows' hash over the data columns: a quarter of the CPU of hashing a struct of them (national
    # Episodes: 0.14 against 0.55 s), which first builds the struct
    frame = frame.with_columns(frame.select(data).hash_rows().alias("_content"))
    key = _MERGE_KEYS.get(table)
    if key is None:
        return _latest_copy(frame).drop("_content"), concat_findings([])
    has_key = pl.all_horizontal(pl.col(key).is_not_null())
    keyed, unkeyed = frame.filter(has_key), frame.filter(~has_key)
    keyed = keyed.with_columns(pl.col("year").max().over(key).alias("_latest"))  # one window for both
    winners = keyed.filter(pl.col("year") == pl.col("_latest")).drop("_latest")
    # the losers' keys and contents alone are compared with the winners', and only the rows whose
    # content no winner has are gathered whole (national Header: 186 k of 1.06 M losers)
    losers = keyed.select(*key, "_content", "year", "_latest").with_row_index("_at") \
        .filter(pl.col("year") < pl.col("_latest"))
    # an anti join keeps a row whatever the other side repeats: no unique (a pass over 1.1 M winners)
    at = losers.join(winners.select(*key, "_content"), on=[*key, "_content"], how="anti").get_column("_at")
    conflicts = keyed.select(pl.exclude("_latest").gather(at))
    findings = _conflict_findings(table, conflicts, winners, key, data)
    merged = _in_order(pl.concat([winners, _latest_copy(unkeyed)]), ["year", "_file", "_row"])
    return merged.drop("_content"), findings


def _in_order(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``frame`` sorted by ``columns`` (ties kept in order), when its rows are not in that order
    already: the years' files are read in the order of their names, so they nearly always are, and
    each row compared with the one before costs a tenth of sorting a wide frame."""
    after: pl.Expr = pl.lit(True)
    for column in reversed(columns):  # ordered by the last column, unless an earlier one decides
        value, before = pl.col(column), pl.col(column).shift()
        after = (value > before) | ((value == before) & after)
    if frame.height < 2 or frame.select(after.slice(1).fill_null(False).all()).item():
        return frame
    return frame.sort(columns, maintain_order=True)


def _latest_copy(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows repeated unchanged across years, kept once from the latest year."""
    return frame.filter(pl.col("year") == pl.col("year").max().over("_content"))


def _conflict_findings(table: str, conflicts: pl.DataFrame, winners: pl.DataFrame, key: list[str],
                       data: list[str]) -> pl.DataFrame:
    if conflicts.height == 0:
        return concat_findings([])
    # the first winner (by file and row) of each key in conflict: only those keys are sorted
    kept = _in_order(winners.join(conflicts.select(key), on=key, how="semi"), ["_file", "_row"]) \
        .unique(key, keep="first", maintain_order=True)
    kept = kept.select(*key, *[pl.col(c).alias(f"{c}__kept") for c in data if c not in key],
                       pl.col("year").alias("kept_year"))
    joined = conflicts.join(kept, on=key, how="left")
    differing = pl.concat_str([pl.when(pl.col(c).ne_missing(pl.col(f"{c}__kept"))).then(pl.lit(c.upper()))
                               for c in data if c not in key], separator=", ", ignore_nulls=True)
    if table == "episodes":
        # an episode open in one return and closed in the next is the ordinary case, not a
        # disagreement: only the closing fields were filled in, so it merges silently
        closing_only = ~pl.any_horizontal(
            pl.col(c).ne_missing(pl.col(f"{c}__kept")) for c in data if c not in key and c not in _CLOSING)
        joined = joined.filter(~(pl.col("dec").is_null() & pl.col("dec__kept").is_not_null() & closing_only))
    rows = joined.select(
        pl.col("_file").alias("file"), pl.col("_row").alias("row"), pl.col("child"),
        pl.lit(None, pl.Utf8).alias("column"), pl.col("year"), pl.col("kept_year"),
        differing.alias("columns"),
        *([pl.col("decom").dt.strftime("%d/%m/%Y").alias("decom")] if "decom" in key else []),
    )
    return findings_from_rows(_CONFLICTS[table], rows)
