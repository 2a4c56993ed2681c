"""Build src/carewatch/data/comparators.csv from DfE's published local-authority tables.

    uv run python scripts/build_comparators.py [SOURCE_DIR]

SOURCE_DIR defaults to ../shared/external/dfe-cla-published (children looked after in England,
2020-2024 releases, Open Government Licence). Only this script reads it; the product reads the
compact table it writes. One row per authority (DfE old LA code, e.g. 938; England = E92000001),
indicator and year (the 31 March the figure is for), with the published value: whole-number
percentages, rates per 10,000 and counts as DfE rounds them. Suppressed cells (c, x, z, low, k …)
are left out; regional rows are not kept.
"""
from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "external" / "dfe-cla-published"
OUT = ROOT / "src" / "carewatch" / "data" / "comparators.csv"
ENGLAND = "E92000001"

# kpi_id: (file, {column: required value}, value column)
MAPPING: dict[str, tuple[str, dict[str, str], str]] = {
    "cla_count": ("cla_number_and_rate_per_10k_children.csv",
                  {"population_count": "Children looked after at 31 March each year"}, "number"),
    "cla_rate_per_10k": ("cla_number_and_rate_per_10k_children.csv",
                         {"population_count": "Children looked after at 31 March each year"}, "rate_per_10000"),
    "placements_3plus": ("la_cla_placement_stability.csv",
                         {"cla_group": "CLA on 31 March",
                          "placement_stability": "With 3 or more placements during the year"}, "percentage"),
    "placement_stability_long_term": (
        "la_cla_placement_stability.csv",
        {"cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
         "placement_stability": "Living with the same carer for at least 2 years"}, "percentage"),
    "oc2_health_assessment": ("la_conviction_health_outcome_cla.csv",
                              {"cla_group": "Health assessments: Children looked after all ages",
                               "characteristic": "Had their annual health assessment"}, "percentage"),
    "oc2_dental_check": ("la_conviction_health_outcome_cla.csv",
                         {"cla_group": "Health assessments: Children looked after all ages",
                          "characteristic": "Had their teeth checked by a dentist"}, "percentage"),
    "oc2_immunisations": ("la_conviction_health_outcome_cla.csv",
                          {"cla_group": "Health assessments: Children looked after all ages",
                           "characteristic": "Had their immunisations up to date"}, "percentage"),
    "oc2_development_assessment": ("la_conviction_health_outcome_cla.csv",
                                   {"cla_group": "Development assessments: Children looked after ages 0 to 4 years",
                                    "characteristic": "Development assessments up to date"}, "percentage"),
    "oc2_sdq_received": ("la_conviction_health_outcome_cla.csv",
                         {"cla_group": "Ages 5 to 16 years with SDQ score",
                          "characteristic": "SDQ score was received"}, "percentage"),
    "missing_children_pct": (
        "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
        {"CLA_group": "Percentage of children who had a missing incident during the year"}, "number"),
    "missing_incidents_12m": (
        "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
        {"CLA_group": "Number of missing incidents during the year"}, "number"),
    "care_leavers_in_touch": ("la_care_leavers_intouch.csv",
                              {"age": "Aged 19 to 21", "in_touch": "Local authority in touch with care leaver"},
                              "percentage"),
    "care_leavers_suitable_accommodation": (
        "la_care_leavers_accommodation_suitability.csv",
        {"age": "19 to 21 years", "accommodation_suitability": "Accommodation considered suitable"}, "percentage"),
    "adoptions_12m": ("la_children_who_ceased_during_the_year_sgo_adoption.csv",
                      {"cla_group": "Adopted", "characteristic": "Total"}, "number"),
    "sgo_12m": ("la_children_who_ceased_during_the_year_sgo_adoption.csv",
                {"cla_group": "Special guardianship orders", "characteristic": "Total"}, "number"),
    "uasc_count": ("cla_time_series_1994_2024.csv",
                   {"population_count": "Children looked after at 31 March who were unaccompanied asylum-seeking children"},
                   "number"),
}


def _rows(source: Path, kpi_id: str, file: str, where: dict[str, str], value: str) -> pl.DataFrame:
    frame = pl.read_csv(source / file, infer_schema_length=0, encoding="utf8-lossy")
    frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.columns})
    for column, wanted in where.items():
        frame = frame.filter(pl.col(column) == wanted)
    national = pl.col("geographic_level") == "National"
    has_la = "old_la_code" in frame.columns
    frame = frame.filter(national | (pl.col("geographic_level") == "Local authority"))
    return frame.select(
        pl.when(national).then(pl.lit(ENGLAND)).otherwise(pl.col("old_la_code") if has_la else None).alias("la_code"),
        pl.when(national).then(pl.lit("England")).otherwise(pl.col("la_name") if has_la else None).alias("la_name"),
        pl.lit(kpi_id).alias("kpi_id"),
        pl.col("time_period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col(value).cast(pl.Float64, strict=False).alias("value"),
    ).drop_nulls(["la_code", "value"])


def build(source: Path) -> pl.DataFrame:
    frames = [_rows(source, kpi_id, *spec) for kpi_id, spec in MAPPING.items()]
    # a later release's revision of the same year wins; files hold one row per key, so keep the last
    return (pl.concat(frames).unique(["la_code", "kpi_id", "year"], keep="last")
            .sort(["kpi_id", "la_code", "year"]))


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    table = build(source)
    table.write_csv(OUT)
    print(f"{OUT.relative_to(ROOT)}: {table.height} rows, {table['kpi_id'].n_unique()} indicators, "
          f"{table['la_code'].n_unique()} areas")


if __name__ == "__main__":
    main(sys.argv[1:])
