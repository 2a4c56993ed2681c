"""The synthetic CIN census's ChildCharacteristics/Disabilities: drawn from their own random stream,
so every other file (and every other element of the census) is byte for byte what it is without
them; a plausible share of children in need disabled."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree

import carewatch.synth as synth
from carewatch.synth import generate
from carewatch.synth.cin import DISABILITIES

_ELEMENT = re.compile(rb"<Disabilities>.*?</Disabilities>")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small-disabled")
    generate("small", 11, out)
    return out


def _digest(folder: Path, strip: bool = False) -> dict[str, str]:
    def body(p: Path) -> bytes:
        raw = p.read_bytes()
        return _ELEMENT.sub(b"", raw) if strip else raw
    return {str(p.relative_to(folder)): hashlib.sha256(body(p)).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_other_byte_is_as_without_them(small, tmp_path, monkeypatch):
    # the same council without disabilities (write_cin given none): the CIN files differ only by
    # their <Disabilities> elements, every other file not at all
    monkeypatch.setattr(synth, "disabilities", lambda rng, refs: None)
    generate("small", 11, tmp_path)
    with_them, without = _digest(small), _digest(tmp_path)
    cin = {k for k in with_them if k.startswith("cin/")}
    assert cin and set(with_them) == set(without)
    assert {k: v for k, v in with_them.items() if k not in cin} == {k: v for k, v in without.items() if k not in cin}
    assert all(with_them[k] != without[k] for k in cin)
    assert _digest(small, strip=True) == without


def test_a_plausible_share_of_children_in_need_is_disabled(small):
    root = etree.parse(str(small / "cin" / "cin_census_2021.xml")).getroot()
    children = root.findall("Children/Child")
    codes = [[d.text for d in c.iterfind("ChildCharacteristics/Disabilities/Disability")] for c in children]
    assert all(len(c) >= 1 for c in codes)  # every child has the element (NONE when not disabled)
    disabled = [c for c in codes if c != ["NONE"]]
    assert all(set(c) <= set(DISABILITIES) for c in disabled)  # NONE never beside a code
    assert 0.07 <= len(disabled) / len(codes) <= 0.2
