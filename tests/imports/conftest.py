"""The `small` synthetic council's extracts (seed 1), generated and imported once per run
(tests/shared.py).

Tests that change a home copy the imported one (``home_copy``): an import takes seconds, a copy
milliseconds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carewatch.snapshot import Home
from demo_council import imported


@pytest.fixture(scope="session")
def small_home() -> Home:
    return imported("small", 1)


@pytest.fixture(scope="session")
def small_src(small_home) -> Path:
    return small_home.root.parent / "extracts"


@pytest.fixture
def home_copy(small_home, tmp_path) -> Home:
    shutil.copytree(small_home.root, tmp_path / "home")
    return Home(tmp_path / "home")


@pytest.fixture
def src_copy(small_src, tmp_path) -> Path:
    return Path(shutil.copytree(small_src, tmp_path / "extracts"))
