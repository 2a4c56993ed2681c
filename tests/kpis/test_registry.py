"""The registry: every KPIS.md indicator once, complete metadata, a test each, the catalogue current."""
import re
from importlib.resources import files
from pathlib import Path

import duckdb

from carewatch.kpis import REGISTRY, catalogue_markdown
from carewatch.kpis.model import AREAS

HERE = Path(__file__).parent
CATALOGUE = HERE.parents[1] / "docs" / "kpis.md"

# every indicator id in KPIS.md, area by area
KPIS_MD = """
cla_count cla_rate_per_10k cla_starts cla_ceased
placements_3plus placement_stability_long_term
care_plan_reviewed reviews_on_time visits_on_time permanence_plan_by_second_review
children_in_permanent_placement permanence_meetings_12m
iha_within_20wd rha_on_time health_assessment_up_to_date dental_check_up_to_date oc2_health_assessment
oc2_dental_check oc2_immunisations oc2_development_assessment oc2_sdq_received
pba_in_time ffa_placements_12m adoptions_12m sgo_12m adoption_placed_awaiting_order adoption_awaiting_match
adoption_a1_days adoption_a10_days adoption_a2_days
foster_utilisation foster_households fostering_enquiries_12m fostering_approvals_12m
fostering_approvals_2plus_12m fostering_assessments_in_progress
life_story_coverage pep_in_timescale school_attendance persistent_absence ks4_any_pass ks4_standard_pass
ks4_strong_pass school_good_or_better residential_missing_12m residential_restraints_12m
residential_complaints_12m residential_breakdowns_12m missing_children_pct missing_incidents_12m
uasc_count nts_threshold nts_headroom nts_accepted_12m
momo_uses participation_events_12m
care_leavers_in_touch care_leavers_eet care_leavers_suitable_accommodation
referrals re_referrals_pct cp_plans cp_plan_starts cp_second_or_subsequent_pct
drift_placement_order_not_placed drift_ffa_not_converted drift_placed_with_parents drift_no_permanence_plan
drift_ltf_plan_not_confirmed drift_plan_not_progressing drift_unstable drift_pba_late_for_birth
""".split()

TIMELINESS = ("reviews_on_time", "visits_on_time", "rha_on_time", "pba_in_time", "pep_in_timescale",
              "iha_within_20wd")


def test_every_kpis_md_indicator_once():
    assert len(KPIS_MD) == len(set(KPIS_MD))
    assert list(REGISTRY) == [k for k in REGISTRY if k in KPIS_MD]
    assert set(REGISTRY) == set(KPIS_MD)
    assert all(key == kpi.id for key, kpi in REGISTRY.items())


def test_metadata_complete():
    con = duckdb.connect()
    con.execute(files("carewatch").joinpath("schema.sql").read_text())
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for kpi in REGISTRY.values():
        assert kpi.title and kpi.source and kpi.method and (kpi.rows or kpi.query).strip(), kpi.id
        assert kpi.area in AREAS, kpi.id
        assert kpi.unit in ("count", "percent", "rate", "days"), kpi.id
        assert kpi.polarity in ("higher", "lower", None), kpi.id
        assert kpi.frequency in ("monthly", "annual"), kpi.id
        assert kpi.tables and set(kpi.tables) <= tables, kpi.id
        assert kpi.target is None or kpi.polarity is not None, kpi.id
        assert re.fullmatch(r"[a-z0-9_]+", kpi.id), kpi.id


def test_timeliness_indicators_aggregate_duties():
    for kpi_id in TIMELINESS:
        assert REGISTRY[kpi_id].basis == "duties" and "cw_duties" in REGISTRY[kpi_id].rows, kpi_id


def test_every_indicator_has_a_test():
    text = "".join(p.read_text() for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    untested = [k for k in REGISTRY if f'"{k}"' not in text]
    assert untested == []


def test_catalogue_up_to_date():
    # regenerate: see carewatch.kpis.catalogue
    assert CATALOGUE.read_text() == catalogue_markdown()
