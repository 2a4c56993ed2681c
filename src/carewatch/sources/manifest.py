"""manifest.json: the import's authority and extract date, read apart from the data files.

``{"la": "938", "la_name": "...", "extract_date": "2021-11-30"}``; every key optional. A manifest
that is not a JSON object, or an extract_date that is not a date, rejects the import: the extract
date decides every "as of" figure, so a guess would be worse than a refusal.
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
    '{{"la": "938", "la_name": "...", "extract_date": "2021-11-30"}}.')


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
    extract = content.get("extract_date")
    if extract is not None:
        try:
            date.fromisoformat(str(extract))
        except ValueError:
            return {}, [finding(BAD_MANIFEST, file=label,
                                reason=f"extract_date '{extract}' is not a date written YYYY-MM-DD")]
    return content, []


def extract_date(manifest: dict) -> date | None:
    value = manifest.get("extract_date")
    return date.fromisoformat(str(value)) if value else None
