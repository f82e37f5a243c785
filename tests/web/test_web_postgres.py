"""The workbench serves a PostgreSQL knowledge base as it serves the SQLite one.

The PostgreSQL base is ``historiograph migrate``'s copy of the session's SQLite sample (built
with NLP: entities, events, relations, coordinates, claims and claim groups all filled). Its
database sorts text by ICU's en-US rules where the server can, so that an ORDER BY or a
comparison without its byte-order collation would list rows differently and show here.

Every JSON endpoint and every page, over a spread of parameters drawn from the base, answers
byte for byte the same on both stores. Search is the exception the docs name
(docs/postgresql.md): ranking differs (ts_rank is not bm25), so its hits are compared as a
set, with the same total and the same facets.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from historiograph.cli.main import main
from historiograph.store.database import Store
from historiograph.web import create_app, searching

_numbers = itertools.count(1)


def _database(server: str, name: str) -> str:
    """A new database on ``server`` sorting by ICU's en-US rules, when the server can."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        try:
            admin.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                    " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
                    " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )
        except psycopg.Error:  # no ICU, or a server before PostgreSQL 15
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(name)
                )
            )
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="module")
def pg_web_sample(pg_server: str, sample_db: Path) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"hg_web_{os.getpid()}_{next(_numbers)}"
    url = _database(pg_server, name)
    assert main(["migrate", "--from", str(sample_db), "--to", url]) == 0
    yield url
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def clients(sample_db: Path, pg_web_sample: str) -> Iterator[tuple[TestClient, TestClient]]:
    with (
        TestClient(create_app(sample_db)) as on_sqlite,
        TestClient(create_app(pg_web_sample)) as on_postgres,
    ):
        yield on_sqlite, on_postgres


