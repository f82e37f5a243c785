"""The server-rendered pages. Each works without JavaScript; the visualisation scripts only
enhance the mounts (``data-api`` attributes) the pages carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from historiograph.errors import QueryError
from historiograph.store.comparison import CLASSIFICATIONS, BadGroupFilter, count_groups
from historiograph.store.profiles import source_profiles
from historiograph.store.search import RANK_CAP, prefix_ranks_fewer, rank_cap
from historiograph.web import contention, queries, reader, searching
from historiograph.web.api import MAX_ID, SOURCE_ID, split_types
from historiograph.web.context import config, environment, open_store
from historiograph.web.templating import query_string

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Page = Annotated[int, Query(ge=1, le=10**6)]
PageLimit = Annotated[int, Query(ge=1, le=500)]
Text = Annotated[str | None, Query(max_length=300)]


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    limit: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment(request).get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


@router.get("/")
def library(
    request: Request,
    sort: Annotated[str, Query(pattern="^(title|date|size|entities|events)$")] = "title",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Page = 1,
    limit: PageLimit = 50,
) -> HTMLResponse:
    with open_store(request) as store:
        items, total = queries.list_sources(
            store.conn, sort=sort, order=order, limit=limit, offset=(page - 1) * limit
        )
    return render(
        request,
        "library.html",
        sources=items,
        pager=Pager(page, limit, total),
        sort=sort,
        order=order,
        sorts=queries.SOURCE_SORTS,
    )


@router.get("/sources/{source_id}")
def source_page(
    request: Request,
    source_id: Annotated[str, Path(pattern=SOURCE_ID, max_length=64)],
    part: Annotated[int, Query(ge=0, le=10**6)] = 0,
) -> HTMLResponse:
    with open_store(request) as store:
        conn = store.conn
        summary = queries.source_summary(conn, source_id)
        if summary is None:
            raise HTTPException(404, f"no source with id {source_id}")
        events, events_total = queries.list_events(
            conn, queries.EventFilters(source=source_id), limit=200, offset=0
        )
        shown = reader.reader_part(
            conn, source_id, summary.char_count, part, {e.id for e in events}
        )
        metadata = queries.source_metadata(conn, source_id)
        profiles = source_profiles(conn, source_id)
    return render(
        request,
        "reader.html",
        source=summary,
        metadata=metadata,
        profiles=profiles,
        reader=shown,
        window=reader.WINDOW,
        events=events,
        events_total=events_total,
    )


@router.get("/entities")
def entities_page(
    request: Request,
    q: Text = None,
    type: Annotated[str | None, Query(max_length=50)] = None,
    page: Page = 1,
    limit: PageLimit = 50,
) -> HTMLResponse:
    with open_store(request) as store:
        items, total = queries.list_entities(
            store.conn, q=q, kind=type or None, limit=limit, offset=(page - 1) * limit
        )
        types = queries.entity_types(store.conn)
    return render(
        request,
        "entities.html",
        entities=items,
        pager=Pager(page, limit, total),
        q=q or "",
        type=type or "",
        types=types,
    )


@router.get("/entities/{entity_id}")
def entity_page(
    request: Request,
    entity_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    page: Page = 1,
    limit: PageLimit = 50,
) -> HTMLResponse:
    with open_store(request) as store:
        detail = queries.entity_detail(
            store.conn, entity_id, limit=limit, offset=(page - 1) * limit
        )
        if detail is None:
            raise HTTPException(404, f"no entity with id {entity_id}")
        events, _ = queries.list_events(
            store.conn, queries.EventFilters(entity=str(entity_id)), limit=100, offset=0
        )
    return render(
        request,
        "entity.html",
        entity=detail,
        events=events,
        pager=Pager(page, limit, detail.mentions_total),
        tile_url=config(request).tile_url,
    )


@router.get("/timeline")
def timeline_page(
    request: Request,
    entity: Text = None,
    source: Annotated[str | None, Query(pattern=r"^[0-9a-f]*$", max_length=64)] = None,
    type: Annotated[str | None, Query(max_length=50)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=64)] = None,
    page: Page = 1,
    limit: PageLimit = 100,
) -> HTMLResponse:
    filters = queries.EventFilters(
        entity=entity or None,
        source=source or None,
        type=type or None,
        start=start or None,
        end=end or None,
    )
    problem = None
    events: list[Any] = []
    total = 0
    with open_store(request) as store:
        types = queries.entity_types(store.conn)
        try:
            events, total = queries.list_events(
                store.conn, filters, limit=limit, offset=(page - 1) * limit
            )
        except queries.BadFilter as e:
            problem = str(e)
    return render(
        request,
        "timeline.html",
        status=400 if problem else 200,
        events=events,
        pager=Pager(page, limit, total),
        filters=filters,
        types=types,
        problem=problem,
        api=f"/api/events{query_string(filters.query())}" if not problem else "",
    )


@router.get("/network")
def network_page(
    request: Request,
    types: Annotated[list[str] | None, Query(max_length=20)] = None,
    min_weight: Annotated[float, Query(ge=0, le=1e12)] = 1,
    page: Page = 1,
    limit: PageLimit = 50,
) -> HTMLResponse:
    # Checkboxes send one ``types`` each; a shared link may carry them comma-separated.
    chosen = [t for value in types or [] for t in split_types(value)]
    with open_store(request) as store:
        rows, total = queries.list_relations(
            store.conn,
            types=chosen,
            min_weight=min_weight,
            limit=limit,
            offset=(page - 1) * limit,
        )
        available = queries.relation_types(store.conn)
    weight = int(min_weight) if float(min_weight).is_integer() else min_weight
    api = "/api/network" + query_string(
        {"types": ",".join(chosen), "min_weight": weight if weight != 1 else None}
    )
    return render(
        request,
        "network.html",
        relations=rows,
        pager=Pager(page, limit, total),
        available=available,
        chosen=chosen,
        min_weight=weight,
        api=api,
    )


@router.get("/map")
def map_page(request: Request, page: Page = 1, limit: PageLimit = 100) -> HTMLResponse:
    with open_store(request) as store:
        places, total = queries.list_places(
            store.conn, entity=None, limit=limit, offset=(page - 1) * limit
        )
    return render(
        request,
        "map.html",
        places=places,
        pager=Pager(page, limit, total),
        tile_url=config(request).tile_url,
    )


@router.get("/search")
def search_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=1000)] = None,
    page: Annotated[int, Query(ge=1, le=searching.MAX_SEARCH_DEPTH)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    query = (q or "").strip()
    problem = None
    hits: list[Any] = []
    total, exact = 0, True
    facets = None
    cap, prefix_capped = RANK_CAP, False
    if query:
        with open_store(request) as store:
            try:
                found = searching.search_page(store, query, limit=limit, offset=(page - 1) * limit)
                hits, total, exact, facets = found.items, found.total, found.exact, found.facets
                cap = rank_cap(query)
                prefix_capped = prefix_ranks_fewer(query)  # the page says why it ranks fewer
            except QueryError as e:
                problem = str(e)
    return render(
        request,
        "search.html",
        status=400 if problem else 200,
        q=query,
        hits=hits,
        facets=facets,
        pager=Pager(page, limit, min(total, searching.MAX_SEARCH_DEPTH)),
        total=total,
        total_exact=exact,
        rank_cap=cap,
        prefix_capped=prefix_capped,
        facet_depth=searching.FACET_DEPTH,
        problem=problem,
    )


@router.get("/contention")
def contention_page(
    request: Request,
    classification: Annotated[str | None, Query(max_length=40)] = None,
    entity: Text = None,
    source: Annotated[list[str] | None, Query(max_length=contention.MAX_SOURCES)] = None,
    page: Page = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> HTMLResponse:
    """Points of contention: where the sources report the same thing, and how they differ."""
    sources = [s.strip() for s in source or [] if s.strip()]
    problem = None
    groups: list[Any] = []
    total = 0
    with open_store(request) as store:
        try:
            groups, total = contention.claim_groups(
                store.conn,
                classification=classification or None,
                entity=entity,
                sources=sources,
                limit=limit,
                offset=(page - 1) * limit,
            )
        except BadGroupFilter as e:
            problem = str(e)
        stored = count_groups(store.conn)
        choices, menu_cut = contention.source_choices(
            store.conn, sources, limit=contention.MENU_SOURCES
        )
    return render(
        request,
        "contention.html",
        status=400 if problem else 200,
        groups=groups,
        pager=Pager(page, limit, total),
        stored=stored,
        classifications=CLASSIFICATIONS,
        marks=contention.MARKS,
        classification=classification or "",
        entity=entity or "",
        sources=sources,
        choices=choices,
        menu_cut=menu_cut,
        menu_size=contention.MENU_SOURCES,
        problem=problem,
    )
