"""The `carewatch` command: thin — it parses, calls a service, prints.

Exit status: 0 success, 1 rejected input (findings printed), 2 usage error (Typer/Click's own),
including an --as-of date outside the snapshot's history (carewatch.asof).
"""
from __future__ import annotations

import atexit
import gc
import json
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from carewatch.output import Format, rows_of, to_csv, to_json
from carewatch.progress import stages
from carewatch.snapshot import Home, NoSnapshot, default_home, open_snapshot, read_meta, register

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="carewatch: statutory duties and indicators for children looked after.")
# a pipe or file gets wide tables rather than rich's 80-column default
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

HomeOpt = Annotated[Optional[Path], typer.Option("--home", help="Snapshots and app DB [env CAREWATCH_HOME, else ./carewatch-data]")]
FormatOpt = Annotated[Format, typer.Option("--format", help="text, json or csv")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD [default: the snapshot's extract date]")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display (on stderr)")]


def _home(home: Optional[Path]) -> Home:
    return Home(home or default_home())


def _batch_priority(home: Optional[Path]) -> None:
    """An import (and the nightly refresh) is batch work: it runs at the setting import_nice so
    the dashboard's requests win the CPU (set before its work, so the DuckDB and Polars threads it
    starts inherit it)."""
    from carewatch import settings as settings_mod
    from carewatch.priority import lower_priority

    lower_priority(settings_mod.load(_home(home).root).import_nice)


def _date(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=name)


def _as_of(con, meta: dict, value: Optional[str], name: str = "--as-of") -> Optional[date]:
    """--as-of (default: the extract date), refused (exit 2) outside the snapshot's history."""
    from carewatch.asof import DateOutOfRange, check_as_of

    when = _date(value, name)
    if when is None:
        return date.fromisoformat(meta["extract_date"]) if name == "--as-of" else None
    try:
        return check_as_of(con, when)
    except DateOutOfRange as exc:
        raise typer.BadParameter(str(exc), param_hint=name)


def _print_frame(frame: pl.DataFrame, fmt: Format, title: str | None = None) -> None:
    if fmt is Format.json:
        sys.stdout.write(to_json(frame) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(frame))
    else:
        table = Table(title=title, show_lines=False)
        for column in frame.columns:
            table.add_column(column)
        for row in rows_of(frame):
            table.add_row(*["" if v is None else str(v) for v in row.values()])
        out.print(table)


def _print_findings(findings: pl.DataFrame, fmt: Format, limit_per_code: int = 10) -> None:
    if fmt is not Format.text:
        _print_frame(findings, fmt)
        return
    if findings.height == 0:
        out.print("No findings.")
        return
    summary = (findings.group_by("code", "severity").agg(pl.len().alias("findings"),
                                                          pl.col("child").drop_nulls().n_unique().alias("children"))
               .sort(["severity", "findings"], descending=[False, True]))
    _print_frame(summary, fmt, title="Findings by code")
    for code, severity in summary.select("code", "severity").iter_rows():
        group = findings.filter(pl.col("code") == code)
        out.print(f"\n[bold]{code}[/bold] ({severity}, {group.height})")
        for f in group.head(limit_per_code).iter_rows(named=True):
            where = ":".join(str(p) for p in (f["file"], f["row"]) if p is not None)
            column = f" {f['column']}" if f["column"] else ""
            out.print(f"  {where}{column}: {f['message']}", markup=False, highlight=False)
        if group.height > limit_per_code:
            out.print(f"  … and {group.height - limit_per_code} more (use --format csv for all)")


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="Files or folders")],
             home: HomeOpt = None, fmt: FormatOpt = Format.text,
             strict: Annotated[bool, typer.Option("--strict", help="Fail on any row error")] = False,
             quiet: QuietOpt = False):
    """Check extracts and print findings; imports nothing. An Annex A workbook (recognised by its
    headings) is checked against Annex A's rules instead (docs/annex-a.md)."""
    from carewatch.annexa_checks import check_workbook, is_annex_a
    from carewatch.checks.findings import Severity, concat_findings
    from carewatch.importer import validate as run_validate

    from carewatch import settings as settings_mod

    annex = {p: check_workbook(p) for p in paths if is_annex_a(p)}
    for path, (sheets, _) in annex.items():
        err.print(f"{path.name}: Annex A, " + ", ".join(f"List {n} on sheet '{s}'" for n, s in sorted(sheets.items())))
    annex_findings = concat_findings([found for _, found in annex.values()])
    annex_failed = annex_findings.filter((pl.col("severity") == Severity.FILE_ERROR) | (
        pl.lit(strict) & (pl.col("severity") == Severity.ERROR))).height > 0
    extracts = [p for p in paths if p not in annex]
    if not extracts:  # only Annex A workbooks: no extracts to read
        _print_findings(annex_findings, fmt)
        if fmt is Format.text:
            out.print(f"\n{annex_findings.filter(pl.col('severity') == Severity.ERROR).height} Annex A errors, "
                      f"{annex_findings.filter(pl.col('severity') == Severity.WARNING).height} warnings.")
        if annex_failed:
            raise typer.Exit(1)
        return
    with stages("validate", err, quiet) as step:
        result = run_validate(extracts, step, settings_mod.load(_home(home).root))
    _print_findings(concat_findings([annex_findings, result.findings]), fmt)
    if fmt is Format.text:
        out.print(f"\n{result.count(Severity.FILE_ERROR)} file errors, {result.count(Severity.ERROR)} row errors "
                  f"({result.quarantine.height} children would be left out), {result.count(Severity.WARNING)} warnings.")
    if annex_failed or result.rejected or (strict and result.count(Severity.ERROR)):
        raise typer.Exit(1)


