"""Checks on imported tables: the findings model and the checks that produce findings.

``run_checks`` takes the readers' typed frames (keyed by schema.sql table name) and returns every
finding; ``quarantined_children`` lists the children with an ``error`` finding.
"""
from __future__ import annotations

import polars as pl

from carewatch.checks.all_checks import CHECK_FAMILIES
from carewatch.checks.catalogue import catalogue_markdown
from carewatch.checks.findings import FINDINGS_SCHEMA, Severity, concat_findings

__all__ = ["run_checks", "quarantined_children", "catalogue_markdown"]


def run_checks(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """All findings on ``tables`` (FINDINGS_SCHEMA); tables that are absent are skipped."""
    findings = concat_findings([family(tables) for family in CHECK_FAMILIES])
    return findings.sort("file", "row", "code", "column", "child", nulls_last=True, maintain_order=True)


def quarantined_children(findings: pl.DataFrame) -> pl.DataFrame:
    """child, codes (distinct error codes, sorted, comma-joined) for every child with an error."""
    return (findings.filter((pl.col("severity") == str(Severity.ERROR)) & pl.col("child").is_not_null())
            .group_by("child")
            .agg(pl.col("code").unique().sort().str.join(",").alias("codes"))
            .sort("child")
            .select(pl.col("child").cast(FINDINGS_SCHEMA["child"]), "codes"))
