"""manifest.json: the import's authority and extract date, read apart from the data files.

``{"la": "938", "la_name": "...", "extract_date": "2021-11-30"}``; every key optional, each text.
A manifest that is not a JSON object (``file.bad_manifest``), or a field of the wrong type or an
extract_date that is not a date between 01/01/2000 and today (``manifest.invalid``), rejects the
import: the extract date decides every "as of" figure, so a guess would be worse than a refusal.

``history_from`` states where the records begin: one date for every table, or ``{table: date}``
(docs/duties.md "History start"). A value that is not a date, or a table carewatch does not read,
is a warning and is left out (that table's history start then falls back to the default), because
the default never calls overdue more than the data can show.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from carewatch.checks.findings import Finding, Severity, define, finding

MANIFEST_NAME = "manifest.json"

BAD_MANIFEST = define(
    "file.bad_manifest", "Unreadable manifest", Severity.FILE_ERROR,
    "{file} cannot be used: {reason}. It must be a JSON object such as "
    '{{"la": "938", "la_name": "...", "extract_date": "2021-11-30"}}.',
    remedy="Rewrite the manifest as a JSON object (la, la_name, extract_date) and import again.")


BAD_HISTORY_FROM = define(
    "file.bad_history_from", "Unusable history_from in the manifest", Severity.WARNING,
    "{file}: history_from {reason}; it is left out, and the history start is taken from the data. "
    'Write one date for every table ("2015-04-01") or one per table ({{"health_assessments": "2014-04-01"}}).',
    remedy=("Fix history_from in the manifest (one date, or one per table); until then the history start is "
            "taken from the data."))
MANIFEST_INVALID = define(
    "manifest.invalid", "Manifest field of the wrong type or out of range", Severity.FILE_ERROR,
    "{file} cannot be used: {reason}. It must be a JSON object such as "
    '{{"la": "938", "la_name": "...", "extract_date": "2021-11-30"}}.',
    remedy="Correct the named manifest field (its type or range) and import again.")
TEXT_FIELDS = ("la", "la_name", "extract_date")
EARLIEST_EXTRACT = date(2000, 1, 1)


def is_manifest(path: Path) -> bool:
    return path.name.lower() == MANIFEST_NAME


def read_manifest(path: Path, label: str) -> tuple[dict, list[Finding]]:
    """The manifest's contents (extract_date as ISO text, as written) and any finding."""
    try:
        content = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [finding(BAD_MANIFEST, file=label, reason=f"it is not valid JSON ({exc})")]
    if not isinstance(content, dict):
        return {}, [finding(BAD_MANIFEST, file=label, reason="it is not a JSON object")]
    problems = [f"{key} must be text in quotes, such as \"938\", not {json.dumps(content[key])[:50]}"
                if key == "la" else
                f"{key} must be a date written YYYY-MM-DD in quotes, not {json.dumps(content[key])[:50]}"
                if key == "extract_date" else f"{key} must be text in quotes"
                for key in TEXT_FIELDS if content.get(key) is not None and not isinstance(content[key], str)]
    extract = content.get("extract_date")
    if not problems and extract:
        try:
            day = date.fromisoformat(extract)
        except ValueError:
            problems.append(f"extract_date '{extract[:50]}' is not a date written YYYY-MM-DD")
        else:
            if day > date.today():
                problems.append(f"extract_date {extract} is after today")
            elif day < EARLIEST_EXTRACT:
                problems.append(f"extract_date {extract} is before {EARLIEST_EXTRACT.isoformat()}")
    if problems:
        return {}, [finding(MANIFEST_INVALID, file=label, reason="; ".join(problems))]
    return _checked_history_from(content, label)


def _is_date(value: object) -> bool:
    try:
        date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def _checked_history_from(content: dict, label: str) -> tuple[dict, list[Finding]]:
    """The manifest with only the usable part of history_from, and a warning for each part left out."""
    from carewatch.sources.local_extract import SPECS as LOCAL_SPECS
    from carewatch.sources.ssda903 import TABLES as TABLES_903

    value = content.get("history_from")
    if value is None:
        return content, []
    if isinstance(value, str) and _is_date(value):
        return content, []
    if not isinstance(value, dict):
        content = {k: v for k, v in content.items() if k != "history_from"}
        return content, [finding(BAD_HISTORY_FROM, file=label, reason=f"{str(value)[:50]!r} is not a date written YYYY-MM-DD")]
    known = set(TABLES_903) | {spec.name for spec in LOCAL_SPECS}
    kept, problems = {}, []
    for table, day in value.items():
        if table not in known:
            problems.append(finding(BAD_HISTORY_FROM, file=label, reason=f"names {str(table)[:50]!r}, not a table carewatch reads"))
        elif not _is_date(day):
            problems.append(finding(BAD_HISTORY_FROM, file=label,
                                    reason=f"for {table}, {str(day)[:50]!r}, is not a date written YYYY-MM-DD"))
        else:
            kept[table] = day
    return {**content, "history_from": kept}, problems


def extract_date(manifest: dict) -> date | None:
    value = manifest.get("extract_date")
    return date.fromisoformat(str(value)) if value else None
