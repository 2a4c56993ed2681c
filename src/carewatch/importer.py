"""The import service: read → check → build snapshot → derive → publish (or reject).

Used by ``carewatch validate`` (read and check only) and ``carewatch import``. Progress is
reported through a callback so the CLI can show bars without this module printing anything.
"""
from __future__ import annotations

import getpass
import logging
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from carewatch import settings as settings_mod
from carewatch.checks import quarantined_children, run_checks
from carewatch.checks.completeness import NO_CHILDREN, gate_findings
from carewatch.checks.findings import Severity, concat_findings, finding, findings_frame
from carewatch.snapshot import Home, SnapshotBuilder, import_lock, new_snapshot_id, register_entry
from carewatch.sources import read_inputs
from carewatch.sources.common import Limits
from carewatch.progress import Progress, silent

log = logging.getLogger("carewatch.import")

#: below this many checked rows the snapshot's DuckDB runs on one thread: its statements on a council's
#: tables (the demo: 313,049 rows) are too small to share between threads, and a second thread cost
#: 0.35 s of CPU more in deriving and indicators (docs/benchmarks.md, "The demo import, session 10");
#: the two tables inserted at a time are still inserted side by side, each on its own connection
SMALL_IMPORT_ROWS = 1_000_000


@dataclass
class Validation:
    tables: dict[str, pl.DataFrame]  # emptied by run_import as it moves them into the snapshot
    findings: pl.DataFrame
    manifest: dict
    files: list[dict]
    quarantine: pl.DataFrame = field(default_factory=pl.DataFrame)

    def count(self, severity: Severity) -> int:
        return self.findings.filter(pl.col("severity") == str(severity)).height

    @property
    def rejected(self) -> bool:
        return self.count(Severity.FILE_ERROR) > 0


@dataclass
class ImportResult:
    validation: Validation
    snapshot_id: str | None
    reason: str | None = None  # why the import was rejected

    @property
    def published(self) -> bool:
        return self.snapshot_id is not None


def validate(paths: list[Path], progress: Progress = silent, settings=None) -> Validation:
    """Read and check ``paths`` as an import would: Header and Episodes are required, and an
    import holding no child is rejected (a snapshot replaces the whole published one). The
    limits are ``settings``' (default: the Settings defaults)."""
    progress("reading")
    read = read_inputs(paths, require_903=True, limits=Limits.of(settings or settings_mod.DEFAULT),
                       progress=progress)
    findings = read.findings
    header = read.tables.get("header")
    if header is None or header.get_column("child").drop_nulls().len() == 0:
        findings = concat_findings([findings, findings_frame([finding(NO_CHILDREN)])])
    quarantine = pl.DataFrame(schema={"child": pl.Utf8, "codes": pl.Utf8})
    if not read.rejected:
        progress("checking")
        findings = concat_findings([findings, run_checks(read.tables)])
        progress("checking", rows=sum(frame.height for frame in read.tables.values()))
        quarantine = quarantined_children(findings)
    return Validation(read.tables, findings, read.manifest, read.files, quarantine)


# Dates that are not events recorded by the extract: births, and dates set in advance (the date
# UASC status will cease, an expected birth, a conference target). They must not set the extract date.
NOT_EVENT_DATES = {"dob", "mc_dob", "duc", "expected_dob", "icpc_target", "death_date"}


def latest_date_in(tables: dict[str, pl.DataFrame]) -> date | None:
    """The latest event date in the data, but not after today (a typo in 2099 must not win) nor,
    when the 903 is present, after the end of its latest collection year (31 March)."""
    today = date.today()
    episodes = tables.get("episodes")
    if episodes is not None and episodes.get_column("year").max() is not None:
        today = min(today, date(int(episodes.get_column("year").max()), 3, 31))
    latest: date | None = None
    for frame in tables.values():
        for name, dtype in frame.schema.items():
            if dtype == pl.Date and name not in NOT_EVENT_DATES:
                values = frame.get_column(name).filter(frame.get_column(name) <= today)
                top = values.max() if values.len() else None
                if top is not None and (latest is None or top > latest):
                    latest = top
    return latest


def run_import(home: Home, paths: list[Path], *, la: str | None = None, extract_date: date | None = None,
               strict: bool = False, progress: Progress = silent, accept_drop: bool = False,
               accepted_by: str | None = None, wait: float = 0,
               _fail_before_publish: bool = False) -> ImportResult:
    """Import ``paths`` into a new snapshot and publish it; on rejection nothing published changes.

    The completeness gate runs on the built snapshot: a drop against the published snapshot
    rejects it unless ``accept_drop`` (then the findings stay as warnings and the register records
    ``accepted_by``, by default the OS user).

    One import at a time per home: the whole import holds the home's lock, waiting up to ``wait``
    seconds for it (else ``snapshot.ImportRunning``)."""
    with import_lock(home, wait):
        return _run_import(home, paths, la=la, extract_date=extract_date, strict=strict, progress=progress,
                           accept_drop=accept_drop, accepted_by=accepted_by,
                           _fail_before_publish=_fail_before_publish)


