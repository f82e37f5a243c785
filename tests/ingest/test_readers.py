"""Reading each input kind: text, Markdown, HTML (trafilatura) and PDF (pypdf)."""

from __future__ import annotations

from pathlib import Path

import pytest

from historiograph.errors import SourceError
from historiograph.ingest.pipeline import parse_file
from support import make_pdf

ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>The Conference of Peza</title>
<meta name="author" content="Arben Dervishi">
<meta property="article:published_time" content="2015-09-16">
</head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/login">Sign in</a></nav>
<article><h1>The Conference of Peza</h1>
<p>On September 16, 1942 the representatives of the anti-fascist groups met at the village of
Peza, near Tirana, and founded the National Liberation Front of Albania.</p>
<p>The conference decided to unite all the patriotic forces in the war against the occupiers,
regardless of their political convictions, and to set up national liberation councils.</p>
<p>Its resolutions were spread secretly throughout the country in the autumn of 1942.</p>
</article>
<footer>© 2015 Example Press. All rights reserved.</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "peza.html"
    path.write_text(ARTICLE, encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.kind == "html"
    assert "village of" in parsed.original and "Peza" in parsed.original
    assert "About us" not in parsed.original and "All rights reserved" not in parsed.original
    assert parsed.metadata.title == "The Conference of Peza"
    assert parsed.metadata.authors == ["Arben Dervishi"]
    assert parsed.metadata.published == "2015-09-16"
    assert parsed.passages


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(["Report of the Central Committee, 1948.", "Second page: Tirana."]))
    parsed = parse_file(path)
    assert parsed.kind == "pdf"
    assert "Central Committee" in parsed.original and "Tirana" in parsed.original
    assert "\f" in parsed.original  # page boundary kept


def test_markdown_is_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "# Notes on Tempo\n\nTempo went to Macedonia at the end of 1942.\n", encoding="utf-8"
    )
    parsed = parse_file(path)
    assert parsed.kind == "markdown"
    assert parsed.metadata.title == "Notes on Tempo"


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTito and Stalin met in Moscow.".encode())
    assert parse_file(path).original == "Tito and Stalin met in Moscow."


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK")
    with pytest.raises(SourceError, match="unsupported file type"):
        parse_file(path)


def test_mojibake_is_repaired_in_the_cleaned_view_only(tmp_path: Path) -> None:
    path = tmp_path / "moji.txt"
    text = "The delegation met at the cafÃ© in Zagreb on March 25, 1943.\n"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.original == text
    assert [e.kind for e in parsed.edits] == ["encoding"]
    assert "café" in parsed.passages[0].text
