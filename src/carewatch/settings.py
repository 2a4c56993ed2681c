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
    #: the councils (DfE LA codes, e.g. "845") whose published figures stand beside this council's
    statistical_neighbours: tuple[str, ...] = ()
    #: per-indicator overrides of the KPIS.md targets and polarity ("higher" / "lower"), by id
    kpi_targets: dict[str, float] = field(default_factory=dict)
    kpi_polarity: dict[str, str] = field(default_factory=dict)
    #: forecast (docs/forecast.md): months of history the rates are fitted over, simulations drawn
    forecast_window_months: int = 24
    forecast_simulations: int = 500
    #: forecast: weekly unit cost (GBP) per placement group. ILLUSTRATIVE defaults, not any
    #: council's figures: a council sets its own in carewatch.toml
    forecast_weekly_cost: dict[str, float] = field(default_factory=lambda: {
        "fostering": 600.0, "residential": 5000.0, "adoption": 300.0, "parents": 250.0,
        "independent": 1200.0, "other": 1500.0})


DEFAULT = Settings()


def load(home: Path | None) -> Settings:
    path = home / "carewatch.toml" if home else None
    if not path or not path.exists():
        return DEFAULT
    values = tomllib.loads(path.read_text()).get("settings", {})
    known = {f.name for f in fields(Settings)}
    chosen = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in known}
    return replace(DEFAULT, **chosen)
