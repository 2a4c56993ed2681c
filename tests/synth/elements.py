"""Shared by the tests of census elements drawn from their own random stream (disabilities, review
conferences; their council is conftest.py's `small_11`): the check that a council generated without one
element differs from it only by that element."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

SEED = 11


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_only_element_differs(full: Path, without: Path, element: re.Pattern[bytes]) -> None:
    """The CIN files of ``full`` differ from ``without``'s, and only by ``element``; every other file
    is byte for byte the same."""
    with_them, others = digest(full), digest(without)
    cin = {k for k in with_them if k.startswith("cin/")}
    assert cin and set(with_them) == set(others)
    assert {k: v for k, v in with_them.items() if k not in cin} == {k: v for k, v in others.items() if k not in cin}
    assert all(with_them[k] != others[k] for k in cin)
    assert all(element.sub(b"", (full / k).read_bytes()) == (without / k).read_bytes() for k in cin)
