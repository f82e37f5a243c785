"""Metadata read from the text: gold for the sample corpus, datelines, bylines, sidecars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from historiograph.errors import SourceError
from historiograph.ingest.metadata import detect_language, parse_dateline, read_sidecar
from historiograph.ingest.pipeline import parse_file, parse_text
from support import SAMPLE_DIR

GOLD = json.loads((Path(__file__).parents[1] / "gold" / "metadata.json").read_text("utf-8"))


@pytest.mark.parametrize("name", [n for n in GOLD if not n.startswith("_")])
def test_sample_metadata_matches_gold(name: str) -> None:
    meta = parse_file(SAMPLE_DIR / name).metadata
    found = {
        "title": meta.title,
        "authors": meta.authors,
        "published": meta.published,
        "language": meta.language,
    }
    assert found == GOLD[name]


@pytest.mark.parametrize(
    ("line", "edtf"),
    [
        ("19/06/2021", "2021-06-19"),
        ("- 19/06/2021", "2021-06-19"),
        ("05/06/2021", "2021-06-05?"),  # day-first, but month-first is possible too
        ("April 7, 2014", "2014-04-07"),
        ("7 April 1939", "1939-04-07"),
        ("2014-04-07", "2014-04-07"),
        ("Sept. 3rd, 1943", "1943-09-03"),
        ("April 7, 2014 and more", None),
        ("Record Group 238", None),
        ("31/02/2020", None),  # no such day
        ("29/02/2020", "2020-02-29"),
        ("29/02/2021", None),
        ("45/13/2020", None),
    ],
)
def test_datelines(line: str, edtf: str | None) -> None:
    assert parse_dateline(line) == edtf


def test_byline_and_title() -> None:
    text = (
        "The Partisan Delegation\n\nBy Ana Kovač and John Smith\n\n" + "They met in Zagreb. " * 10
    )
    meta = parse_text(text).metadata
    assert meta.title == "The Partisan Delegation"
    assert meta.authors == ["Ana Kovač", "John Smith"]


def test_lowercase_by_is_not_a_byline() -> None:
    meta = parse_text("The occupation\nby fascist troops\n\n" + "It began at dawn. " * 10).metadata
    assert meta.authors == []
    assert meta.title == "The occupation by fascist troops"


def test_language_detection() -> None:
    assert (
        detect_language("Die Partisanen kämpften in den Bergen gegen die Besatzer und ihre Helfer.")
        == "de"
    )
    assert detect_language("ok") is None


def test_sidecar_validation(tmp_path: Path) -> None:
    good = tmp_path / "a.meta.yaml"
    good.write_text("authors: Enver Hoxha\npublished: 1948\n", encoding="utf-8")
    assert read_sidecar(good) == {"authors": ["Enver Hoxha"], "published": "1948"}
    for body, problem in [
        ("[1, 2]", "mapping"),
        ("{ nope", "unreadable"),
        ("colour: red", "unknown sidecar keys"),
        ("title: [a]", "must be a string"),
    ]:
        bad = tmp_path / "b.meta.yaml"
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(SourceError, match=problem):
            read_sidecar(bad)
