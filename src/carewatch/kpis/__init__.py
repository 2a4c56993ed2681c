"""The indicator engine: every KPIS.md indicator as a self-describing unit, computed set-based.

    from carewatch.kpis import REGISTRY, compute_all, kpi_series, Kpi
"""
from .catalogue import catalogue_markdown
from .comparators import comparators
from .engine import compute_all, kpi_series, latest_with_lookbacks, team_timeliness, timeliness_duty
from .model import Kpi
from .registry import REGISTRY

__all__ = ["REGISTRY", "Kpi", "catalogue_markdown", "comparators", "compute_all", "kpi_series", "latest_with_lookbacks",
           "team_timeliness", "timeliness_duty"]
