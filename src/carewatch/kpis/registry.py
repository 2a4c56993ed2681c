"""Every indicator, by id, in catalogue order (KPIS.md's order of areas)."""
from __future__ import annotations

from .areas import (adoption, care_leavers, children, cin, drift, education, fostering, health, missing,
                    placements, plans, uasc, voice)
from .model import AREAS, Kpi

_MODULES = (children, placements, plans, health, adoption, fostering, education, missing, uasc, voice,
            care_leavers, cin, drift)


def _build() -> dict[str, Kpi]:
    registry: dict[str, Kpi] = {}
    for module in _MODULES:
        for kpi in module.KPIS:
            if kpi.id in registry:
                raise ValueError(f"duplicate indicator id {kpi.id}")
            if kpi.area not in AREAS:
                raise ValueError(f"{kpi.id}: unknown area {kpi.area}")
            registry[kpi.id] = kpi
    return registry


REGISTRY: dict[str, Kpi] = _build()
