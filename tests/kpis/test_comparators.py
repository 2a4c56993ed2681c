"""The shipped comparator table and the script that builds it (run here on a tiny hand-made copy
of DfE's file layout, never on /work/shared)."""
import importlib.util
from pathlib import Path

import polars as pl

from carewatch.kpis import REGISTRY, comparators
from carewatch.kpis.comparators import ENGLAND

SCRIPT = Path(__file__).parents[2] / "scripts" / "build_comparators.py"


def _script():
    spec = importlib.util.spec_from_file_location("build_comparators", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_keeps_national_and_la_rows_and_drops_suppressed(tmp_path):
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,la_name,new_la_code,population_count,population_estimate,number,rate_per_10000\n")
    rows = [
        "2024,Reporting year,National,E92000001,England,,,,,,Children looked after at 31 March each year,11998646,83630,70",
        "2024,Reporting year,Regional,E92000001,England,E12000008,South East,,,,Children looked after at 31 March each year,1,9,9",
        "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,938,West Sussex,E10000032,"
        "Children looked after at 31 March each year,177000,906,51",
        "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,939,Smallshire,E1,"
        "Children looked after at 31 March each year,100,c,c",
        "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,938,West Sussex,E10000032,"
        "Children starting to be looked after each year,177000,300,17",
    ]
    (tmp_path / "cla_number_and_rate_per_10k_children.csv").write_text("\ufeff" + header + "\n".join(rows) + "\n")
    module = _script()
    frame = module._rows(tmp_path, "cla_count", *module.MAPPING["cla_count"][:2], "number")
    # England 83,630 and West Sussex 906; the regional row, the starts row and the suppressed 'c' are left out
    assert frame.select("la_code", "year", "value").rows() == [(ENGLAND, 2024, 83630.0), ("938", 2024, 906.0)]
    rate = module._rows(tmp_path, "cla_rate_per_10k", *module.MAPPING["cla_rate_per_10k"])
    assert rate["value"].to_list() == [70.0, 51.0]


def test_shipped_table_figures():
    # DOMAIN.md B2 (England 2024: 83,630 looked after) and DATA.md (authority 938: 891 at 31 March 2021)
    cla = comparators("cla_count", la="938")
    assert cla.filter((pl.col("la_code") == ENGLAND) & (pl.col("year") == 2024))["value"].to_list() == [83630.0]
    assert cla.filter((pl.col("la_code") == "938") & (pl.col("year") == 2021))["value"].to_list() == [891.0]
    assert set(cla["la_code"]) == {ENGLAND, "938"}


def test_neighbours_and_every_kpi_known():
    frame = comparators("placements_3plus", la="938", neighbours=["845", "846"])
    assert set(frame["la_code"]) == {ENGLAND, "938", "845", "846"}
    everything = comparators("placements_3plus")
    assert everything["la_code"].n_unique() > 100
    shipped = set(pl.read_csv(Path(__file__).parents[2] / "src" / "carewatch" / "data" / "comparators.csv",
                           infer_schema_length=0)["kpi_id"])
    assert shipped <= set(REGISTRY)


def test_england_figure_beside_a_councils():
    from datetime import date

    from carewatch.kpis.comparators import england_latest, england_series

    # DOMAIN.md B2: England's rate 69 at 31 March 2021, 70 at 31 March 2022; on 30/11/2021 the
    # latest published on or before the date is 2021's. 3+ placements: 11% at 31 March 2020, so
    # the day before 31 March 2021 still shows 2020's.
    assert england_latest(REGISTRY["cla_rate_per_10k"], date(2021, 11, 30)) == 69.0
    assert england_latest(REGISTRY["cla_rate_per_10k"], date(2022, 3, 31)) == 70.0
    assert england_latest(REGISTRY["placements_3plus"], date(2021, 3, 30)) == 11.0
    # a national total is no comparator for one council's count: none, on pages and in reports
    assert england_latest(REGISTRY["cla_count"], date(2021, 11, 30)) is None
    assert england_series(REGISTRY["cla_count"]).height == 0


def test_published_comparison_with_named_neighbours():
    from datetime import date

    from carewatch.kpis.comparators import published_comparison

    # DOMAIN.md B2: England 9% with 3+ placements at 31 March 2021; authority 938's own published
    # figure and its neighbours' follow, in the order named; counts compare with nothing
    frame = published_comparison(REGISTRY["placements_3plus"], "938", ("845", "846"), date(2021, 11, 30))
    assert frame.select("la_code", "year").rows() == [
        (ENGLAND, 2021), ("938", 2021), ("845", 2021), ("846", 2021)]
    assert frame["value"][0] == 9.0
    assert published_comparison(REGISTRY["cla_count"], "938", ("845",), date(2021, 11, 30)).height == 0
