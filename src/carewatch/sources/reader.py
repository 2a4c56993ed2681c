"""read_inputs: every file of an import, whatever its format, into canonical typed tables.

Required tables: when any SSDA903 table is present, Header and Episodes must be (DATA.md "What
bad input gets"); an import holding only the CIN census, or only local-extract tables, is allowed,
so a council can refresh its CIN or fostering data without resending the 903.
"""
from __future__ import annotations

import contextvars
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from carewatch.checks.findings import (
    Finding,
    Severity,
    concat_findings,
    findings_frame,
    finding,
)
from carewatch.progress import Progress, silent
from carewatch.sources import cin_census, local_extract, population, ssda903
from carewatch.sources.common import (
    FILE_NOT_FOUND,
    FILE_NOT_REGULAR,
    LIMITS,
    Limits,
    FILE_UNREADABLE,
    TABLE_AMBIGUOUS,
    TABLE_MISSING_COLUMN,
    TABLE_UNRECOGNISED,
    TableSpec,
    is_junk,
    raw_table,
    read_file,
    recognise,
    sha256_of,
    type_raw,
    type_table,
)
from carewatch.sources.manifest import extract_date, is_manifest, read_manifest

SPECS: list[TableSpec] = [*ssda903.SPECS, *local_extract.SPECS, *population.SPECS]

@dataclass
class ReadResult:
    """What the readers made of an import; ``tables`` holds only the tables that were sent."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    findings: pl.DataFrame = field(default_factory=lambda: concat_findings([]))
    manifest: dict = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool((self.findings.get_column("severity") == str(Severity.FILE_ERROR)).any())


@dataclass
class _Input:
    path: Path
    label: str  # as the user gave it, relative to the import root
    root_name: str  # the folder given (or holding the file given), for the collection year


def _kind(path: Path) -> str | None:
    """What a path inside a folder is, when it is not an ordinary file or folder; never followed."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "a special file (a pipe, socket or device)"
    return None


def _inputs(paths: list[Path], problems: list[Finding]) -> list[_Input]:
    """The files to read. A path given is followed even if it is a link (the operator named it);
    inside a folder only ordinary files and folders are: a link there could point anywhere (the
    home's secret key), and a pipe or device would never end."""
    found: list[_Input] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for folder, dirs, names in os.walk(given):
                for name in sorted([*dirs, *names]):
                    path = Path(folder) / name
                    relative = path.relative_to(given)
                    if any(is_junk(Path(part)) for part in relative.parts):
                        continue
                    kind = _kind(path)
                    if kind:
                        problems.append(finding(FILE_NOT_REGULAR, file=relative.as_posix(), kind=kind))
                    elif name in names:
                        found.append(_Input(path, relative.as_posix(), given.resolve().name))
            found.sort(key=lambda item: item.label)
        elif given.is_file():
            found.append(_Input(given, given.name, given.resolve().parent.name))
        else:
            problems.append(finding(FILE_NOT_FOUND, file=str(given), reason="no such file or folder"))
    return found


@dataclass
class _FileOutcome:
    """What one file gave: kept only once the whole file has been read."""

    files: list[dict] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    finding_frames: list[pl.DataFrame] = field(default_factory=list)
    # (table, typed frame, its value findings, its files entry)
    tables: list[tuple[str, pl.DataFrame, pl.DataFrame, dict]] = field(default_factory=list)
    # a 903 table's text columns and its lines' findings: typed once per table when every year is read
    raw_903: list[tuple[str, pl.DataFrame, pl.DataFrame, dict]] = field(default_factory=list)
    census_dates: dict[str, str | None] = field(default_factory=dict)  # CIN file -> ReferenceDate


