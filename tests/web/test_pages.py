"""Every page of the workbench, server-rendered: content, pagination, sorting, filters."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

ALBANIA = "b338341207bd98f7"  # the sample's longest source: OCR repairs, footnotes


def test_library_lists_sources_with_counts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Enter the Red Army" in page.text
    assert f'href="/sources/{ALBANIA}"' in page.text
    assert "1–4 of 4" in page.text
    for heading in ("Title", "Authors", "Date", "Language", "Genre", "Size", "Entities", "Events"):
        assert heading in page.text
    assert '<link rel="stylesheet" href="/static/app.css">' in page.text
    assert '<link rel="stylesheet" href="/static/viz.css">' in page.text


def _titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/sources/[0-9a-f]+">([^<]*)</a>', html)


def test_library_sorts_and_paginates(client: TestClient) -> None:
    by_title = _titles(client.get("/?sort=title").text)
    assert by_title == sorted(by_title, key=str.casefold)
    assert _titles(client.get("/?sort=title&order=desc").text) == by_title[::-1]
    largest = _titles(client.get("/?sort=size&order=desc&limit=1").text)
    assert largest == ["The occupation of Albania by fascist Italia"]
    first = client.get("/?limit=2&page=1")
    second = client.get("/?limit=2&page=2")
    assert "1–2 of 4" in first.text and "3–4 of 4" in second.text
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text
    assert not set(_titles(first.text)) & set(_titles(second.text))
    # The active column says how it is sorted, and its link flips the order.
    page = client.get("/?sort=events&order=desc")
    assert 'aria-sort="descending"' in page.text
    assert "sort=events&amp;order=asc" in page.text


def test_library_rejects_an_unknown_sort_in_the_error_page(client: TestClient) -> None:
    page = client.get("/?sort=path;drop")
    assert page.status_code == 422
    assert "<h1>422" in page.text and "sort" in page.text


class _Runs(HTMLParser):
    """The text inside the reader's data-o runs, with the offsets they claim."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[tuple[int, str]] = []
        self._open: list[int | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = dict(attrs).get("data-o")
        self._open.append(int(offset) if offset is not None else None)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] is not None:
            self.runs.append((self._open[-1], data))


def test_reader_shows_the_original_text_exactly_with_every_offset(client: TestClient) -> None:
    original = client.get(f"/api/sources/{ALBANIA}").json()["text"]
    page = client.get(f"/sources/{ALBANIA}")
    assert page.status_code == 200
    body = page.text[page.text.index('<div id="text"') : page.text.index("</article>")]
    runs = _Runs()
    runs.feed(body)
    position = 0
    pieces = []
    for offset, text in runs.runs:
        if offset != position:  # a run split by the parser continues the previous one
            assert offset == position, (offset, position)
        pieces.append(text)
        position = offset + len(text)
    assert "".join(pieces) == original


def test_reader_highlights_types_repairs_notes_and_chrome(client: TestClient) -> None:
    page = client.get(f"/sources/{ALBANIA}").text
    # Mentions link to their entity, with a type class, a data-type and a title.
    assert re.search(
        r'<a class="mention t-person" data-type="person" href="/entities/\d+" title="person: ', page
    )
    assert re.search(r'<a class="date t-date" data-type="date" href="[^"]+" title="date: 19', page)
    assert 'title="repaired: agreernent → agreement"' in page
    assert '<span class="ocr repair-ocr"' in page
    # Footnote markers link to their notes, which carry the ids.
    for target in re.findall(r'class="fn-marker" id="ref-\d+" href="#(note-\d+)"', page):
        assert f'id="{target}"' in page
    assert page.count('class="fn-marker"') >= 1
    assert '<script type="module" src="/static/reader.js"></script>' in page
    # The events of the source are listed with anchors that dates link to.
    assert re.search(r'<li id="ev-\d+">', page)
    anchors = set(re.findall(r'href="#(ev-\d+)"', page))
    assert anchors and all(f'id="{a}"' in page for a in anchors)


def test_reader_folds_site_chrome(client: TestClient) -> None:
    red_army = client.get("/api/sources?sort=title&limit=10").json()["items"]
    source = next(s for s in red_army if s["title"] == "Enter the Red Army")
    page = client.get(f"/sources/{source['id']}").text
    assert '<details class="chrome"><summary class="chrome-label">site chrome</summary>' in page


def test_entity_page(client: TestClient) -> None:
    tito = client.get("/api/entities?q=tito").json()["items"][0]
    page = client.get(f"/entities/{tito['id']}")
    assert page.status_code == 200
    text = page.text
    assert "Josip Broz Tito" in text and "person" in text
    assert "Names and merge evidence" in text
    assert re.search(r'href="/sources/[0-9a-f]{16}#c=\d+-\d+"', text)
    assert f'<div id="timeline" class="viz-mount" data-api="/api/events?entity={tito["id"]}">' in (
        text
    )
    assert '<script type="module" src="/static/timeline.js"></script>' in text
    assert "Relations" in text and re.search(
        r'class="chip t-\w+" data-type="\w+" href="/entities/', text
    )
    # Mentions are paginated.
    first = client.get(f"/entities/{tito['id']}?limit=5")
    assert f"1–5 of {tito['mentions']}" in first.text
    second = client.get(f"/entities/{tito['id']}?limit=5&page=2")
    assert f"6–10 of {tito['mentions']}" in second.text


