"""Local standards and settings, with the defaults KPIS.md gives. One place, documented.

A council changes these by a ``carewatch.toml`` in its home directory (section ``[settings]``);
every indicator and duty page shows the value in force.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
import tomllib


@dataclass(frozen=True)
class Settings:
    #: a duty not yet met is `due` when its due date is within this many days of the as-of date
    due_horizon_days: int = 14
    #: DENTAL: months from period start to the first check, and between checks (local standard)
    dental_interval_months: int = 12
    #: IHA_REQUEST: working days from the period start to the council's request to health (local standard)
    iha_request_working_days: int = 5
    #: PBA: working days from referral to completed pre-birth assessment (local standard)
    pba_working_days: int = 45
    #: virtual visits count as statutory visits only inside this window (coronavirus amendments)
    virtual_visits_from: date = date(2020, 4, 24)
    virtual_visits_to: date = date(2021, 9, 30)
    #: RAG: amber when within this many points of the target (percentage points / units)
    rag_amber_points: float = 5.0
    #: adoption scorecard thresholds (days)
    adoption_a1_threshold: int = 426
    adoption_a2_threshold: int = 121
    #: drift thresholds (months; docs/drift.md): E1 without a placement for adoption, a
    #: fostering-for-adoption placement not converted, placed with parents on a care order
    drift_placement_order_months: int = 6
    drift_ffa_months: int = 9
    drift_placed_with_parents_months: int = 6
    #: drift: a long-term fostering plan not in a long-term placement; a return home, SGO or CAO plan
    drift_ltf_months: int = 6
    drift_plan_months: int = 9
    #: drift: weeks before the expected date of birth by which a pre-birth assessment is complete
    drift_pba_weeks: int = 4
    #: the councils (DfE LA codes, e.g. "845") whose published figures stand beside this council's
    statistical_neighbours: tuple[str, ...] = ()
    #: the council's own area as postcode areas or outward codes (e.g. "BN", "RH10"): a placement
    #: whose PL_POST is in one of them is in area, else out of area; none = not known
    area_postcodes: tuple[str, ...] = ()
    #: per-indicator overrides of the KPIS.md targets and polarity ("higher" / "lower"), by id
    kpi_targets: dict[str, float] = field(default_factory=dict)
    kpi_polarity: dict[str, str] = field(default_factory=dict)
    #: `carewatch refresh` keeps the newest N snapshots, and the newest of each of the last M months
    retention_keep_last: int = 7
    retention_monthly_months: int = 24
    # --- imports (docs/import.md) ---
    #: the completeness gate: an import is rejected when children looked after at the extract date,
    #: episodes or any local table's rows fall by more than this percentage against the published
    #: snapshot (``--accept-drop`` publishes anyway)
    import_max_drop_pct: float = 10.0
    #: limits on what one import may hold; beyond them the file is rejected with a finding
    import_max_file_mb: int = 500
    import_max_rows: int = 20_000_000
    import_max_xlsx_uncompressed_mb: int = 1000
    import_max_xlsx_ratio: int = 100
    import_max_cell_chars: int = 10_000
    #: forecast (docs/forecast.md): months of history the rates are fitted over, simulations drawn
    forecast_window_months: int = 24
    forecast_simulations: int = 500
    #: forecast: weekly unit cost (GBP) per placement group. ILLUSTRATIVE defaults, not any
    #: council's figures: a council sets its own in carewatch.toml
    forecast_weekly_cost: dict[str, float] = field(default_factory=lambda: {
        "fostering": 600.0, "residential": 5000.0, "adoption": 300.0, "parents": 250.0,
        "independent": 1200.0, "other": 1500.0})
    #: the memory the import's DuckDB may use, in MB (0: DuckDB's default, 80% of the machine's);
    #: above it DuckDB spills to the home's building/ folder rather than fail. 3 GB keeps a national
    #: import's peak at 3.8 GB, inside a 6 GB machine (docs/benchmarks.md)
    import_memory_limit_mb: int = 3072
    #: `carewatch import` and `refresh` run at this CPU niceness (0-19; 0: as started), so that the
    #: dashboard's requests win the CPU from the nightly batch work (docs/import.md)
    import_nice: int = 10


DEFAULT = Settings()


#: HOME/carewatch.toml's path -> (its text, the settings it gives): the dashboard reads the
#: settings on every request, and parses the file only when its text changes
_LOADED: dict[str, tuple[str, Settings]] = {}


def load(home: Path | None) -> Settings:
    if not home:
        return DEFAULT
    path = str(home / "carewatch.toml")
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return DEFAULT
    cached = _LOADED.get(path)
    if cached is None or cached[0] != text:
        values = tomllib.loads(text).get("settings", {})
        known = {f.name for f in fields(Settings)}
        chosen = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in known}
        _LOADED[path] = cached = (text, replace(DEFAULT, **chosen))
    return cached[1]
