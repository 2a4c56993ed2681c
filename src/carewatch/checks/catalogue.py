"""docs/checks.md: the catalogue of every finding code, generated from findings.REGISTRY.

Regenerate with ``uv run python -m carewatch.checks``.
"""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from carewatch.checks.findings import REGISTRY

DOCS_PATH = Path(__file__).resolve().parents[3] / "docs" / "checks.md"


def register_all() -> None:
    # importing a check module registers its codes; the readers' codes live in carewatch.sources
    importlib.import_module("carewatch.checks.all_checks")
    importlib.import_module("carewatch.checks.completeness")
    importlib.import_module("carewatch.annexa_checks")  # Annex A read back by `carewatch validate`
    if importlib.util.find_spec("carewatch.sources") is not None:
        importlib.import_module("carewatch.sources")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown() -> str:
    register_all()
    lines = [
        "# Data checks",
        "",
        "Generated from the check definitions by `uv run python -m carewatch.checks`; "
        "do not edit by hand.",
        "",
        "Severity: `file_error` rejects the import; `error` quarantines the child (kept in the "
        "snapshot, left out of duties and indicators); `warning` imports the row as it is.",
        "",
        "| code | severity | table | title | message | what to do |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for code in sorted(REGISTRY):
        check = REGISTRY[code]
        lines.append(f"| `{code}` | {check.severity} | {check.table or 'any'} | {_cell(check.title)} "
                     f"| {_cell(check.template)} | {_cell(check.remedy)} |")
    return "\n".join(lines) + "\n"


def write_catalogue(path: Path = DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalogue_markdown(), encoding="utf-8")
    return path
