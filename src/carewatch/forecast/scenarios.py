"""Scenarios: a saved scenario (app DB, carewatch.web.forecasting) as the change it makes to the rates."""
from __future__ import annotations

from pathlib import Path

from .simulate import Adjust
from .states import GROUPS


class UnknownScenario(LookupError):
    pass


def adjust_of(scenario) -> Adjust:
    """The rate change a saved scenario (anything with its fields) stands for."""
    move = bool(scenario.move_from and scenario.move_to and scenario.move_pct)
    return Adjust(
        entries_pct=float(scenario.entries_pct or 0.0),
        uasc_per_month=None if scenario.uasc_per_month is None else float(scenario.uasc_per_month),
        move_from=GROUPS.index(scenario.move_from) if move else None,
        move_to=(-1 if scenario.move_to == "out" else GROUPS.index(scenario.move_to)) if move else None,
        move_pct=float(scenario.move_pct or 0.0) if move else 0.0,
    )


def load_scenario(home: Path, name: str) -> Adjust:
    """The named scenario from the home's app DB (for the CLI)."""
    from carewatch.web.cli import setup_django
    setup_django(home)
    from carewatch.web.forecasting.models import Scenario

    found = Scenario.objects.filter(name=name).first()
    if found is None:
        names = ", ".join(Scenario.objects.values_list("name", flat=True)) or "none saved"
        raise UnknownScenario(f"no scenario {name!r} ({names})")
    return adjust_of(found)
