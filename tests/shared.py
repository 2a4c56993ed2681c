"""Expensive read-only test inputs built once per test run and shared by every test and every
pytest-xdist worker (tests/conftest.py makes the run's folder).

``built(name, build)`` returns the folder NAME in the run's shared folder, calling ``build(folder)``
to fill it the first time any process asks; the others wait on a lock meanwhile, then reuse it.
What is built there is read only: a test that changes it copies it first (tests/imports/conftest.py's
``home_copy``). Outside pytest (no shared folder) it builds into a temporary folder per process.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

_local: list[Path] = []


def _root() -> Path:
    if os.environ.get("CAREWATCH_TEST_SHARED"):
        return Path(os.environ["CAREWATCH_TEST_SHARED"])
    if not _local:
        folder = tempfile.TemporaryDirectory(prefix="carewatch-tests-")
        atexit.register(folder.cleanup)
        _local.append(Path(folder.name))
    return _local[0]


def built(name: str, build: Callable[[Path], None]) -> Path:
    root = _root()
    folder, ready = root / name, root / f"{name}.ready"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not ready.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            ready.touch()
    return folder