def _read_one(item: _Input, scratch: Path) -> _FileOutcome:
    out = _FileOutcome()
    read = read_file(item.path, item.label, scratch)
    out.problems.extend(read.findings)
    if read.kind == "xml":  # the census reader hashes the bytes it reads
        tables, cin_findings, children, reference_date, sha256 = cin_census.read_cin(item.path, item.label)
        if tables:
            out.census_dates[item.label] = reference_date
        entry = _file_entry(item.label, sha256, "cin_census" if tables else None,
                            rows=children if tables else None)
        out.files.append(entry)
        out.tables.extend((table, frame, concat_findings([]), entry) for table, frame in tables.items())
        out.finding_frames.append(cin_findings)
        return out
    sha256 = read.sha256 or (sha256_of(item.path) if item.path.is_file() else None)
    if not read.sheets:
        out.files.append(_file_entry(item.label, sha256))
    for sheet in read.sheets:
        specs, missing = recognise(sheet.columns, sheet.name_hint, SPECS)
        spec = specs[0] if len(specs) == 1 else None
        entry = _file_entry(sheet.label, sha256, spec.name if spec else None)
        out.files.append(entry)
        if not specs:  # its content is never quoted: it may be anything (a key a link pointed at)
            out.problems.append(finding(TABLE_UNRECOGNISED, file=sheet.label,
                                        what=f"its {len(sheet.columns)} columns"))
        elif spec is None:
            names = " and ".join(s.title for s in specs)
            out.problems.append(finding(TABLE_AMBIGUOUS, file=sheet.label, tables=names,
                                        example=f"{specs[0].name}.csv"))
        elif missing:
            out.problems.extend(finding(TABLE_MISSING_COLUMN, file=sheet.label, column=c, table=spec.title)
                                for c in missing)
        elif spec.group == "903":
            year = ssda903.year_from_path(sheet.label, item.root_name)
            raw, line_findings = raw_table(sheet, spec, year)
            entry["rows"], entry["year"] = raw.height, year
            out.raw_903.append((spec.name, raw, line_findings, entry))
        else:
            typed, value_findings = type_table(sheet, spec)
            entry["rows"] = typed.height
            out.tables.append((spec.name, typed, value_findings, entry))
    return out


def read_inputs(paths: list[Path], *, require_903: bool = False, limits: Limits | None = None,
                progress: Progress = silent) -> ReadResult:
    """Read files and/or folders (recursively) into canonical tables, findings and a manifest.

    Never raises on a file's contents: every problem is a finding, and ``rejected`` is True when
    any is a file error. Tables are keyed by their schema.sql name; each frame has exactly the
    schema.sql columns, 903 tables with ``year`` (the collection year the kept row came from).
    ``require_903``: Header and Episodes are required even when no 903 table was sent (an import
    replaces the whole published snapshot; reading one table alone needs nothing else).
    ``limits``: file size, rows, workbook and cell limits (default: the Settings defaults); dates
    after the manifest's extract date (else today) are out of range. ``progress`` hears
    ``reading`` with the rows read so far after each file.
    """
    problems: list[Finding] = []
    result = ReadResult()
    inputs = _inputs(paths, problems)

    manifests = sorted((i for i in inputs if is_manifest(i.path)), key=lambda i: len(Path(i.label).parts))
    for item in manifests[:1]:
        result.manifest, manifest_problems = read_manifest(item.path, item.label)
        problems.extend(manifest_problems)
        result.files.append(_file_entry(item.label, sha256_of(item.path), "manifest"))
    limits = replace(limits or Limits(), latest_date=extract_date(result.manifest) or date.today())
    token = LIMITS.set(limits)
    try:
        _read_tables(inputs, result, problems, require_903, progress)
    finally:
        LIMITS.reset(token)
    return result


def _read_guarded(item: _Input, scratch: Path) -> _FileOutcome | Exception:
    """``scratch``: the file's folder for re-encoded copies, made only if one is (most files need
    none) and gone once the file is read (its sheets are collected by then)."""
    try:
        return _read_one(item, scratch)
    except Exception as exc:  # noqa: BLE001 - reported as the file's finding
        return exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _size_of(item: _Input) -> int:
    try:
        return item.path.stat().st_size
    except OSError:
        return 0


