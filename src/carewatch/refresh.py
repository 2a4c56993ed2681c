"""The nightly refresh: import the newest complete extract from a drop directory, prune old
snapshots, and write the month's performance summary once a month has closed.

The council's case-management system (or its ETL) writes each night's extract into a folder of
its own in the drop directory, manifest last: a folder without ``manifest.json`` is still being
written and is left alone. Folders are taken in name order, so name them by date (``2021-11-30``).
``HOME/refresh.json`` remembers the folder last imported and its files' fingerprint, so a second
run on the same drop does nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from carewatch import settings as settings_mod
from carewatch.calendar import add_months, month_end
from carewatch.importer import ImportResult, run_import
from carewatch.progress import Progress, silent
from carewatch.snapshot import Home, open_snapshot, read_meta, register
from carewatch.web import page_cache

STATE_FILE = "refresh.json"


@dataclass
class RefreshOutcome:
    folder: str | None = None
    imported: ImportResult | None = None
    nothing_new: bool = False
    pruned: list[str] = field(default_factory=list)
    report_month: str | None = None

    @property
    def ok(self) -> bool:
        return self.imported is None or self.imported.published

    def summary(self) -> str:
        """One line for cron's mail or the journal."""
        if self.folder is None:
            return "refresh: no complete extract folder (with manifest.json) in the drop directory"
        if self.nothing_new:
            return f"refresh: nothing new ({self.folder} already imported)"
        if not self.ok:
            result = self.imported
            return (f"refresh: {self.folder} rejected ({result.reason}; "
                    f"{result.validation.findings.height} findings; run `carewatch validate` on it)")
        parts = [f"refresh: imported {self.folder} as snapshot {self.imported.snapshot_id}",
                 f"pruned {len(self.pruned)} snapshot(s)"]
        if self.report_month:
            parts.append(f"performance summary for {self.report_month} written")
        return ", ".join(parts)


def complete_folders(drop: Path) -> list[Path]:
    """Extract folders that are complete (their manifest is there), oldest name first."""
    return sorted(p for p in drop.iterdir()
                  if p.is_dir() and not p.is_symlink() and (p / "manifest.json").is_file())


def _fingerprint(folder: Path) -> str:
    listing = sorted(f"{p.relative_to(folder)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                     for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256("\n".join(listing).encode()).hexdigest()


def _state(home: Home) -> dict:
    try:
        return json.loads((home.root / STATE_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _save_state(home: Home, state: dict) -> None:
    tmp = home.root / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    os.replace(tmp, home.root / STATE_FILE)


def snapshots_to_prune(rows: list[dict], keep_last: int, monthly_months: int, today: date) -> list[str]:
    """Retention: keep the newest ``keep_last`` snapshots, the published one, and the newest
    snapshot of each of the last ``monthly_months`` calendar months (by when it was created);
    the ids of the others. ``rows`` is the register (newest first)."""
    by_age = sorted(rows, key=lambda r: r.get("created") or "", reverse=True)
    keep = {r["id"] for r in by_age[:keep_last]} | {r["id"] for r in by_age if r["published"]}
    oldest_month = add_months(today.replace(day=1), -(monthly_months - 1)) if monthly_months else None
    newest_of_month: dict[str, str] = {}
    for row in by_age:
        created = datetime.fromisoformat(row["created"]).date() if row.get("created") else None
        if created and oldest_month and created >= oldest_month:
            newest_of_month.setdefault(created.strftime("%Y-%m"), row["id"])
    keep |= set(newest_of_month.values())
    return [r["id"] for r in by_age if r["id"] not in keep]


def _write_month_report(home: Home, progress: Progress = silent) -> str | None:
    """The performance summary of the last month closed by the current snapshot's extract date,
    written once into HOME/reports/YYYY-MM/; the month, when written now."""
    from carewatch.reports import write_report

    with open_snapshot(home) as con:
        extract = date.fromisoformat(read_meta(con)["extract_date"])
        closed = month_end(add_months(extract.replace(day=1), -1))
        if extract == month_end(extract):
            closed = extract
        folder = home.root / "reports" / closed.strftime("%Y-%m")
        if (folder / "performance-summary.pdf").exists():
            return None
        from carewatch.web.indicators.home import in_home

        targets, commentary = in_home(home.root)
        write_report(con, folder, as_of=closed, targets=targets, commentary=commentary, progress=progress)
    return closed.strftime("%Y-%m")


def refresh(home: Home, drop: Path, *, today: date | None = None, progress: Progress = silent) -> RefreshOutcome:
    today = today or date.today()
    settings = settings_mod.load(home.root)
    folders = complete_folders(drop)
    if not folders:
        return RefreshOutcome()
    newest = folders[-1]
    outcome = RefreshOutcome(folder=newest.name)
    state = _state(home)
    fingerprint = _fingerprint(newest)
    if state.get("folder") == newest.name and state.get("fingerprint") == fingerprint:
        outcome.nothing_new = True
        return outcome
    outcome.imported = run_import(home, [newest], progress=progress)
    if not outcome.imported.published:
        return outcome
    _save_state(home, {"folder": newest.name, "fingerprint": fingerprint,
                       "snapshot_id": outcome.imported.snapshot_id})
    for snapshot_id in snapshots_to_prune(register(home), settings.retention_keep_last,
                                          settings.retention_monthly_months, today):
        home.path_of(snapshot_id).unlink(missing_ok=True)
        page_cache.remove(home, snapshot_id)
        outcome.pruned.append(snapshot_id)
    outcome.report_month = _write_month_report(home, progress)
    return outcome
