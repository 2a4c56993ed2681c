"""The `small` council (seed elements.SEED), generated once per run for the tests of census elements."""
from __future__ import annotations

from pathlib import Path

import pytest

from carewatch.synth import generate

from .elements import SEED


@pytest.fixture(scope="session")
def small_11(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small-seed-11")
    generate("small", SEED, out)
    return out
