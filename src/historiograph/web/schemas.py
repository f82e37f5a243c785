"""Pydantic models of the JSON API: they validate what we send and document it in /openapi.json.

The shapes of ``/api/events``, ``/api/network`` and ``/api/places`` are a contract with the
visualisation scripts in ``static/``; change them only together.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error, from every route: one line a person can read."""

    ok: Literal[False] = False
    error: str
    status: int


class SourceSummary(BaseModel):
    id: str
    title: str | None
    authors: list[str]
    published: str | None
    language: str | None
    genre: str | None
    kind: str
    path: str
    size_bytes: int
    char_count: int
    entities: int
    events: int


class SourcesPage(BaseModel):
    ok: Literal[True] = True
    items: list[SourceSummary]
    total: int
    limit: int
    offset: int


class SpanOut(BaseModel):
    kind: str
    start: int
    end: int
    attrs: dict[str, Any]


class MentionOut(BaseModel):
    id: int
    entity_id: int
    start: int
    end: int
    text: str
    type: str


class DateOut(BaseModel):
    id: int
    start: int
    end: int
    text: str
    edtf: str
    earliest: str
    latest: str


class EditOut(BaseModel):
    start: int
    end: int
    original: str
    replacement: str
    kind: str


class SourceDetail(BaseModel):
    ok: Literal[True] = True
    source: SourceSummary
    metadata: dict[str, Any]
    text: str
    spans: list[SpanOut]
    mentions: list[MentionOut]
    dates: list[DateOut]
    edits: list[EditOut]
    profiles: list[dict[str, Any]] = Field(
        default_factory=list,
        description="the source's profile, then those of documents embedded in it",
    )


class EntitySummary(BaseModel):
    id: int
    name: str
    type: str
    mentions: int


class EntitiesPage(BaseModel):
    ok: Literal[True] = True
    items: list[EntitySummary]
    total: int
    limit: int
    offset: int


class Alias(BaseModel):
    name: str
    count: int


class Evidence(BaseModel):
    source_id: str
    start: int
    end: int


class MergeOut(BaseModel):
    rule: str
    score: float
    between: list[str | None]
    evidence: Evidence | None


class RelationOut(BaseModel):
    kind: str
    weight: float
    other_id: int
    other_name: str
    other_type: str


class MentionContext(BaseModel):
    id: int
    source_id: str
    source_title: str | None
    start: int
    end: int
    text: str
    context: str
    context_start: int


class EntityDetail(BaseModel):
    ok: Literal[True] = True
    id: int
    name: str
    type: str
    lat: float | None
    lon: float | None
    geocoding_reason: str | None
    aliases: list[Alias]
    merges: list[MergeOut]
    relations: list[RelationOut]
    mentions_total: int
    mentions: list[MentionContext]
    events_total: int


class EntityRef(BaseModel):
    id: int
    name: str
    type: str


class EventOut(BaseModel):
    id: int
    edtf: str
    earliest: str
    latest: str
    uncertain: bool
    label: str
    source_id: str
    source_title: str | None
    start: int
    end: int
    participants: list[EntityRef]
    places: list[EntityRef]


class EventsPage(BaseModel):
    ok: Literal[True] = True
    items: list[EventOut]
    total: int
    limit: int
    offset: int


class NetworkNode(BaseModel):
    id: int
    name: str
    type: str
    mentions: int


class NetworkEdge(BaseModel):
    source: int
    target: int
    kind: str
    weight: float


class NetworkOut(BaseModel):
    ok: Literal[True] = True
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


class PlaceOut(BaseModel):
    id: int
    name: str
    lat: float
    lon: float
    mentions: int
    events: int


class PlacesOut(BaseModel):
    ok: Literal[True] = True
    items: list[PlaceOut]


class Range(BaseModel):
    start: int
    end: int


class HitOut(BaseModel):
    source_id: str
    title: str | None
    start: int
    end: int
    match_start: int
    match_end: int
    snippet: str
    matches: list[Range]
    score: float


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class Facets(BaseModel):
    """Counts over the best-ranked matches (at most searching.FACET_DEPTH of them)."""

    sources: list[FacetValue]
    entities: list[FacetValue] = Field(description="entities named in the matches; value: id")
    entity_types: list[FacetValue]
    decades: list[FacetValue]


class SearchOut(BaseModel):
    ok: Literal[True] = True
    query: str
    items: list[HitOut]
    total: int = Field(
        description="how many passages match; when more than the count's cap do, the cap "
        "(and total_exact is false)"
    )
    total_exact: bool = Field(description="whether total counts every match")
    limit: int
    offset: int
    ranked: int = Field(
        description="how many matches were ranked by relevance: all of them, or, for a very "
        "common query, the first ones in document order"
    )
    facets: Facets


class RenameIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)


class MergeIn(BaseModel):
    ids: list[int] = Field(min_length=2, max_length=100)


class EditResult(BaseModel):
    ok: Literal[True] = True
    message: str
    entities: int


class ClaimGroupMemberOut(BaseModel):
    """One side of a group: a claim of one source, its evidence and the reader link to it."""

    source: str
    source_title: str | None
    start: int
    end: int
    text: str = Field(description="the source's original text at start:end")
    modality: str = Field(description="asserted | hedged | denied | quoted")
    date: str | None = Field(description="EDTF of the claim's first date")
    attribution: str | None = Field(description="whom the source reports (null: itself)")
    link: str = Field(description="the reader page with the claim highlighted")


class ClaimGroupOut(BaseModel):
    id: int
    kind: Literal["event", "assertion"]
    label: str
    classification: Literal["agree", "differ", "contradict", "contested"]
    reason: str = Field(description="one line: what decided the classification")
    score: float = Field(description="how sure the alignment is, 0..1")
    entities: list[str] = Field(description="resolved entities the members share")
    sources: list[str]
    members: list[ClaimGroupMemberOut]


class ClaimGroupsPage(BaseModel):
    ok: Literal[True] = True
    items: list[ClaimGroupOut]
    total: int
    limit: int
    offset: int
