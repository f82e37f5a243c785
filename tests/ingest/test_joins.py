"""Run-together words are split in the cleaned view, and only those."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from historiograph.ingest.joins import find_join_repairs
from historiograph.ingest.offsets import CleanView


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("the forces of DrazaMihailovich were", "the forces of Draza Mihailovich were"),
        ("NezavisnaDrzavaHrvatska (NDH)", "Nezavisna Drzava Hrvatska (NDH)"),
        ("met in Zagreb.Horstenau was", "met in Zagreb. Horstenau was"),
        ("McDonald and MacArthur", "McDonald and MacArthur"),
        ("the U.S.A. and e.g. this", "the U.S.A. and e.g. this"),
        ("see www.Example.Com or a@Example.Org", "see www.Example.Com or a@Example.Org"),
        ("an iPhone", "an iPhone"),
        ("NATO and USSR", "NATO and USSR"),
    ],
)
def test_joins(noisy: str, clean: str) -> None:
    assert CleanView(noisy, find_join_repairs(noisy)).text == clean


@given(st.text(max_size=300))
def test_edits_are_insertions_within_bounds(text: str) -> None:
    for edit in find_join_repairs(text):
        assert 0 <= edit.start == edit.end <= len(text) and edit.replacement == " "
