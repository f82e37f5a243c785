"""Points of contention: the stored cross-source groups as the page and the API show them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from historiograph.store.comparison import CLASSIFICATIONS, BadGroupFilter, GroupRow, list_groups
from historiograph.store.dialect import sql_connection
from historiograph.web.schemas import ClaimGroupMemberOut, ClaimGroupOut
from historiograph.web.templating import source_link

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection

# What a source filter may be: a source id or a prefix of one (hex digests, nothing else).
_SOURCE = re.compile(r"^[0-9a-f]{1,64}$")
MAX_SOURCES = 4  # "between A and B" needs two; more narrows to nothing in practice

# The page shows a mark beside each classification's word, so it is never told by colour alone.
MARKS = {"agree": "=", "differ": "≠", "contradict": "✗", "contested": "?"}


def claim_groups(
    conn: AnyConnection,
    *,
    classification: str | None,
    entity: str | None,
    sources: Sequence[str],
    limit: int,
    offset: int,
) -> tuple[list[ClaimGroupOut], int]:
    """One page of groups, most confident first, and how many match; a bad filter raises
    :class:`BadGroupFilter` with a one-line reason."""
    wanted = [s.strip() for s in sources if s.strip()]
    if len(wanted) > MAX_SOURCES:
        raise BadGroupFilter(f"at most {MAX_SOURCES} sources to compare, got {len(wanted)}")
    for source in wanted:
        if not _SOURCE.match(source):
            raise BadGroupFilter(f"source {source[:70]!r}: not a source id (hex digits)")
    if classification and classification not in CLASSIFICATIONS:
        raise BadGroupFilter(
            f"classification {classification[:40]!r}: one of {', '.join(CLASSIFICATIONS)}"
        )
    rows, total = list_groups(
        conn,
        entity=(entity or "").strip() or None,
        sources=wanted,
        classification=classification or None,
        limit=limit,
        offset=offset,
    )
    return [_out(row) for row in rows], total


def source_choices(conn: AnyConnection) -> list[tuple[str, str]]:
    """``(id, title or file name)`` of every source, for the filter's menus, by title."""
    rows = sql_connection(conn).query("SELECT id, title, path FROM sources").fetchall()
    named = [(str(r["id"]), str(r["title"] or r["path"].rsplit("/", 1)[-1])) for r in rows]
    return sorted(named, key=lambda choice: (choice[1].casefold(), choice[0]))


def _out(group: GroupRow) -> ClaimGroupOut:
    return ClaimGroupOut(
        id=group.id,
        kind="event" if group.kind == "event" else "assertion",
        label=group.label,
        classification=group.classification,  # type: ignore[arg-type]  # checked on save
        reason=group.reason,
        score=group.score,
        entities=group.entities,
        sources=group.sources,
        members=[
            ClaimGroupMemberOut(
                source=m.source_id,
                source_title=m.source_title,
                start=m.start,
                end=m.end,
                text=m.text,
                modality=m.modality,
                date=m.date,
                attribution=m.attribution,
                link=source_link(m.source_id, m.start, m.end),
            )
            for m in group.members
        ],
    )
