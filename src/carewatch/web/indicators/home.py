"""Targets and commentary for the command line (`carewatch kpis`, `report`, `refresh`, `demo`):
the app DB's, read through Django as the dashboard reads them, so a target an admin set rates
every figure the CLI prints and every report it writes. A home with no app DB (none made yet,
and no CAREWATCH_DATABASE_URL) has no edits: the settings and the defaults are in force."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from carewatch import settings as local_settings
from carewatch.kpis.targets import Targets, in_force


def has_app_db(root: Path) -> bool:
    return bool(os.environ.get("CAREWATCH_DATABASE_URL")) or (Path(root) / "carewatch.sqlite3").exists()


def in_home(root: Path) -> tuple[Targets, dict[tuple[str, date], str]]:
    """(targets in force, {(indicator, period_end): commentary}) for the home at ``root``."""
    settings = local_settings.load(Path(root))
    if not _serving(root):
        if not has_app_db(root):
            return in_force(settings), {}
        from carewatch.web.cli import setup_django

        setup_django(Path(root))
    from carewatch.web.indicators import store

    return store.targets(settings), store.commentary()


def _serving(root: Path) -> bool:
    """Django is already set up for this home (the command runs inside the dashboard's process)."""
    from django.apps import apps
    from django.conf import settings as django_settings

    return apps.ready and django_settings.configured and Path(django_settings.HOME) == Path(root)
