"""Run the DfE 903 rule validator (csc-validator-be-903) on one collection year of a synthetic
council, with the previous year supplied, and report errors per rule.

Runs inside the validator's own virtual environment (it pins an old pandas), never in the
project's: see conformance_dfe_validator.sh. Exit status 0 when no rule outside the excluded list
(rules that need reference data, rules that fail to run) finds an error.
"""
import contextlib
import importlib
import io
import json
import logging
import re
import sys
from pathlib import Path

from lac_validator.lac_validator import LacValidator
from lac_validator.utils import process_uploaded_files

# Rules that derive placement distance, placement LA and location from the postcodes with the ONS
# lookup the validator ships; the Ofsted URN rules that need the provider register skip themselves
# when it is not supplied, so they need no exclusion.
REFERENCE_DATA = re.compile(r"postcode|distance|local authority \(la\) of placement|placement la\b", re.IGNORECASE)

# Rules that need a child's whole care history, of which the validator is given two years: a care
# leaver who left care at 16 three years ago has no episode in either year (1002, as its own
# message notes), and 1001 counts 13 weeks in care after 14 only from the episodes it sees and
# drops every OC3 child aged 20 or over before it counts at all.
NEEDS_OLDER_YEARS: dict[str, str] = {
    "1001": "needs care history older than the two years loaded (counts weeks in care since 14 from them only)",
    "1002": "needs care history older than the two years loaded (its own note: only current and previous year tested)",
}

# Rules that compare a year with the one before as text, across a change of coding between them.
CODING_CHANGES: dict[int, dict[str, str]] = {
    2025: {"202": "compares SEX with last year's as text, across the 2024-25 change from 1/2 to M/F"},
}


def pick_ruleset(year: int) -> str:
    """The validator's rule pack for the collection year, or its earliest one for older years
    (it ships packs from 2022-23 only)."""
    import lac_validator.rules as packs

    available = sorted(p.name for p in Path(next(iter(packs.__path__))).iterdir() if p.name.startswith("lac20"))
    wanted = f"lac{year - 1}_{year % 100:02d}"
    return wanted if wanted in available else available[0]


def run(files: list, registry: dict, year: int, rules: list[str] | None = None) -> LacValidator:
    """The validator on the files; some of its rules print as they run, which would spoil the report."""
    with contextlib.redirect_stdout(io.StringIO()):
        return LacValidator(metadata={"collectionYear": str(year), "localAuthority": "E10000032"},
                            files=files, registry=registry, selected_rules=rules)


def main(data: Path, year: int, ruleset: str) -> int:
    logging.disable(logging.CRITICAL)
    this_year = sorted(str(p) for p in (data / "903" / str(year)).glob("*.csv"))
    prev_year = sorted(str(p) for p in (data / "903" / str(year - 1)).glob("*.csv"))
    files = process_uploaded_files({"This year": this_year, "Prev year": prev_year})
    if ruleset == "auto":
        ruleset = pick_ruleset(year)
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    validator = run(files, registry, year)
    counts: dict[str, int] = {}
    for frame in validator.ds_results.values():
        if not hasattr(frame, "columns"):  # the metadata entry
            continue
        for column in frame.columns:
            if column.startswith("ERR_"):
                code = column[4:]
                counts[code] = counts.get(code, 0) + int((frame[column] == True).sum())
    rules = {str(rule.code): rule.message for rule in registry.values()}
    # every rule that could not run is excluded; a rule that finds errors is excluded only for a
    # reason outside the data (reference data, history older than two years, the state leak below)
    excluded = {str(code): "the validator raised an exception running this rule on the data" for code in validator.fails}
    errors = {}
    for code, n in sorted(counts.items()):
        if not n or code in excluded:
            continue
        if code in NEEDS_OLDER_YEARS:
            excluded[code] = NEEDS_OLDER_YEARS[code]
        elif code in CODING_CHANGES.get(year, {}):
            excluded[code] = CODING_CHANGES[year][code]
        elif REFERENCE_DATA.search(rules.get(code, "")):
            excluded[code] = "needs reference data (the ONS postcode lookup: distance, placement LA)"
        else:
            errors[code] = n
    # Some rules change the shared tables in place (dates parsed, blanks filled) and a later rule
    # then misreads them; a rule that finds nothing when run on its own is reported as that.
    for code in list(errors):
        alone = run(files, registry, year, [code])
        if not any(int((frame[f"ERR_{code}"] == True).sum()) for frame in alone.ds_results.values()
                   if hasattr(frame, "columns") and f"ERR_{code}" in frame.columns):
            excluded[code] = "finds errors only after other rules have altered the shared tables; none when run alone"
            del errors[code]
    report = {
        "year": year, "ruleset": ruleset, "rules": len(rules), "rules_run": len(validator.dones),
        "rules_skipped_missing_tables": sorted(str(c) for c in validator.skips),
        "errors": [{"rule": c, "rows": n, "message": rules.get(c, "")} for c, n in errors.items()],
        "excluded": [{"rule": c, "reason": r, "rows_flagged": counts.get(c, 0)} for c, r in sorted(excluded.items())],
    }
    print(json.dumps(report, indent=2))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