#: a file this big is read at most two at a time (a national census file's reading holds 1.3 GB)
_LARGE_FILE_BYTES = 16 << 20


def _read_all(inputs: list[_Input]) -> Iterator[tuple[_Input, _FileOutcome | Exception]]:
    """Each file's outcome, in order, read three at a time but never more than two large files at
    once: Polars and lxml work outside Python's lock, so the other files keep both cores busy while
    one file's Python glue runs, and a third file fills the gaps the glue leaves (a council's
    hundred small files cost more in fixed costs than in reading). The biggest files start first,
    so that no large file is left to run alone at the end while the other core idles (read in name
    order, a national extract's 187 MB visits file came last); the outcomes still come back in the
    inputs' order. Each task runs in a copy of this context (the limits in force)."""
    large = threading.BoundedSemaphore(2)

    def read(item: _Input, scratch: Path) -> _FileOutcome | Exception:
        if _size_of(item) < _LARGE_FILE_BYTES:
            return _read_guarded(item, scratch)
        with large:
            return _read_guarded(item, scratch)

    with tempfile.TemporaryDirectory(prefix="carewatch-") as scratch, \
            ThreadPoolExecutor(max_workers=3 if (os.cpu_count() or 1) > 1 else 1) as pool:
        futures = {id(item): pool.submit(contextvars.copy_context().run, read, item, Path(scratch) / str(number))
                   for number, item in enumerate(sorted(inputs, key=_size_of, reverse=True))}
        for item in inputs:
            yield item, futures[id(item)].result()


def _read_tables(inputs: list[_Input], result: ReadResult, problems: list[Finding], require_903: bool,
                 progress: Progress) -> None:
    finding_frames: list[pl.DataFrame] = []

    raw_903: dict[str, list[tuple[str, pl.DataFrame, pl.DataFrame]]] = {}  # table -> (sheet, text, line findings)
    others: dict[str, list[pl.DataFrame]] = {}
    entries_903: list[dict] = []
    census_dates: dict[str, str | None] = {}
    rows_read = 0
    for item, outcome in _read_all([i for i in inputs if not is_manifest(i.path)]):
        if isinstance(outcome, Exception):  # e.g. a CSV whose quoting breaks deep in the file
            problems.append(finding(FILE_UNREADABLE, file=item.label, reason=str(outcome).strip()[:200]))
            result.files.append(_file_entry(item.label, sha256_of(item.path)))
            continue
        problems.extend(outcome.problems)
        finding_frames.extend(outcome.finding_frames)
        result.files.extend(outcome.files)
        census_dates.update(outcome.census_dates)
        rows_read += sum(frame.height for _, frame, _, _ in [*outcome.tables, *outcome.raw_903])
        progress("reading", rows=rows_read)
        for table, raw, line_findings, entry in outcome.raw_903:
            raw_903.setdefault(table, []).append((entry["file"], raw, line_findings))
            entries_903.append(entry)
        for table, typed, value_findings, _ in outcome.tables:
            others.setdefault(table, []).append(typed)
            finding_frames.append(value_findings)

    # table -> [its typed frame] (year null when no name gave one), and its value findings
    sent_903: dict[str, list[pl.DataFrame]] = {}
    value_findings_903: dict[str, pl.DataFrame] = {}
    for table in list(raw_903):
        sent_903[table], value_findings_903[table] = _type_903(table, raw_903.pop(table))
    problems.extend(_assign_years(sent_903, result.manifest, entries_903))
    if sent_903 or require_903:
        problems.extend(finding(ssda903.TABLE_MISSING, table=spec.title) for spec in ssda903.SPECS
                        if spec.name in ssda903.REQUIRED_TABLES and spec.name not in sent_903)
    # the census files' merge first: it lets go of the years' repeated rows (national: 0.3 GB)
    # before the 903 years' merges, whose transient sets reading's peak (kept in the tables' order)
    census = cin_census.merge_census_files({t: others.pop(t) for t in cin_census.TABLES}, census_dates) \
        if census_dates else {}
    # each file's frames are let go once merged (popped), so they are not held beside the merged copy;
    # Episodes last: its merge's transient is the largest (national: +0.7 GB), so the other tables'
    # repeated rows are let go first. Tables and findings keep the tables' order.
    order = list(sent_903)
    merges = {}
    for table in sorted(order, key=lambda t: t == "episodes"):
        merged, merge_findings = ssda903.merge_years(table, pl.concat(sent_903.pop(table)))
        value_findings = value_findings_903.pop(table)
        if value_findings.height:  # the join hashes every kept row (national Episodes: 1.1 M), so only when needed
            # a bad value in a row a later year replaced quarantines no one: the row is not used
            kept = merged.select(pl.col("_file").alias("file"), pl.col("_row").alias("row"))
            value_findings = value_findings.join(kept, on=["file", "row"], how="semi")
        merges[table] = merged, merge_findings, value_findings
    for table in order:
        result.tables[table], *table_findings = merges.pop(table)
        finding_frames.extend(table_findings)
    result.tables.update(census)
    for table, frames in others.items():
        result.tables[table] = pl.concat(frames)
    result.findings = concat_findings([findings_frame(problems), *finding_frames])


