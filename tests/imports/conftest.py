"""The `small` synthetic council's extracts, generated and imported once per session.

Tests that change a home copy the imported one (``home_copy``): an import takes seconds, a copy
milliseconds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carewatch.importer import run_import
from carewatch.snapshot import Home
from carewatch.synth import generate


@pytest.fixture(scope="session")
def small_src(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "extracts"
    generate("small", 1, folder)
    return folder


@pytest.fixture(scope="session")
def small_home(small_src, tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("small-home") / "home")
    result = run_import(home, [small_src])
    assert result.published, result.validation.findings
    return home


@pytest.fixture
def home_copy(small_home, tmp_path) -> Home:
    shutil.copytree(small_home.root, tmp_path / "home")
    return Home(tmp_path / "home")


@pytest.fixture
def src_copy(small_src, tmp_path) -> Path:
    return Path(shutil.copytree(small_src, tmp_path / "extracts"))
