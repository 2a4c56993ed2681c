"""The synthetic CIN census's ChildCharacteristics/Disabilities: drawn from their own random stream,
so every other file (and every other element of the census) is byte for byte what it is without
them; a plausible share of children in need disabled."""
from __future__ import annotations

import re

from lxml import etree

import carewatch.synth as synth
from carewatch.synth import generate
from carewatch.synth.cin import DISABILITIES

from .elements import SEED, assert_only_element_differs

_ELEMENT = re.compile(rb"<Disabilities>.*?</Disabilities>")


def test_every_other_byte_is_as_without_them(small_11, tmp_path, monkeypatch):
    # the same council without disabilities (write_cin given none): the CIN files differ only by
    # their <Disabilities> elements, every other file not at all
    monkeypatch.setattr(synth, "disabilities", lambda rng, refs: None)
    generate("small", SEED, tmp_path)
    assert_only_element_differs(small_11, tmp_path, _ELEMENT)


def test_a_plausible_share_of_children_in_need_is_disabled(small_11):
    root = etree.parse(str(small_11 / "cin" / "cin_census_2021.xml")).getroot()
    children = root.findall("Children/Child")
    codes = [[d.text for d in c.iterfind("ChildCharacteristics/Disabilities/Disability")] for c in children]
    assert all(len(c) >= 1 for c in codes)  # every child has the element (NONE when not disabled)
    disabled = [c for c in codes if c != ["NONE"]]
    assert all(set(c) <= set(DISABILITIES) for c in disabled)  # NONE never beside a code
    assert 0.07 <= len(disabled) / len(codes) <= 0.2
