"""Postcode -> local authority with no network: the placement's council for Annex A's List 8.

The lookup ships with the package (``carewatch/data/postcode_sectors.csv`` and
``local_authorities.csv``, built once by ``scripts/build_postcode_lookup.py`` from the ONS Postcode
Directory, November 2025, and ONS's lower- to upper-tier authority lookup, April 2021; Open Government
Licence v3.0). A postcode's sector ("RH12 1") decides, else its district ("RH12"); the authority is the
upper tier, the one that runs children's services. England and Wales only: a Scottish or Northern
Irish postcode, or one that is not a postcode, is "not found".
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import polars as pl


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(sector or district -> ONS code, ONS code -> name, DfE LA code -> ONS code)."""
    data = files("carewatch.data")
    with data.joinpath("postcode_sectors.csv").open("rb") as f:
        keys = pl.read_csv(f, schema={"key": pl.Utf8, "la": pl.Utf8, "share": pl.Float64})
    with data.joinpath("local_authorities.csv").open("rb") as f:
        las = pl.read_csv(f, schema={"la": pl.Utf8, "la_name": pl.Utf8, "dfe_la": pl.Utf8})
    with_dfe = las.filter(pl.col("dfe_la").is_not_null())
    return (dict(zip(keys["key"], keys["la"])), dict(zip(las["la"], las["la_name"])),
            dict(zip(with_dfe["dfe_la"], with_dfe["la"])))


def council_la(dfe_code: str | None) -> str | None:
    """The ONS code of a council given by its DfE code ('938' -> 'E10000032'); None if not known."""
    return _tables()[2].get(dfe_code or "")


def la_of(postcode: pl.Expr) -> pl.Expr:
    """The ONS code of the authority a postcode lies in: by its sector, else its district; null
    when blank or not found."""
    by_key = _tables()[0]
    code = postcode.cast(pl.Utf8).str.to_uppercase().str.replace_all(r"\s+", "")
    outward = code.str.head(-3)
    sector = pl.format("{} {}", outward, code.str.tail(3).str.head(1))
    found = pl.coalesce(sector.replace_strict(by_key, default=None, return_dtype=pl.Utf8),
                        outward.replace_strict(by_key, default=None, return_dtype=pl.Utf8))
    return pl.when(code.str.len_chars() >= 5).then(found)


def la_name(code: pl.Expr) -> pl.Expr:
    """The authority's name from its ONS code."""
    return code.replace_strict(_tables()[1], default=None, return_dtype=pl.Utf8)


def placement_location(postcode: pl.Expr, area_postcodes: tuple[str, ...], council: str | None) -> pl.Expr:
    """"in" / "out" of the council's area: by the setting ``area_postcodes`` when set (the council's
    own word wins), else the postcode's authority against the council's; null when the postcode is
    blank or not found, or the council is not known."""
    from carewatch.codelists import in_area

    if area_postcodes:
        return in_area(postcode, area_postcodes)
    if council is None:
        return pl.lit(None, dtype=pl.Utf8)
    found = la_of(postcode)
    return pl.when(found.is_null()).then(None).when(found == council).then(pl.lit("in")).otherwise(pl.lit("out"))