def _type_903(table: str, sheets: list[tuple[str, pl.DataFrame, pl.DataFrame]]
              ) -> tuple[list[pl.DataFrame], pl.DataFrame]:
    """One 903 table's sheets (every year's, in the inputs' order) typed at once, as [the typed
    frame], and its findings in the order of typing each sheet alone: sheet by sheet, each sheet's
    value findings then its lines'. Typing costs some twenty Polars calls whatever the rows, so a
    table's ten years cost them once, not ten times."""
    labels, raws, line_findings = zip(*sheets)
    typed, found = type_raw(pl.concat(raws), ssda903.SPEC[table])
    found = concat_findings([found, *line_findings])
    if len(sheets) > 1 and found.height:
        order = pl.DataFrame({"file": labels}, schema={"file": pl.Utf8}).with_row_index("_sheet")
        found = found.join(order, on="file", how="left", maintain_order="left") \
            .sort("_sheet", maintain_order=True).drop("_sheet")
    return [typed], found


def _assign_years(sent_903: dict[str, list[pl.DataFrame]], manifest: dict,
                  entries: list[dict]) -> list[Finding]:
    """Settle each 903 frame's collection year; the warnings it gives.

    A year named by the year the collection starts moves to the year it ends; a frame whose path
    named no year takes the manifest's extract date's year, else the latest year its data implies.
    """
    moved = {year: year + 1 for year in ssda903.years_named_by_start(sent_903)}
    warnings = [finding(ssda903.YEAR_NAMED_BY_START, year=year, next_year=year + 1) for year in moved]
    unnamed = any(f.get_column("year").is_null().any() for frames in sent_903.values() for f in frames)
    default = None
    if unnamed:
        day = extract_date(manifest)
        default = ssda903.collection_year(day) if day else ssda903.year_from_data(sent_903)
        default = default or ssda903.collection_year(date.today())  # no event date at all
    year = pl.col("year").replace(moved) if moved else pl.col("year")
    year = year.fill_null(default) if default is not None else year
    for table, frames in sent_903.items():
        sent_903[table] = [f.with_columns(year) for f in frames]
    for entry in entries:
        entry["year"] = moved.get(entry["year"], entry["year"]) or default
    return warnings


def _file_entry(file: str, sha256: str, table: str | None = None, year: int | None = None,
                rows: int | None = None) -> dict:
    return {"file": file, "sha256": sha256, "table_name": table, "year": year, "rows": rows}