def _facts(sample_db: Path) -> dict[str, Any]:
    """Ids and names taken from the base (entity ids are not promised across builds)."""
    with Store(sample_db, create=False) as store:
        conn = store.conn
        sources = [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id")]
        top = {
            kind: [
                r[0]
                for r in conn.execute(
                    "SELECT entity_id FROM mentions WHERE type = ? GROUP BY entity_id"
                    " ORDER BY count(*) DESC, entity_id LIMIT 3",
                    (kind,),
                )
            ]
            for kind in ("person", "place", "org")
        }
        tito = conn.execute(
            "SELECT name FROM entities WHERE type = 'person' ORDER BY"
            " (SELECT count(*) FROM mentions AS m WHERE m.entity_id = entities.id) DESC LIMIT 1"
        ).fetchone()[0]
        relation = conn.execute("SELECT type FROM relations ORDER BY weight DESC").fetchone()
    return {
        "sources": sources,
        "entities": [e for ids in top.values() for e in ids],
        "place": top["place"][0],
        "person": top["person"][0],
        "name": tito,
        "relation": relation[0] if relation else "co-occurs",
    }


def _urls(facts: dict[str, Any]) -> list[str]:
    urls = ["/api/sources", "/api/sources?limit=2&offset=1"]
    for sort in ("title", "date", "size", "entities", "events"):
        for order in ("asc", "desc"):
            urls.append(f"/api/sources?sort={sort}&order={order}")
            urls.append(f"/?sort={sort}&order={order}")
    for source in facts["sources"]:
        urls += [
            f"/api/sources/{source}",
            f"/sources/{source}",
            f"/api/events?source={source}",
            f"/api/claim-groups?source={source}",
        ]
    urls += [
        "/api/entities",
        "/api/entities?limit=7&offset=5",
        "/api/entities?type=person",
        "/api/entities?type=place&limit=100",
        f"/api/entities?q={facts['name'][:4].lower()}",
        "/api/entities?q=%25",  # LIKE's wildcard, taken literally
        "/entities",
        "/entities?type=org",
    ]
    for entity in facts["entities"]:
        urls += [
            f"/api/entities/{entity}",
            f"/api/entities/{entity}?limit=3&offset=2",
            f"/entities/{entity}",
            f"/api/events?entity={entity}",
            f"/api/places?entity={entity}",
        ]
    urls += [
        "/api/events",
        "/api/events?limit=13&offset=7",
        "/api/events?from=1941&to=1943",
        "/api/events?from=1943-09",
        "/api/events?from=1944&type=place",
        "/api/events?to=1940",
        "/api/events?type=person",
        f"/api/events?entity={facts['name']}",
        f"/api/events?entity={facts['name']}&from=1942",
        "/timeline",
        "/timeline?from=1943&to=1945",
        f"/timeline?entity={facts['person']}",
        "/api/network",
        "/api/network?min_weight=2",
        f"/api/network?types={facts['relation']}",
        "/network",
        "/api/places",
        "/map",
        "/api/claim-groups",
        "/api/claim-groups?classification=agree",
        f"/api/claim-groups?entity={facts['name']}",
        "/contention",
        "/api/entities/999999999",  # errors too
        "/api/sources/0000",
        "/api/events?from=notadate",
    ]
    return urls


def test_every_page_and_endpoint_answers_alike_on_both_stores(
    clients: tuple[TestClient, TestClient], sample_db: Path
) -> None:
    on_sqlite, on_postgres = clients
    urls = _urls(_facts(sample_db))
    differing = []
    nonempty = 0
    for url in urls:
        a, b = on_sqlite.get(url), on_postgres.get(url)
        nonempty += a.status_code == 200 and len(a.content) > 200
        if (a.status_code, a.content) != (b.status_code, b.content):
            differing.append(f"{url}: {a.status_code} vs {b.status_code}")
    assert not differing, "\n".join(differing)
    # The comparison compared something: most answers are real pages of rows.
    assert nonempty > len(urls) * 0.8


# Words the two tokenizers split alike. They differ on hyphenated compounds (PostgreSQL's
# parser keeps "Partisan-German" whole besides its parts, so a prefix's match runs to the
# compound's end) and signed numbers ("1939-1943" is 1939 and -1943 there): see
# docs/postgresql.md.
@pytest.mark.parametrize(
    "query",
    ["Tito", '"Red Army"', "Germ*", "Tito OR Stalin", "Tito NOT Stalin", "Albania OR Italy"],
)
def test_search_finds_the_same_passages_on_both_stores(
    clients: tuple[TestClient, TestClient], query: str
) -> None:
    on_sqlite, on_postgres = clients
    a = on_sqlite.get("/api/search", params={"q": query, "limit": 100}).json()
    b = on_postgres.get("/api/search", params={"q": query, "limit": 100}).json()
    assert a["total"] > 0
    assert (a["total"], a["total_exact"]) == (b["total"], b["total_exact"])

    def found(page: dict[str, Any]) -> set[tuple[str, int, int, int]]:
        return {(h["source_id"], h["start"], h["match_start"], h["match_end"]) for h in page}

    assert found(a["items"]) == found(b["items"])
    if a["total"] <= 200:  # facets count over every match: the same on both
        assert a["facets"] == b["facets"]
    page = on_postgres.get("/search", params={"q": query})
    assert page.status_code == 200 and "match" in page.text


def test_search_counts_up_to_the_same_cap_on_both_stores(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = [c.get("/api/search", params={"q": "Tito"}).json() for c in clients]
    monkeypatch.setattr(searching, "COUNT_CAP", 3)
    for client, exact in zip(clients, whole, strict=True):
        body = client.get("/api/search", params={"q": "Tito"}).json()
        assert exact["total"] > 3 and exact["total_exact"] is True
        assert (body["total"], body["total_exact"]) == (3, False)
        assert body["items"] == exact["items"]  # the cap is on the count, not on the hits


def test_a_malformed_query_is_the_same_one_line_error(
    clients: tuple[TestClient, TestClient],
) -> None:
    on_sqlite, on_postgres = clients
    for url in ("/api/search?q=%22unclosed", "/search?q=OR"):
        a, b = on_sqlite.get(url), on_postgres.get(url)
        assert a.status_code == b.status_code == 400
        assert a.content == b.content


def test_serve_refuses_an_unreachable_database_in_one_line() -> None:
    from historiograph.errors import HistoriographError

    with pytest.raises(HistoriographError) as raised:
        create_app("postgresql://nobody@127.0.0.1:1/none")
    assert "\n" not in str(raised.value)


def test_historiograph_serve_answers_from_a_postgresql_base(
    pg_web_sample: str, sample_db: Path
) -> None:
    """The command itself, on a loopback port: the library lists what the SQLite one does."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HISTORIOGRAPH_TOKEN": ""}
    command = [sys.executable, "-m", "historiograph.cli.main", "serve", "--db", pg_web_sample]
    server = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                listed = httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=10)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[1].decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    with TestClient(create_app(sample_db)) as on_sqlite:
        expected = on_sqlite.get("/api/sources").json()
    assert listed.status_code == 200
    assert listed.json() == expected and expected["total"] == 4