def _run_import(home: Home, paths: list[Path], *, la, extract_date, strict, progress, accept_drop,
                accepted_by, _fail_before_publish) -> ImportResult:
    settings = settings_mod.load(home.root)
    checked = validate(paths, progress, settings)
    if checked.rejected:
        return ImportResult(checked, None, "file errors")
    if strict and checked.count(Severity.ERROR):
        return ImportResult(checked, None, "row errors (--strict)")

    manifest = checked.manifest
    la = la or manifest.get("la")
    if extract_date is None and manifest.get("extract_date"):
        extract_date = date.fromisoformat(manifest["extract_date"])
    extract_date = extract_date or latest_date_in(checked.tables)
    if extract_date is None:
        return ImportResult(checked, None, "no dates in the data and no --extract-date")

    snapshot_id = new_snapshot_id([f["sha256"] for f in checked.files])
    small = sum(frame.height for frame in checked.tables.values()) < SMALL_IMPORT_ROWS
    builder = SnapshotBuilder(home, snapshot_id, settings.import_memory_limit_mb, threads=1 if small else 0)
    try:
        progress("building snapshot")
        rows = build_snapshot(builder, checked, {
            "snapshot_id": snapshot_id,
            "la": la,
            "la_name": manifest.get("la_name"),
            "extract_date": extract_date.isoformat(),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
        progress("building snapshot", rows=rows)
        progress("deriving periods, placements and duties")
        _derive(builder, settings, extract_date, progress, manifest.get("history_from"))
        progress("comparing with the published snapshot")
        gate = findings_frame(gate_findings(builder.summary(), register_entry(home, home.current_id()),
                                            settings.import_max_drop_pct))
        if gate.height and not accept_drop:
            builder.abandon()
            checked.findings = concat_findings([checked.findings, gate])
            return ImportResult(checked, None, "figures fell against the published snapshot")
        entry = {}
        if gate.height:
            gate = gate.with_columns(pl.lit(str(Severity.WARNING)).alias("severity"))
            builder.insert("findings", gate)
            checked.findings = concat_findings([checked.findings, gate])
            entry = {"accepted_drop_by": accepted_by or getpass.getuser(),
                     "accepted_drop": gate.get_column("message").to_list()}
        if _fail_before_publish:
            raise RuntimeError("injected failure before publish")
        progress("publishing")
        builder.publish(entry, before_current=lambda: _fill_page_cache(home, snapshot_id, progress))
    except BaseException:
        builder.abandon()
        raise
    return ImportResult(checked, snapshot_id)


def build_snapshot(builder: SnapshotBuilder, checked: Validation, meta: dict[str, object]) -> int:
    """Move the checked tables, the source files, findings and quarantine into the snapshot with
    ``meta`` (plus the quarantine count and the tables present); the rows of the tables moved."""
    rows, present = sum(frame.height for frame in checked.tables.values()), sorted(checked.tables)
    # each frame let go once DuckDB holds it: deriving needs that memory (national: GBs)
    builder.insert_all(checked.tables)
    with builder.bulk():
        builder.insert("source_files", pl.DataFrame(checked.files) if checked.files else None)
        builder.insert("findings", checked.findings)
        builder.insert("quarantine", checked.quarantine)
        builder.set_meta({**meta, "quarantined_children": checked.quarantine.height,
                          "tables_present": ",".join(present)})
    return rows


def _fill_page_cache(home: Home, snapshot_id: str, progress: Progress) -> None:
    """The dashboard's results for the new snapshot (carewatch.web.page_cache), computed once here
    rather than by every server worker after the publish; none for a home no dashboard uses (no app
    DB). In a process of its own (Django and the pages' caches stay out of the import's; it inherits
    the import's niceness). A failure costs only that: the workers compute them as before."""
    from carewatch.web.indicators.home import has_app_db

    if not has_app_db(home.root):
        return
    progress("filling the dashboard's page cache")
    code = "import sys; from pathlib import Path; from carewatch.web.warm import prepare; prepare(Path(sys.argv[1]), sys.argv[2])"
    try:
        done = subprocess.run([sys.executable, "-c", code, str(home.root), snapshot_id], capture_output=True, text=True)
        if done.returncode:
            log.warning("filling the page cache of snapshot %s failed (exit %d): the dashboard's workers will "
                        "compute it", snapshot_id, done.returncode)
    except OSError:
        log.warning("could not start filling the page cache of snapshot %s", snapshot_id, exc_info=True)


def _derive(builder: SnapshotBuilder, settings, extract_date: date, progress: Progress,
            history_from: object = None) -> None:
    from carewatch.derive import derive_periods_and_placements
    from carewatch.duties import derive_duties
    from carewatch.kpis import compute_all

    derive_periods_and_placements(builder.con)
    derive_duties(builder.con, settings, extract_date, history_from=history_from)
    progress("deriving periods, placements and duties", rows=_count(builder, "duties"))
    progress("computing indicators")
    compute_all(builder.con, settings, extract_date)
    progress("computing indicators", rows=_count(builder, "kpi_values"))


def _count(builder: SnapshotBuilder, table: str) -> int:
    return builder.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
