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
MENU_SOURCES = 200  # sources offered in each filter menu; any other is filtered by id in the URL

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


def source_choices(
    conn: AnyConnection, chosen: Sequence[str] = (), *, limit: int = MENU_SOURCES
) -> tuple[list[tuple[str, str]], bool]:
    """``(id, title or file name)`` for the filter's menus, by title, and whether the menu is cut.

    Only sources with a member in some group can narrow the list, so the menu is drawn from
    the groups' members, not from every source (a base of 100,000 sources must not put them
    all on the page): the first ``limit`` such sources in id order (one walk of the members'
    index that stops there), plus the ones ``chosen`` by id or prefix so a filter in the URL
    always shows as selected.
    """
    db = sql_connection(conn)
    ids = [
        str(row[0])
        for row in db.query(
            "SELECT DISTINCT source_id FROM claim_group_members ORDER BY source_id LIMIT ?",
            (limit + 1,),
        )
    ]
    cut = len(ids) > limit
    wanted = dict.fromkeys(ids[:limit])
    for prefix in chosen:
        if _SOURCE.match(prefix) and not any(i.startswith(prefix) for i in wanted):
            # A prefix names a source only when exactly one member source starts with it.
            found = db.query(
                "SELECT DISTINCT source_id FROM claim_group_members"
                " WHERE source_id >= ? AND source_id < ? ORDER BY source_id LIMIT 2",
                (prefix, prefix + "g"),  # "g" sorts after every hex digit
            ).fetchall()
            if len(found) == 1:
                wanted[str(found[0][0])] = None
    if not wanted:
        return [], cut
    marks = ", ".join("?" for _ in wanted)
    rows = db.query(
        f"SELECT id, title, path FROM sources WHERE id IN ({marks})", list(wanted)
    ).fetchall()
    named = [(str(r["id"]), str(r["title"] or r["path"].rsplit("/", 1)[-1])) for r in rows]
    return sorted(named, key=lambda choice: (choice[1].casefold(), choice[0])), cut


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