@app.command("import")
def import_(paths: Annotated[list[Path], typer.Argument(help="Files or folders")],
            home: HomeOpt = None,
            la: Annotated[Optional[str], typer.Option("--la", help="Local authority code")] = None,
            extract_date: Annotated[Optional[str], typer.Option("--extract-date")] = None,
            strict: Annotated[bool, typer.Option("--strict", help="Reject the import on any row error")] = False,
            accept_drop: Annotated[bool, typer.Option(
                "--accept-drop", help="Publish even if figures fell against the published snapshot")] = False,
            by: Annotated[Optional[str], typer.Option(
                "--by", help="Who accepts the drop, for the register [default: the OS user]")] = None,
            wait: Annotated[float, typer.Option(
                "--wait", help="Seconds to wait for an import already running into this home")] = 0,
            fmt: FormatOpt = Format.text, quiet: QuietOpt = False):
    """Import extracts into a new snapshot, derive duties and indicators, publish; prints the id."""
    from carewatch.importer import run_import
    from carewatch.snapshot import ImportRunning

    when = _date(extract_date, "--extract-date")
    if when and when > date.today():  # every "as of" figure would be computed for a day not yet come
        raise typer.BadParameter(f"{when.isoformat()} is after today", param_hint="--extract-date")
    _batch_priority(home)
    try:
        with stages("import", err, quiet) as step:
            result = run_import(_home(home), paths, la=la, extract_date=when, strict=strict, progress=step,
                                accept_drop=accept_drop, accepted_by=by, wait=wait)
    except ImportRunning as exc:
        err.print(f"Import not started: {exc}.", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if not result.published:
        _print_findings(result.validation.findings, fmt)
        err.print(f"Import rejected: {result.reason}. Nothing published changed.")
        raise typer.Exit(1)
    if fmt is Format.text:
        q = result.validation.quarantine.height
        if q:
            err.print(f"{q} children left out for data errors (see `carewatch validate`).")
        out.print(result.snapshot_id)
    else:
        _print_frame(pl.DataFrame([{"snapshot_id": result.snapshot_id,
                                    "quarantined_children": result.validation.quarantine.height}]), fmt)


@app.command()
def snapshots(home: HomeOpt = None, fmt: FormatOpt = Format.text,
              check: Annotated[bool, typer.Option(
                  "--verify", help="Check every snapshot's SHA-256 and size; exit 1 if any fails")] = False,
              trust: Annotated[Optional[str], typer.Option(
                  "--trust", help="Record the checksum of snapshot ID, published before checksums were "
                                  "recorded, so that it is used again (trust on first use)")] = None,
              by: Annotated[Optional[str], typer.Option(
                  "--by", help="Who trusts it, for the register [default: the OS user]")] = None):
    """The register of snapshots: id, created, source files, counts; the published one marked."""
    from carewatch.snapshot import verify

    where = _home(home)
    if trust:
        _trust(where, trust, by)
        return
    rows = register(where)
    if check:
        registered = {r["id"] for r in rows}
        rows += [{"id": i} for i in where.snapshot_ids() if i not in registered]  # files with no entry
        for row in rows:
            problem = verify(where, row["id"])
            row["integrity"] = f"FAILED: {problem}" if problem else "ok"
    if fmt is Format.json:  # as recorded: the per-table row counts and accepted findings too
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
    else:
        shown = [{k: v for k, v in r.items() if k not in ("table_rows", "accepted_drop", "sha256")} for r in rows]
        _print_frame(pl.DataFrame(shown) if shown else pl.DataFrame(schema={"id": pl.Utf8}), fmt, title="Snapshots")
    if check and any(r["integrity"] != "ok" for r in rows):
        raise typer.Exit(1)


def _in_home(home: Optional[Path]):
    """The targets in force and the analysts' commentary (the app DB's, if the home has one)."""
    from carewatch.web.indicators.home import in_home

    return in_home(_home(home).root)


def _trust(where, snapshot_id: str, by: Optional[str]) -> None:
    import getpass

    from carewatch.snapshot import ImportRunning, remedy, trust, verify

    try:
        entry = trust(where, snapshot_id, by or getpass.getuser())
    except (ValueError, ImportRunning) as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"Snapshot {snapshot_id} trusted by {entry['trusted_by']} at {entry['trusted_at']}: its SHA-256 "
              f"{entry['sha256']} and size {entry['size']:,} bytes are recorded in the register.",
              markup=False, highlight=False, soft_wrap=True)
    problem = verify(where, snapshot_id)
    if problem:
        err.print(f"Snapshot {snapshot_id} still cannot be used ({problem}): {remedy(snapshot_id, problem)}.",
                  markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def _open(home: Optional[Path]):
    try:
        con = open_snapshot(_home(home))
    except NoSnapshot as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    return con, read_meta(con)


@app.command()
def due(home: HomeOpt = None, as_of: AsOfOpt = None,
        team: Annotated[Optional[str], typer.Option("--team", help="The team that owns the duty (open duties: the child's team on the as-of date)")] = None,
        duty: Annotated[Optional[str], typer.Option("--duty", help="IHA, IHA_REQUEST, RHA, DENTAL, VISIT, REVIEW, ...")] = None,
        child: Annotated[Optional[str], typer.Option("--child")] = None,
        worker: Annotated[Optional[str], typer.Option("--worker", help="Worker name, any case")] = None,
        unallocated: Annotated[bool, typer.Option("--unallocated", help="Only children with no allocation on the as-of date")] = False,
        due_within: Annotated[Optional[int], typer.Option("--due-within", min=0, help="Only duties not yet met and due within N days (0 = today, 6 = this week)")] = None,
        status: Annotated[str, typer.Option("--status", help="open (overdue + due), overdue, due, upcoming, done_on_time, done_late, missed, all")] = "open",
        fmt: FormatOpt = Format.text):
    """The due list: every statutory duty with its status on the as-of date, most urgent first."""
    from carewatch import settings as settings_mod
    from carewatch.duties import DUE_LIST_FILTERS, due_list

    if status not in DUE_LIST_FILTERS:
        raise typer.BadParameter(f"one of {', '.join(DUE_LIST_FILTERS)}", param_hint="--status")
    con, meta = _open(home)
    when = _as_of(con, meta, as_of)
    frame = due_list(con, when, team=team, duty=duty, child=child, worker=worker, status=status,
                     allocated=False if unallocated else None, due_within_days=due_within,
                     settings=settings_mod.load(_home(home).root))
    if fmt is not Format.text:
        _print_frame(frame, fmt)
        return
    out.print(f"Due list on {when.isoformat()} (snapshot {meta['snapshot_id']}): {frame.height} duties")
    frame = frame.with_columns(
        pl.when(pl.col("days_overdue").is_not_null()).then(pl.format("{} days overdue", "days_overdue"))
        .when(pl.col("days_left") == 0).then(pl.lit("today"))
        .when(pl.col("days_left").is_not_null()).then(pl.format("in {} days", "days_left"))
        .alias("when")).select("child", "duty", "due", "done", "status", "when", "team", "worker")
    for (team_name,), group in frame.group_by(["team"], maintain_order=True):
        _print_frame(group.drop("team"), fmt, title=f"Team: {team_name or 'unallocated'}")


@app.command()
def drift(home: HomeOpt = None, as_of: AsOfOpt = None,
          reason: Annotated[Optional[str], typer.Option("--reason", help="One drift reason (docs/drift.md)")] = None,
          team: Annotated[Optional[str], typer.Option("--team", help="The child's team on the as-of date")] = None,
          fmt: FormatOpt = Format.text):
    """The drift list: children drifting on the as-of date, one row per child and reason (docs/drift.md)."""
    from carewatch import settings as settings_mod
    from carewatch.drift import BY_ID, drift_list

    if reason is not None and reason not in BY_ID:
        raise typer.BadParameter(f"one of {', '.join(BY_ID)}", param_hint="--reason")
    con, meta = _open(home)
    when = _as_of(con, meta, as_of)
    frame = drift_list(con, when, reason=reason, team=team, settings=settings_mod.load(_home(home).root))
    if fmt is not Format.text:
        _print_frame(frame, fmt)
        return
    out.print(f"Drift list on {when.isoformat()} (snapshot {meta['snapshot_id']}): {frame.height} rows")
    for (name,), group in frame.group_by(["reason"], maintain_order=True):
        _print_frame(group.drop("reason"), fmt, title=f"{BY_ID[name].title} ({name})")


@app.command()
def kpis(home: HomeOpt = None, as_of: AsOfOpt = None,
         months: Annotated[Optional[int], typer.Option("--months", help="How many month-ends back")] = None,
         id: Annotated[Optional[str], typer.Option("--id", help="One indicator id")] = None,
         children: Annotated[bool, typer.Option("--children", help="The rows behind the figures instead: id, period_end, basis, key, counted and the deciding fields")] = False,
         period_end: Annotated[Optional[str], typer.Option("--period-end", help="With --children: the figure's date [default: each indicator's latest on/before the as-of date]")] = None,
         fmt: FormatOpt = Format.text):
    """Indicator values per month-end: id, period_end, numerator, denominator, value, unit, target, rag."""
    from carewatch.kpis import REGISTRY, kpi_series

    if id is not None and id not in REGISTRY:
        raise typer.BadParameter(f"no indicator {id!r} (see docs/kpis.md)", param_hint="--id")
    con, meta = _open(home)
    when = _as_of(con, meta, as_of)
    if children:
        _print_rows_behind(con, meta, id, _as_of(con, meta, period_end, "--period-end"), when, fmt)
        return
    frame = kpi_series(con, id=id, as_of=when, months=months, targets=_in_home(home)[0])
    _print_frame(frame, fmt, title=f"Indicators to {when.isoformat()} (snapshot {meta['snapshot_id']})")


def _print_rows_behind(con, meta: dict, kpi_id: Optional[str], period_end: Optional[date], as_of: date,
                       fmt: Format) -> None:
    """`kpis --children`: one indicator's rows with its deciding fields as columns; every
    indicator's with the fields as a JSON text column `fields` (JSON output: extra keys)."""
    from carewatch.kpis import REGISTRY
    from carewatch.kpis.behind import rows_json, rows_table
    from carewatch.kpis.engine import kpi_rows

    if kpi_id is not None and REGISTRY[kpi_id].basis == "none":
        err.print(f"{kpi_id} has basis 'none': it is derived from other figures, with no rows behind it.")
    listed = kpi_rows(con, date.fromisoformat(meta["extract_date"]), period_end=period_end,
                      ids=[kpi_id] if kpi_id else None, latest_to=None if period_end else as_of)
    if fmt is Format.json:
        sys.stdout.write(rows_json(listed) + "\n")
        return
    frame = rows_table(listed)
    when = period_end.isoformat() if period_end else f"the latest date to {as_of.isoformat()}"
    _print_frame(frame, fmt, title=f"Rows behind {kpi_id or 'every indicator'} on {when} (snapshot {meta['snapshot_id']})")


@app.command()
def synth(profile: Annotated[str, typer.Option("--profile", help="demo, small or national")] = "small",
          seed: Annotated[int, typer.Option("--seed")] = 1,
          out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the extracts into")] = Path("synth-out"),
          as_of: AsOfOpt = None, quiet: QuietOpt = False):
    """Write a synthetic council's extracts (903 per year, local extract, CIN census, manifest)."""
    from carewatch.synth import generate

    if profile not in ("demo", "small", "national"):
        raise typer.BadParameter("one of demo, small, national", param_hint="--profile")
    with stages("synth", err, quiet) as step:
        try:
            summary = generate(profile, seed, out_dir, _date(as_of, "--as-of"), progress=step)
        except ValueError as exc:  # e.g. an as-of date before the profile's history starts
            raise typer.BadParameter(str(exc), param_hint="--as-of")
    out.print(summary)


@app.command()
def report(home: HomeOpt = None, as_of: AsOfOpt = None,
           out_dir: Annotated[Path, typer.Option("--out", help="Folder for performance-summary.html/.pdf/.xlsx")] = Path("report"),
           public: Annotated[bool, typer.Option("--public", help="No child-level data; small numbers suppressed")] = False,
           quiet: QuietOpt = False):
    """The committee's performance summary and data pack as HTML, PDF and XLSX."""
    from carewatch.reports import write_report

    con, meta = _open(home)
    when = _as_of(con, meta, as_of) if as_of is not None else None
    with stages("report", err, quiet) as step:
        targets, commentary = _in_home(home)
        written = write_report(con, out_dir, as_of=when, public=public, targets=targets, commentary=commentary,
                               progress=step)
    for path in written.values():
        out.print(str(path))


def _list_numbers(text: str) -> list[int]:
    """'3-10' or '3,5,8' (or both) as list numbers 1-11."""
    chosen: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            chosen += list(range(int(low), int(high or low) + 1))
    except ValueError:
        raise typer.BadParameter("list numbers such as 3-10 or 3,5,8", param_hint="--lists")
    if not chosen or not all(1 <= n <= 11 for n in chosen):
        raise typer.BadParameter("list numbers from 1 to 11", param_hint="--lists")
    return sorted(set(chosen))


@app.command("annex-a")
def annex_a(out_dir: Annotated[Optional[Path], typer.Option(
                "--out", help="Folder for annex-a-<la>-<as-of>.xlsx (optional with --check)")] = None,
            home: HomeOpt = None, as_of: AsOfOpt = None,
            months: Annotated[int, typer.Option("--months", min=1, max=24, help="The window: months to the as-of date")] = 6,
            lists: Annotated[str, typer.Option("--lists", help="Which lists, e.g. 3-10 (default: all 11)")] = "1-11",
            check: Annotated[bool, typer.Option(
                "--check", help="Print the inspection-readiness checks (docs/annex-a.md)")] = False,
            children: Annotated[bool, typer.Option(
                "--children", help="With --check: the children behind each check, one row each")] = False,
            fmt: FormatOpt = Format.text, quiet: QuietOpt = False):
    """Ofsted's Annex A: the inspection's child-level lists, from the current snapshot."""
    from carewatch import settings as settings_mod
    from carewatch.annexa import annex_a as build, write_annex_a

    if out_dir is None and not check:
        raise typer.BadParameter("give a folder to write the workbook to (or --check)", param_hint="--out")
    chosen = _list_numbers(lists)
    con, meta = _open(home)
    when = _as_of(con, meta, as_of)
    settings = settings_mod.load(_home(home).root)
    extract = date.fromisoformat(meta["extract_date"])
    with stages("annex-a", err, quiet) as step:
        step("building the lists")
        result = build(con, when, extract, months=months, area_postcodes=settings.area_postcodes, lists=chosen)
        step("building the lists", rows=sum(frame.height for frame in result.frames.values()))
        if out_dir is not None:
            step("writing the workbook")
            out_dir.mkdir(parents=True, exist_ok=True)
            path = write_annex_a(result, out_dir / f"annex-a-{meta.get('la', 'la')}-{when.isoformat()}.xlsx", meta)
    if out_dir is not None:
        for number, frame in result.frames.items():
            err.print(f"List {number}: {frame.height} rows" + (f" (empty: {result.missing[number]})"
                                                               if number in result.missing else ""))
        out.print(str(path))
    if check:
        _print_readiness(con, result, extract, fmt, children)


def _print_readiness(con, result, extract: date, fmt: Format, children: bool) -> None:
    from carewatch.annexa_checks import readiness

    found = readiness(con, result, extract)
    if children:
        rows = found.child_rows()
        _print_frame(rows, fmt, title="Children behind the readiness checks")
        return
    _print_frame(found.summary(), fmt, title=f"Annex A readiness on {result.as_of:%-d %B %Y}")
    if fmt is Format.text:
        if found.indicators.height == 0:
            out.print("List 8 was not compared with the indicators: it was not asked for, or has no source.")
        elif found.agrees:
            out.print("List 8 agrees with the dashboard's indicators: no figure differs.")
        else:
            out.print("List 8 DISAGREES with the dashboard's indicators: see the indicator rows above.")


@app.command()
def backup(to: Annotated[Path, typer.Option("--out", help="The archive to write (a .tar)")], home: HomeOpt = None):
    """Back up the app DB (users, audit log, scrutiny records) and the snapshots into one archive."""
    from carewatch.backup import BackupError, backup as write_backup

    try:
        manifest = write_backup(_home(home), to)
    except BackupError as exc:
        typer.echo(f"backup failed: {exc}", err=True)
        raise typer.Exit(1)
    size = sum(f["size"] for f in manifest["files"].values())
    typer.echo(f"{to}: {len(manifest['files'])} files, {size:,} bytes, {manifest['app_db']} app DB")


@app.command()
def restore(archive: Annotated[Path, typer.Argument(help="An archive written by `carewatch backup`")],
            home: HomeOpt = None):
    """Restore a backup into an empty home (and an empty app DB), checking every checksum."""
    from carewatch.backup import BackupError, restore as read_backup

    try:
        manifest = read_backup(archive, _home(home))
    except BackupError as exc:
        typer.echo(f"restore refused: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"restored {len(manifest['files'])} files from the backup of {manifest['created']}, checksums verified")


@app.command()
def refresh(drop: Annotated[Path, typer.Argument(help="The drop directory: one folder per extract, manifest.json written last")],
            home: HomeOpt = None,
            digest: Annotated[bool, typer.Option("--digest", help="After a new import, email the managers' morning digest")] = False,
            quiet: QuietOpt = False):
    """The nightly job: import the newest complete extract folder, prune old snapshots (retention
    settings), write the month's performance summary when a month has closed, and with --digest
    email the morning digest of the new snapshot. One line of output."""
    from carewatch.refresh import refresh as run_refresh

    if not drop.is_dir():
        raise typer.BadParameter(f"{drop} is not a directory", param_hint="DROP")
    _batch_priority(home)
    with stages("refresh", err, quiet) as step:
        outcome = run_refresh(_home(home), drop, progress=step)
    line = outcome.summary()
    if digest and outcome.ok and outcome.imported is not None:
        from carewatch.web.cli import setup_django

        setup_django(_home(home).root)
        from carewatch.web import digest as morning

        snapshot_id, digests = morning.for_published_snapshot()
        line += f", {morning.send(digests, snapshot_id)} morning digest(s) sent"
    typer.echo(line)
    if not outcome.ok:
        raise typer.Exit(1)


@app.command()
def forecast(home: HomeOpt = None,
             months: Annotated[int, typer.Option("--months", min=1, max=36, help="Months ahead (1-36)")] = 24,
             scenario: Annotated[Optional[str], typer.Option("--scenario", help="A saved scenario's name")] = None,
             run_backtest: Annotated[bool, typer.Option("--backtest", help="Print the backtest's accuracy instead")] = False,
             fmt: FormatOpt = Format.text, quiet: QuietOpt = False):
    """Demand forecast: children looked after by placement group and UASC, p10/p50/p90 per month."""
    from carewatch import settings as settings_mod
    from carewatch.forecast.service import run_forecast

    con, meta = _open(home)
    change = None
    if scenario is not None:
        from carewatch.forecast.scenarios import UnknownScenario, load_scenario
        try:
            change = load_scenario(_home(home).root, scenario)
        except UnknownScenario as exc:
            raise typer.BadParameter(str(exc), param_hint="--scenario")
    with stages("forecast", err, quiet) as step:
        step("fitting and simulating" + (" and backtesting" if run_backtest else ""))
        result = run_forecast(con, months=months, settings=settings_mod.load(_home(home).root), change=change,
                              with_backtest=run_backtest)
    if result is None:
        err.print("No history in the snapshot to forecast from.")
        raise typer.Exit(1)
    if run_backtest:
        _print_frame(result.backtest, fmt, title=f"Backtest ({result.window_months}-month reference window)")
        if fmt is Format.text:
            out.print(result.backtest_verdict or "The backtest meets the aims (12-month MAPE under 10%, "
                                                  "80% interval coverage 70-95%).")
        return
    title = (f"Forecast from {result.origin.isoformat()} (snapshot {meta['snapshot_id']}"
             + (f", scenario {scenario}" if scenario else "") + ")")
    _print_frame(result.rows, fmt, title=title)
    if fmt is Format.text:
        nts = result.nts
        if nts["threshold"] is not None:
            reached = nts["reached_p50"].isoformat() if nts["reached_p50"] else f"not within {months} months (median)"
            out.print(f"UASC against the NTS threshold of {nts['threshold']:.0f}: reached {reached}; "
                      f"{nts['share_reaching']}% of simulations reach it.")
        _print_frame(result.spend, fmt, title="Projected spend per forecast year, GBP (illustrative unit costs "
                                              "unless set in carewatch.toml)")


def _register_web_commands() -> None:
    """`serve`, `digest` and `user add` live with the dashboard; imported lazily so the CLI starts fast."""
    from carewatch.web.cli import digest, serve, user_app

    app.command(help="Run the dashboard on HOST:PORT.")(serve)
    app.command(help="The managers' morning digest: print it, or email it with --send.")(digest)
    app.add_typer(user_app, name="user")


_register_web_commands()


@app.command()
def demo(home: HomeOpt = None,
         seed: Annotated[int, typer.Option("--seed")] = 1,
         host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
         port: Annotated[int, typer.Option("--port")] = 8000,
         no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after the report")] = False):
    """The whole product on a synthetic council: synth 'demo', import, report, then serve."""
    from carewatch.importer import run_import
    from carewatch.reports import write_report
    from carewatch.synth import generate
    from carewatch.web.cli import demo_logins, serve
    from carewatch.web.scrutiny.demo import load_seed_demo

    where = _home(home)
    extracts = where.root / "demo-extracts"
    with stages("demo", err) as step:
        step("generating the demo council (synthetic: no real child)")
        generate("demo", seed, extracts)
        result = run_import(where, [extracts], progress=step)
        if not result.published:
            _print_findings(result.validation.findings, Format.text)
            raise typer.Exit(1)
        step("writing the performance summary")
        with open_snapshot(where) as con:
            targets, commentary = _in_home(home)
            written = write_report(con, where.root / "report", targets=targets, commentary=commentary)
        step("creating the demo logins and the scrutiny committee's 2020 meetings")
        logins = demo_logins(where.root) + load_seed_demo(where.root)
    out.print(f"Snapshot {result.snapshot_id} published in {where.root}.")
    out.print("Performance summary: " + ", ".join(str(p) for p in written.values()))
    _print_frame(pl.DataFrame(logins), Format.text, title="Demo logins (synthetic data only)")
    if no_serve:
        return
    out.print(f"Dashboard on http://{host}:{port}/ — Ctrl-C to stop.")
    serve(host=host, port=port, home=where.root)


def main() -> None:
    """The console script (and ``python -m carewatch``): the command, then Python's exit without the
    interpreter's teardown, which frees the objects of every module loaded (Polars, DuckDB, pydantic
    ...) one by one: 0.2 s of CPU after every command, for memory the OS takes back at once. Only when
    no other thread is left to wait for; the exit handlers still run and the output is flushed."""
    # the modules loaded so far (Polars, DuckDB, Typer, rich) live as long as the process: out of the
    # collector's sight, an import's full collection walks only what the command makes (0.04-0.06 s
    # of CPU less in the demo import)
    gc.freeze()
    try:
        app(prog_name="carewatch")
        code = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):  # sys.exit("message"), as Python shows it
        print(code, file=sys.stderr)
        code = 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: Python's own exit says 120
        code = code or 120
    os._exit(code or 0)
