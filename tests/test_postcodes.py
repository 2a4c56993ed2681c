"""Postcode -> local authority from the shipped lookup (carewatch.postcodes), no network."""
from __future__ import annotations

import polars as pl

from carewatch.postcodes import council_la, la_name, la_of, placement_location

POSTCODES = ["RH12 1LJ",   # Horsham: West Sussex (a county: the upper tier runs children's services)
             "rh121lj",    # the same, as typed
             "RH12 7ZZ",   # sector RH12 7 is not in the directory: the district RH12 decides
             "BN1 1AA",    # Brighton and Hove (a unitary authority)
             "CF10 1AA",   # Cardiff (Wales)
             "EH1 1AA",    # Edinburgh: Scotland is not in the lookup
             "ZZ9 9ZZ",    # not a postcode
             "", None]


def _looked_up() -> list[tuple]:
    frame = pl.DataFrame({"p": POSTCODES}, schema={"p": pl.Utf8})
    return frame.select(la=la_of(pl.col("p")), name=la_name(la_of(pl.col("p")))).rows()


def test_postcode_to_authority_by_sector_then_district():
    assert _looked_up() == [("E10000032", "West Sussex"), ("E10000032", "West Sussex"), ("E10000032", "West Sussex"),
                            ("E06000043", "Brighton and Hove"), ("W06000015", "Cardiff"),
                            (None, None), (None, None), (None, None), (None, None)]


def test_council_by_its_dfe_code():
    assert council_la("938") == "E10000032"
    assert council_la("846") == "E06000043"
    assert council_la("000") is None and council_la(None) is None


def test_placement_location_lookup_and_the_setting_that_overrides_it():
    frame = pl.DataFrame({"p": ["RH12 1LJ", "BN1 1AA", "ZZ9 9ZZ", None]})
    by_lookup = frame.select(placement_location(pl.col("p"), (), council_la("938")).alias("loc"))["loc"].to_list()
    assert by_lookup == ["in", "out", None, None]
    # area_postcodes set: the council's own word (BN is its area) wins over the lookup
    by_setting = frame.select(placement_location(pl.col("p"), ("BN",), council_la("938")).alias("loc"))["loc"].to_list()
    assert by_setting == ["out", "in", "out", None]
    # the council not known (national profile, code 000): not said
    assert frame.with_columns(placement_location(pl.col("p"), (), None).alias("loc"))["loc"].to_list() == [None] * 4
