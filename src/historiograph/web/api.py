"""The JSON API under ``/api/``: what the pages show, as data (and the visualisations' feed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request

from historiograph.errors import HistoriographError
from historiograph.store.comparison import BadGroupFilter
from historiograph.store.profiles import source_profiles
from historiograph.store.resolution import (
    add_override,
    compute_relations,
    entity_ref,
    geocode_places,
    resolve_entities,
)
from historiograph.store.search import rank_cap
from historiograph.web import contention, queries, searching
from historiograph.web.context import config, open_store
from historiograph.web.schemas import (
    ClaimGroupsPage,
    DateOut,
    EditOut,
    EditResult,
    EntitiesPage,
    EntityDetail,
    ErrorBody,
    EventsPage,
    MentionOut,
    MergeIn,
    NetworkOut,
    PlacesOut,
    RenameIn,
    SearchOut,
    SourceDetail,
    SourcesPage,
    SpanOut,
)
from historiograph.web.security import may_edit

# Source ids are hex digests: nothing else may reach a query, let alone a file path.
SOURCE_ID = r"^[0-9a-f]{1,64}$"
MAX_ID = 2**62  # SQLite integers are 64-bit; larger ids cannot exist

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "bad filter or malformed query"),
        (401, "token missing or wrong"),
        (403, "edits not allowed"),
        (404, "no such source or entity"),
        (422, "invalid parameters"),
        (500, "server error"),
        (503, "knowledge base unavailable"),
    )
}

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="items to skip")]
SourceId = Annotated[str, Path(pattern=SOURCE_ID, max_length=64)]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID)]

if TYPE_CHECKING:
    from historiograph.store.opening import AnyStore


def bad_filter(error: ValueError) -> HTTPException:
    return HTTPException(400, str(error))


@router.get("/sources", response_model=SourcesPage, summary="Sources, sorted and paginated")
def api_sources(
    request: Request,
    sort: Annotated[str, Query(pattern="^(title|date|size|entities|events)$")] = "title",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    limit: Limit = 50,
    offset: Offset = 0,
) -> SourcesPage:
    with open_store(request) as store:
        items, total = queries.list_sources(
            store.conn, sort=sort, order=order, limit=limit, offset=offset
        )
    return SourcesPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/sources/{source_id}",
    response_model=SourceDetail,
    summary="A source: metadata, original text, spans, mentions, dates and repairs",
)
def api_source(request: Request, source_id: SourceId) -> SourceDetail:
    with open_store(request) as store:
        conn = store.conn
        summary = queries.source_summary(conn, source_id)
        if summary is None:
            raise HTTPException(404, f"no source with id {source_id}")
        end = summary.char_count
        return SourceDetail(
            source=summary,
            metadata=queries.source_metadata(conn, source_id),
            text=store.original_text(source_id),
            spans=[
                SpanOut(kind=k, start=s, end=e, attrs=a)
                for k, s, e, a in queries.window_spans(conn, source_id, 0, end + 1)
            ],
            mentions=[
                MentionOut(
                    id=m["id"],
                    entity_id=m["entity_id"],
                    start=m["start"],
                    end=m["end"],
                    text=m["text"],
                    type=m["type"],
                )
                for m in queries.window_mentions(conn, source_id, 0, end + 1)
            ],
            dates=[
                DateOut(**{k: d[k] for k in DateOut.model_fields})
                for d in queries.window_dates(conn, source_id, 0, end + 1)
            ],
            edits=[
                EditOut(**{k: e[k] for k in EditOut.model_fields})
                for e in queries.window_edits(conn, source_id, 0, end + 1)
            ],
            profiles=source_profiles(conn, source_id),
        )


@router.get("/entities", response_model=EntitiesPage, summary="Entities, most mentioned first")
def api_entities(
    request: Request,
    q: Annotated[str | None, Query(max_length=300, description="part of a name")] = None,
    type: Annotated[str | None, Query(max_length=50, description="person, place, …")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EntitiesPage:
    with open_store(request) as store:
        items, total = queries.list_entities(store.conn, q=q, kind=type, limit=limit, offset=offset)
    return EntitiesPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/entities/{entity_id}",
    response_model=EntityDetail,
    summary="An entity: aliases, merge evidence, relations, mentions in context (paginated)",
)
def api_entity(
    request: Request, entity_id: EntityId, limit: Limit = 50, offset: Offset = 0
) -> EntityDetail:
    with open_store(request) as store:
        detail = queries.entity_detail(store.conn, entity_id, limit=limit, offset=offset)
    if detail is None:
        raise HTTPException(404, f"no entity with id {entity_id}")
    return detail


@router.get("/events", response_model=EventsPage, summary="Events in chronological order")
def api_events(
    request: Request,
    entity: Annotated[
        str | None, Query(max_length=300, description="entity id, or a name or alias")
    ] = None,
    source: Annotated[str | None, Query(pattern=SOURCE_ID, description="source id")] = None,
    type: Annotated[
        str | None, Query(max_length=50, description="a participant's or place's entity type")
    ] = None,
    start: Annotated[
        str | None, Query(alias="from", max_length=64, description="EDTF: events ending after")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", max_length=64, description="EDTF: events starting before")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Offset = 0,
) -> EventsPage:
    filters = queries.EventFilters(entity=entity, source=source, type=type, start=start, end=end)
    with open_store(request) as store:
        try:
            items, total = queries.list_events(store.conn, filters, limit=limit, offset=offset)
        except queries.BadFilter as e:
            raise bad_filter(e) from e
    return EventsPage(items=items, total=total, limit=limit, offset=offset)


def split_types(types: str | None) -> list[str]:
    return [t.strip() for t in (types or "").split(",") if t.strip()]


@router.get("/network", response_model=NetworkOut, summary="The strongest relations as a graph")
def api_network(
    request: Request,
    types: Annotated[
        str | None, Query(max_length=500, description="relation types, comma-separated")
    ] = None,
    min_weight: Annotated[float, Query(ge=0, le=1e12)] = 1,
    limit: Annotated[int, Query(ge=1, le=2000, description="at most this many edges")] = 200,
) -> NetworkOut:
    with open_store(request) as store:
        nodes, edges = queries.network(
            store.conn, types=split_types(types), min_weight=min_weight, limit=limit
        )
    return NetworkOut(nodes=nodes, edges=edges)


@router.get("/places", response_model=PlacesOut, summary="Located places with their counts")
def api_places(
    request: Request,
    entity: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="a place, or an entity whose events' places to show"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> PlacesOut:
    with open_store(request) as store:
        items, _ = queries.list_places(store.conn, entity=entity, limit=limit, offset=0)
    return PlacesOut(items=items)


@router.get("/search", response_model=SearchOut, summary="Full-text search with facets")
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="search query")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=searching.MAX_SEARCH_DEPTH)] = 0,
) -> SearchOut:
    with open_store(request) as store:
        found = searching.search_page(store, q, limit=limit, offset=offset)
    return SearchOut(
        query=q,
        items=found.items,
        total=found.total,
        total_exact=found.exact,
        limit=limit,
        offset=offset,
        ranked=min(found.total, rank_cap(q)),
        facets=found.facets,
    )


# -- edits (only with the edit token) ----------------------------------------------------------


def _require_edit(request: Request) -> None:
    access = config(request).access
    if access.edit_token is None:
        raise HTTPException(403, "read-only: start the server with --edit-token to allow edits")
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not may_edit(access, headers):
        raise HTTPException(403, "edits need the edit token in the X-Edit-Token header")


@router.post(
    "/entities/{entity_id}/rename",
    response_model=EditResult,
    summary="Rename an entity (stored as an override that survives re-ingest)",
)
def api_rename(request: Request, entity_id: EntityId, body: RenameIn) -> EditResult:
    _require_edit(request)
    name = " ".join(body.name.split())
    if not name:
        raise HTTPException(400, "the new name is empty")
    with open_store(request) as store:
        try:
            ref = list(entity_ref(store, entity_id))
        except HistoriographError as e:
            raise HTTPException(404, str(e)) from e
        add_override(store, "rename", {"mentions": [ref], "name": name})
        summary = _refresh(store)
    return EditResult(message=f"renamed {entity_id} to {name!r}", entities=summary)


@router.post(
    "/entities/merge",
    response_model=EditResult,
    summary="Merge entities into the first (stored as an override that survives re-ingest)",
)
def api_merge(request: Request, body: MergeIn) -> EditResult:
    _require_edit(request)
    ids = list(dict.fromkeys(body.ids))
    if len(ids) < 2 or any(not 1 <= i <= MAX_ID for i in ids):
        raise HTTPException(400, "merge needs at least two different entity ids")
    with open_store(request) as store:
        try:
            refs = [list(entity_ref(store, e)) for e in ids]
        except HistoriographError as e:
            raise HTTPException(404, str(e)) from e
        add_override(store, "merge", {"mentions": refs})
        summary = _refresh(store)
    return EditResult(message=f"merged {', '.join(map(str, ids))}", entities=summary)


def _refresh(store: AnyStore) -> int:
    """Resolve again with the overrides, then rebuild relations and locate places (as the CLI)."""
    summary = resolve_entities(store)
    compute_relations(store)
    geocode_places(store)
    return summary.entities


# -- points of contention ----------------------------------------------------------------------


@router.get(
    "/claim-groups",
    response_model=ClaimGroupsPage,
    summary="Points of contention: claims of several sources compared, most confident first",
    description="Groups of claims from different sources that report the same happening or "
    "make the same assertion, each classified as agree, differ (a date, figure or place), "
    "contradict or contested, with the reason and every member's evidence. Rebuilt at "
    "every ingest with NLP. `source` may be repeated: the groups between those sources.",
)
def api_claim_groups(
    request: Request,
    classification: Annotated[
        Literal["agree", "differ", "contradict", "contested"] | None,
        Query(description="agree, differ, contradict or contested"),
    ] = None,
    entity: Annotated[
        str | None, Query(max_length=300, description="entity id, or a name or alias")
    ] = None,
    source: Annotated[
        list[str] | None,
        Query(max_length=contention.MAX_SOURCES, description="source id(s) or prefixes"),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ClaimGroupsPage:
    with open_store(request) as store:
        try:
            items, total = contention.claim_groups(
                store.conn,
                classification=classification,
                entity=entity,
                sources=source or [],
                limit=limit,
                offset=offset,
            )
        except BadGroupFilter as e:
            raise bad_filter(e) from e
    return ClaimGroupsPage(items=items, total=total, limit=limit, offset=offset)
