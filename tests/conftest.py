"""Session-wide set-up for every test folder: the folder shared by the run's pytest-xdist workers.

The controller (the one process of a serial run, or the process that starts the workers of
`pytest -n 2`) makes one temporary folder before the workers start, names it in
CAREWATCH_TEST_SHARED (the workers inherit the environment) and removes it when the run ends.
tests/shared.py builds expensive read-only inputs (the `demo` council's import, the `small`
council's) there once per run, whichever worker asks first.
"""
from __future__ import annotations

import os
import shutil
import tempfile

SHARED = "CAREWATCH_TEST_SHARED"


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a serial run)
        config._carewatch_shared = tempfile.mkdtemp(prefix="carewatch-tests-")
        os.environ[SHARED] = config._carewatch_shared


def pytest_unconfigure(config):
    folder = getattr(config, "_carewatch_shared", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get(SHARED) == folder:
            del os.environ[SHARED]