def test_place_page_has_a_map_mount(client: TestClient) -> None:
    place = client.get("/api/places").json()["items"][0]
    page = client.get(f"/entities/{place['id']}").text
    assert f'<div id="map" class="viz-mount" data-api="/api/places?entity={place["id"]}"' in page
    assert '<script src="/static/vendor/leaflet/leaflet.js"></script>' in page
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in page


def test_entities_page_filters(client: TestClient) -> None:
    page = client.get("/entities?type=place&limit=5")
    assert page.status_code == 200
    assert page.text.count('data-type="place" href="/entities/') == 5
    assert "Josip Broz Tito" in client.get("/entities?q=broz").text


def test_timeline_page(client: TestClient) -> None:
    page = client.get("/timeline")
    assert page.status_code == 200
    assert '<div id="timeline" class="viz-mount" data-api="/api/events">' in page.text
    assert '<script type="module" src="/static/timeline.js"></script>' in page.text
    assert "≈" in page.text  # uncertain dates are marked
    assert re.search(r'class="evidence" href="/sources/[0-9a-f]{16}#c=\d+-\d+"', page.text)
    dates = re.findall(r'<span class="edtf">([^<]+)</span>', page.text)
    assert len(dates) > 10


def test_timeline_filters_reach_the_list_and_the_mount(client: TestClient) -> None:
    page = client.get(f"/timeline?entity=Tito&from=1943&to=1944&source={ALBANIA}&type=person")
    assert page.status_code == 200
    assert (
        f'data-api="/api/events?entity=Tito&amp;source={ALBANIA}&amp;type=person'
        '&amp;from=1943&amp;to=1944"' in page.text
    )
    for date in re.findall(r'<span class="edtf">([^<]+)</span>', page.text):
        assert date[:4] in {"1942", "1943", "1944"}, date
    paged = client.get("/timeline?limit=5&page=2")
    assert "6–10 of" in paged.text


def test_timeline_bad_date_is_a_one_line_400(client: TestClient) -> None:
    page = client.get("/timeline?from=someday")
    assert page.status_code == 400
    assert "&#39;someday&#39; is not an EDTF date" in page.text
    assert 'id="timeline"' not in page.text


def test_network_page(client: TestClient) -> None:
    page = client.get("/network")
    assert page.status_code == 200
    assert '<div id="network" class="viz-mount" data-api="/api/network">' in page.text
    assert '<script type="module" src="/static/network.js"></script>' in page.text
    assert 'name="types" value="co-paragraph"' in page.text
    filtered = client.get("/network?types=member-of&types=leader-of&min_weight=1")
    assert 'data-api="/api/network?types=member-of%2Cleader-of"' in filtered.text
    kinds = re.findall(r"</td>\s*<td>([\w-]+)</td>", filtered.text)
    assert kinds and set(kinds) <= {"member-of", "leader-of"}
    heavy = client.get("/network?min_weight=5&limit=3")
    assert 'data-api="/api/network?min_weight=5"' in heavy.text
    assert heavy.text.count('<td class="num">') <= 3


def test_map_page(client: TestClient) -> None:
    page = client.get("/map")
    assert page.status_code == 200
    assert '<div id="map" class="viz-mount" data-api="/api/places">' in page.text
    assert "data-tile-url" not in page.text  # no tile server configured: nothing external
    assert '<script type="module" src="/static/map.js"></script>' in page.text
    assert "Albania" in page.text
    assert "1–5 of" in client.get("/map?limit=5").text


def test_search_page_with_snippets_and_facets(client: TestClient) -> None:
    page = client.get("/search?q=communist")
    assert page.status_code == 200
    assert "<mark>" in page.text
    assert "Entity types named" in page.text and "Decades of events" in page.text
    assert re.search(r'href="/sources/[0-9a-f]{16}#c=\d+-\d+"', page.text)
    assert "1940s" in page.text
    second = client.get("/search?q=communist&limit=2&page=2")
    assert "3–4 of" in second.text


def test_search_page_bad_query_is_a_400_with_the_hint(client: TestClient) -> None:
    page = client.get("/search", params={"q": "NOT tito"})
    assert page.status_code == 400
    assert "NOT needs a word before it" in page.text
    assert 'role="alert"' in page.text


def test_empty_search_page(client: TestClient) -> None:
    page = client.get("/search")
    assert page.status_code == 200 and 'name="q"' in page.text


def test_pages_are_keyboard_friendly(client: TestClient) -> None:
    for url in ("/", "/entities", "/timeline", "/network", "/map", "/search?q=tito"):
        text = client.get(url).text
        assert '<a class="skip" href="#main">' in text
        assert '<main id="main" tabindex="-1">' in text
        assert '<nav aria-label="Main">' in text
        assert 'aria-current="page"' in text
