"""The completeness gate: an import that looks incomplete against the published snapshot.

Run by the importer (carewatch.importer), not by ``run_checks``: it compares a whole import with
the published snapshot's register entry, where the other checks look at rows.
"""
from __future__ import annotations

from datetime import date

from carewatch.checks.findings import Finding, Severity, define, finding

NO_CHILDREN = define(
    "import.no_children", "No children in the import", Severity.FILE_ERROR,
    "The import holds no child in the 903 Header table, so it would publish an empty snapshot. "
    "Check that the Header and Episodes files hold rows (not only their header line) and import again.",
    remedy="Check the import folder holds the 903 Header and Episodes for the council and import again.")
DROP = define(
    "import.drop", "Figures fell against the published snapshot", Severity.FILE_ERROR,
    "{figure} fell from {old} to {new} ({change}), more than {threshold} % against the published "
    "snapshot {published}: the extract may be incomplete. Check it, or publish it anyway with "
    "`carewatch import --accept-drop` (this finding then stays as a warning).",
    remedy=("Check the extract is complete (every year and table sent); if the fall is real, an "
            "administrator accepts it with --accept-drop."))
EARLIER_EXTRACT = define(
    "import.earlier_extract", "Extract date earlier than the published snapshot's", Severity.FILE_ERROR,
    "The extract date {new} is earlier than the published snapshot's ({old}): publishing it would "
    "move every figure back in time. Check the extract date, or publish it anyway with "
    "`carewatch import --accept-drop` (this finding then stays as a warning).",
    remedy="Import the newer extract, or, if an earlier extract is meant, an administrator imports it deliberately.")

def _ddmmyyyy(day: str) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y")


def gate_findings(new: dict, old: dict | None, max_drop_pct: float) -> list[Finding]:
    """The completeness gate: what fell by more than ``max_drop_pct`` % between the published
    snapshot's register entry ``old`` and the new snapshot's figures ``new`` (both from
    ``snapshot.summarise``), and an extract date that went back."""
    if not old:
        return []
    published = old["id"]
    figures = [(f"Children looked after on {_ddmmyyyy(new['extract_date'])}", "looked_after"),
               ("Episodes", "episodes")]
    pairs = [(label, old.get(key), new.get(key)) for label, key in figures]
    pairs += [(f"Rows of {table}", rows, new["table_rows"].get(table, 0))
              for table, rows in sorted(old.get("table_rows", {}).items())]
    found = [finding(DROP, figure=label, old=before, new=after, change=f"{(after - before) / before:+.1%}"
                     .replace("%", " %"), threshold=f"{max_drop_pct:g}", published=published)
             for label, before, after in pairs
             if before and after is not None and (before - after) * 100 > max_drop_pct * before]
    if old.get("extract_date") and new["extract_date"] < old["extract_date"]:
        found.append(finding(EARLIER_EXTRACT, new=_ddmmyyyy(new["extract_date"]),
                             old=_ddmmyyyy(old["extract_date"])))
    return found
