"""Duty metadata: what each duty is, when it falls due, what meets it and the choices we made."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from carewatch.settings import Settings


@dataclass(frozen=True)
class DutyDef:
    id: str
    title: str
    family: str
    due_rule: str
    done_by: str
    source: str
    #: the local table whose absence from the import means the duty is not derived
    evidence: str
    #: choices the KPIS.md text leaves open, as the duty page shows them
    choices: str
    #: SQL giving child, duty, seq, period_id, opened, due, done, closed, team
    build: Callable[[Settings, date], str]
