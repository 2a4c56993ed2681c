"""The snapshot built by today's import equals, table by table and row for row, the one the
import of before issue 17 built from the same `small` extract (checksums recorded then: see
snapshot_checksums.py). Issue 17 changed how files are read (the CIN census split by Polars
rather than walked element by element), never what the tables hold."""
from __future__ import annotations

import json

import pytest

from carewatch.snapshot import open_snapshot

from .snapshot_checksums import RECORDED, extract_fingerprint, table_checksums


def test_the_small_snapshot_is_the_one_recorded(small_src, small_home):
    recorded = json.loads(RECORDED.read_text())
    if extract_fingerprint(small_src) != recorded["extract"]:
        pytest.skip("the synthetic `small` extract changed since the checksums were recorded; "
                    "re-record them (uv run python tests/imports/snapshot_checksums.py)")
    with open_snapshot(small_home) as con:
        built = table_checksums(con)
    differing = {t: (built.get(t), recorded["tables"].get(t))
                 for t in {*built, *recorded["tables"]} if built.get(t) != recorded["tables"].get(t)}
    assert differing == {}
    assert built["cin_referrals"][0] > 0 and built["episodes"][0] > 0  # the extract holds both
