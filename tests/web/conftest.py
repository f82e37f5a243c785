"""Fixtures of the web workbench tests: the sample knowledge base, built once per session with
NLP on, a hostile one, and clients over both."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.web import create_app

HOSTILE_TITLE = '"><img src=x onerror=alert(1)> Report'
HOSTILE_FILES = {
    # A plain text whose heading, names and prose are markup.
    "hostile.txt": (
        f"{HOSTILE_TITLE} <script>alert(1)</script>\n\n"
        "By <script>alert(1)</script> Smith\n\n"
        'On April 7, 1941, General Dušan Simović met Josip Broz Tito in Belgrade <a href="'
        'javascript:alert(1)">x</a> and the &lt;b&gt;Partisans&lt;/b&gt; of Yugoslavia '
        "marched to Sarajevo. Tito wrote to Stalin in September 1943 about the "
        '"><img src=x onerror=alert(1)> Committee.\n\n'
        "In 1944 the Red Army <script>alert(1)</script> entered Belgrade with Tito.\n"
    ),
    # Metadata from a sidecar: title and authors are markup too.
    "sidecar.md": (
        "# Notes\n\nIn March 1942 the Partisans of Tito fought in Bosnia near Foča. "
        "Mihailović met the British mission in Serbia in October 1942.\n"
    ),
    "sidecar.md.meta.json": (
        '{"title": "<script>alert(1)</script>", '
        '"authors": ["\\"><img src=x onerror=alert(1)>"], "language": "en"}'
    ),
    # HTML whose text (once trafilatura has extracted it) holds literal tags.
    "hostile.html": (
        "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head><body>"
        "<article><h1>&lt;script&gt;alert(1)&lt;/script&gt; Heading</h1>"
        + "<p>In 1941 Tito led the Partisans in Yugoslavia against the occupiers, and "
        "&lt;img src=x onerror=alert(1)&gt; was written on the walls of Belgrade by "
        "people who opposed them; &lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt; "
        "appeared too.</p>" * 3 + "</article></body></html>"
    ),
}


def _build(target: Path, inputs: list[str]) -> Path:
    with Store(target) as store:
        report = ingest_paths(inputs, store, settings=Settings())
    assert report.ok, report.failed
    return target


@pytest.fixture(scope="session")
def web_db(sample_db: Path) -> Path:
    """The sample corpus as a knowledge base: the session's one build of it."""
    return sample_db


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in HOSTILE_FILES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return _build(folder / "hostile.db", [str(corpus)])


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_db)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def hostile_client(hostile_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(hostile_db)) as test_client:
        yield test_client


@pytest.fixture
def db_copy(web_db: Path, tmp_path: Path) -> Path:
    """A private copy of the sample base, for tests that write to it."""
    target = tmp_path / "copy.db"
    with Store(web_db, create=False) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(web_db, target)
    return target
