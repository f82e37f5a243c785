"""Schema migrations, applied in order; ``PRAGMA user_version`` records the last one.

Append a new entry to MIGRATIONS to change the schema; never edit a shipped one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: sources, their typed spans, cleaning edits, and passages with an
    # FTS5 external-content index kept in sync by triggers.
    """
    CREATE TABLE sources (
        id          TEXT PRIMARY KEY,            -- first 16 hex digits of sha256
        sha256      TEXT NOT NULL UNIQUE,        -- of the file's bytes: its identity
        path        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,               -- text | markdown | html | pdf
        title       TEXT,
        authors     TEXT NOT NULL DEFAULT '[]',  -- JSON list
        published   TEXT,                        -- EDTF
        language    TEXT,
        size_bytes  INTEGER NOT NULL,
        char_count  INTEGER NOT NULL,
        metadata    TEXT NOT NULL DEFAULT '{}',  -- JSON: anything else known
        ingested_at TEXT NOT NULL,
        original    TEXT NOT NULL                -- verbatim; every offset points here
    );
    CREATE TABLE spans (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        kind      TEXT NOT NULL,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        attrs     TEXT NOT NULL DEFAULT '{}',
        CHECK (0 <= start AND start <= "end")
    );
    CREATE INDEX spans_by_source ON spans(source_id, kind, start);
    CREATE TABLE edits (
        source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        replacement TEXT NOT NULL,
        kind        TEXT NOT NULL,
        PRIMARY KEY (source_id, start, "end")
    ) WITHOUT ROWID;
    CREATE TABLE passages (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        text      TEXT NOT NULL                  -- cleaned view, boilerplate excluded
    );
    CREATE INDEX passages_by_source ON passages(source_id, start);
    CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, content='passages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER passages_au AFTER UPDATE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END;
    """,
    # 2: what the NLP stage finds: entities (one per name and type for now),
    # their mentions, temporal expressions, and the events they date.
    """
    CREATE TABLE entities (
        id   INTEGER PRIMARY KEY,
        key  TEXT NOT NULL,                      -- the name without case or diacritics
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (key, type)
    );
    CREATE TABLE mentions (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        text      TEXT NOT NULL,                 -- original[start:end]
        type      TEXT NOT NULL,
        attrs     TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX mentions_by_source ON mentions(source_id, start);
    CREATE INDEX mentions_by_entity ON mentions(entity_id);
    CREATE TABLE dates (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        text      TEXT NOT NULL,
        edtf      TEXT NOT NULL,
        earliest  TEXT NOT NULL,
        latest    TEXT NOT NULL,
        anchored  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX dates_by_source ON dates(source_id, start);
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        date_id   INTEGER NOT NULL REFERENCES dates(id) ON DELETE CASCADE,
        edtf      TEXT NOT NULL,
        earliest  TEXT NOT NULL,
        latest    TEXT NOT NULL,
        label     TEXT NOT NULL,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL
    );
    CREATE INDEX events_by_time ON events(earliest, latest);
    CREATE INDEX events_by_source ON events(source_id);
    CREATE TABLE event_mentions (
        event_id   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('participant', 'place')),
        PRIMARY KEY (event_id, mention_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_mentions_by_mention ON event_mentions(mention_id);
    """,
    # 3: larger full-text index pages (new segments only): fewer pages to
    # write per indexed passage, about 10% faster ingest here.
    """
    INSERT INTO passages_fts(passages_fts, rank) VALUES ('pgsz', 4050);
    """,
    # 4: resolved entities: one row per real-world thing (names no longer
    # unique), the links that justify each merge, and users' overrides.
    """
    PRAGMA defer_foreign_keys = ON;  -- mentions point at entities while the table is rebuilt
    CREATE TABLE entities_resolved (
        id   INTEGER PRIMARY KEY,
        key  TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT NOT NULL
    );
    INSERT INTO entities_resolved (id, key, type, name) SELECT id, key, type, name FROM entities;
    DROP TABLE entities;
    ALTER TABLE entities_resolved RENAME TO entities;
    CREATE INDEX entities_by_key ON entities(key, type);
    CREATE TABLE entity_links (
        entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        mention_a  INTEGER NOT NULL,
        mention_b  INTEGER NOT NULL,
        rule       TEXT NOT NULL,
        score      REAL NOT NULL,
        source_id  TEXT,                         -- evidence span, when the text states it
        start      INTEGER,
        "end"      INTEGER
    );
    CREATE INDEX entity_links_by_entity ON entity_links(entity_id);
    CREATE TABLE entity_overrides (
        id         INTEGER PRIMARY KEY,
        action     TEXT NOT NULL CHECK (action IN ('merge', 'split', 'rename')),
        args       TEXT NOT NULL,                -- JSON; mentions as [source id, start, end]
        created_at TEXT NOT NULL
    );
    """,
    # 5: relations between entities (co-occurrence and stated ties), with evidence.
    """
    CREATE TABLE relations (
        id     INTEGER PRIMARY KEY,
        source INTEGER NOT NULL,                -- entity id
        target INTEGER NOT NULL,                -- entity id
        type   TEXT NOT NULL,
        weight INTEGER NOT NULL
    );
    CREATE INDEX relations_by_source ON relations(source);
    CREATE INDEX relations_by_target ON relations(target);
    CREATE TABLE relation_evidence (
        relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        source_id   TEXT NOT NULL,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL
    );
    CREATE INDEX relation_evidence_by_relation ON relation_evidence(relation_id);
    """,
    # 6: where places are, as the offline geocoder resolved them.
    """
    ALTER TABLE entities ADD COLUMN latitude REAL;
    ALTER TABLE entities ADD COLUMN longitude REAL;
    ALTER TABLE entities ADD COLUMN geo_confidence REAL;
    ALTER TABLE entities ADD COLUMN geo_reason TEXT;
    """,
    # 7: per-entity summaries, rebuilt whenever entities are resolved, so an
    # entity's page costs the same for a name mentioned twice or 100,000 times:
    # its names with counts, its distinct merge evidence, and its events in
    # date order. Mentions are indexed in the order an entity page lists them.
    """
    DROP INDEX mentions_by_entity;
    CREATE INDEX mentions_by_entity ON mentions(entity_id, source_id, start);
    CREATE TABLE entity_aliases (
        entity_id INTEGER NOT NULL,
        text      TEXT NOT NULL,
        mentions  INTEGER NOT NULL,
        PRIMARY KEY (entity_id, text)
    ) WITHOUT ROWID;
    CREATE TABLE entity_merges (
        entity_id INTEGER NOT NULL,
        rule      TEXT NOT NULL,
        score     REAL NOT NULL,
        name_a    TEXT NOT NULL,
        name_b    TEXT NOT NULL,
        source_id TEXT,
        start     INTEGER,
        "end"     INTEGER
    );
    CREATE INDEX entity_merges_by_entity ON entity_merges(entity_id, score DESC);
    CREATE INDEX entity_aliases_by_text ON entity_aliases(text);
    CREATE TABLE entity_events (
        entity_id INTEGER NOT NULL,
        event_id  INTEGER NOT NULL,
        earliest  TEXT NOT NULL,
        latest    TEXT NOT NULL,
        source_id TEXT NOT NULL,
        start     INTEGER NOT NULL,
        PRIMARY KEY (entity_id, earliest, latest, source_id, start, event_id)
    ) WITHOUT ROWID;
    """,
    # 8: events indexed in the timeline's full order, so a page of it is read in order
    # instead of sorted.
    """
    DROP INDEX events_by_time;
    CREATE INDEX events_by_time ON events(earliest, latest, source_id, start, id);
    """,
    # 9: claims: what each source asserts, how firmly (modality), on whose authority
    # (attribution, and the chain of voices down to a primary document), about whom
    # (subject mentions) and citing what. Claims point at mentions, never at entities,
    # so they survive re-resolution; entity ids are looked up through the mentions.
    """
    CREATE TABLE claims (
        id                     INTEGER PRIMARY KEY,
        source_id              TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start                  INTEGER NOT NULL,
        "end"                  INTEGER NOT NULL,
        text                   TEXT NOT NULL,    -- original[start:end]
        modality               TEXT NOT NULL,    -- asserted | hedged | denied | quoted
        attribution_kind       TEXT NOT NULL,    -- author | person | organization | ...
        attribution_text       TEXT,
        attribution_start      INTEGER,          -- where the voice is named, if it is
        attribution_end        INTEGER,
        attribution_mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
        cue                    TEXT NOT NULL,    -- the attribution's evidence
        date_edtf              TEXT,
        quotation_start        INTEGER,          -- the quotation it sits in or carries
        quotation_end          INTEGER,
        attrs                  TEXT NOT NULL DEFAULT '{}'  -- JSON: modality cues, quotation
    );
    CREATE INDEX claims_by_source ON claims(source_id, start, "end");  -- reading order
    CREATE INDEX claims_by_attribution ON claims(attribution_mention_id)
        WHERE attribution_mention_id IS NOT NULL;
    CREATE TABLE claim_chain (
        claim_id   INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,             -- 0: the source's own voice
        kind       TEXT NOT NULL,
        text       TEXT,
        start      INTEGER,
        "end"      INTEGER,
        cue        TEXT NOT NULL,
        work       TEXT,                         -- JSON work reference named beside the voice
        mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
        PRIMARY KEY (claim_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX claim_chain_by_mention ON claim_chain(mention_id)
        WHERE mention_id IS NOT NULL;
    CREATE TABLE claim_subjects (
        claim_id   INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        PRIMARY KEY (claim_id, mention_id)
    ) WITHOUT ROWID;
    CREATE INDEX claim_subjects_by_mention ON claim_subjects(mention_id, claim_id);
    CREATE TABLE claim_citations (
        claim_id   INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        kind       TEXT NOT NULL,                -- footnote | bibliography | publication | ...
        text       TEXT NOT NULL,
        start      INTEGER NOT NULL,
        "end"      INTEGER NOT NULL,
        title      TEXT,
        mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
        PRIMARY KEY (claim_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX claim_citations_by_mention ON claim_citations(mention_id)
        WHERE mention_id IS NOT NULL;
    """,
    # 10: source profiles (genre, dates written and described, citations, voices, loaded
    # terms): one row for the source, one per embedded letter, diary or diary entry.
    """
    CREATE TABLE profiles (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,              -- 0: the whole source; then embedded ones
        kind      TEXT NOT NULL,                 -- source | letter | diary | diary_entry
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        genre     TEXT NOT NULL,
        data      TEXT NOT NULL,                 -- JSON: the whole profile
        PRIMARY KEY (source_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX profiles_by_genre ON profiles(genre);
    """,
    # 11: cross-source comparison: groups of claims of several sources that report the same
    # happening or make the same assertion, classified agree / differ / contradict /
    # contested. Rebuilt whole after every ingest that changed something; members name
    # their evidence by source and offsets (claims are not referenced: their ids change
    # when a source is replaced, the offsets of an unchanged source do not).
    """
    CREATE TABLE claim_groups (
        id             INTEGER PRIMARY KEY,      -- 1.. in order of score, per rebuild
        kind           TEXT NOT NULL,            -- event | assertion
        label          TEXT NOT NULL,
        classification TEXT NOT NULL,            -- agree | differ | contradict | contested
        reason         TEXT NOT NULL,
        score          REAL NOT NULL,
        data           TEXT NOT NULL             -- JSON: the whole group (ClaimGroup.to_dict)
    );
    CREATE INDEX claim_groups_by_classification ON claim_groups(classification, score DESC);
    CREATE TABLE claim_group_members (
        group_id  INTEGER NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start     INTEGER NOT NULL,
        "end"     INTEGER NOT NULL,
        text      TEXT NOT NULL,                 -- original[start:end]
        modality  TEXT NOT NULL,
        date      TEXT,                          -- EDTF
        PRIMARY KEY (group_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX claim_group_members_by_source ON claim_group_members(source_id, group_id);
    """,
    # 12: new passages are indexed by the store, one INSERT ... SELECT per written batch in
    # the batch's own transaction (Store.save_sources), instead of by a trigger row by row,
    # which cost the writer's SQLite work about three times the CPU. An existing base's
    # index is complete already and stays as it is; deletes and updates are still mirrored
    # by their triggers.
    """
    DROP TRIGGER passages_ai;
    """,
    # 13: events classed by how long their date span is, so that "events overlapping this
    # window" is a few index range scans instead of a scan of every earlier event: an event of
    # level L lasts at most EVENT_SPAN_LEVELS[L] days, so it can only overlap a window if it
    # starts at most that long before it. A plain column kept by triggers, not a generated
    # one: SQLite reads the table row for a generated column even when an index holds it,
    # and the point is to count from the index alone. A bound julianday() cannot read gives
    # the open-ended level 4.
    """
    ALTER TABLE events ADD COLUMN span_level INTEGER NOT NULL DEFAULT 4;
    UPDATE events SET span_level = CASE
            WHEN julianday(latest) - julianday(earliest) <= 31 THEN 0
            WHEN julianday(latest) - julianday(earliest) <= 366 THEN 1
            WHEN julianday(latest) - julianday(earliest) <= 1096 THEN 2
            WHEN julianday(latest) - julianday(earliest) <= 3653 THEN 3
            ELSE 4
        END;
    CREATE TRIGGER events_span_level_ai AFTER INSERT ON events BEGIN
        UPDATE events SET span_level = CASE
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 31 THEN 0
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 366 THEN 1
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 1096 THEN 2
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 3653 THEN 3
            ELSE 4
        END
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER events_span_level_au AFTER UPDATE OF earliest, latest ON events BEGIN
        UPDATE events SET span_level = CASE
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 31 THEN 0
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 366 THEN 1
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 1096 THEN 2
            WHEN julianday(NEW.latest) - julianday(NEW.earliest) <= 3653 THEN 3
            ELSE 4
        END
        WHERE id = NEW.id;
    END;
    CREATE INDEX events_by_span ON events(span_level, earliest, latest, source_id, start, id);
    """,
    # 14: what incremental updates keep per source, so that adding or deleting sources
    # reads those sources again and not the whole corpus (store/resolution.py): each
    # source's distinct spellings for entity resolution (resolve_*), its share of each
    # relation (relation_parts) and of each place's geocoding (geocode_parts). Bases made
    # before this migration may have them already (they were once made on first use), so
    # every statement is IF NOT EXISTS. Derived data only: deleting their rows makes the
    # next update a full one.
    """
    CREATE TABLE IF NOT EXISTS resolve_units (
        id        INTEGER PRIMARY KEY,
        type      TEXT NOT NULL,
        text      TEXT NOT NULL,
        clean     TEXT NOT NULL,
        expansion TEXT NOT NULL,             -- '' for none
        carve     INTEGER NOT NULL,          -- the mention an override names, else 0
        key       TEXT NOT NULL,
        UNIQUE (type, text, clean, expansion, carve)
    );
    CREATE TABLE IF NOT EXISTS resolve_rows (
        source_id     TEXT NOT NULL,
        unit_id       INTEGER NOT NULL,
        first_mention INTEGER NOT NULL,
        n             INTEGER NOT NULL,
        entity_id     INTEGER NOT NULL,      -- of its mentions, as last resolved
        mention_ids   TEXT NOT NULL          -- JSON list
    );
    CREATE INDEX IF NOT EXISTS resolve_rows_by_source ON resolve_rows(source_id);
    CREATE INDEX IF NOT EXISTS resolve_rows_by_unit
        ON resolve_rows(unit_id, entity_id, first_mention, n);
    CREATE TABLE IF NOT EXISTS resolve_apart (
        source_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS resolve_apart_by_source ON resolve_apart(source_id);
    CREATE INDEX IF NOT EXISTS resolve_apart_by_pair ON resolve_apart(a, b);
    CREATE TABLE IF NOT EXISTS resolve_aliases (
        source_id TEXT NOT NULL, mention_a INTEGER NOT NULL, mention_b INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, unit_a INTEGER NOT NULL,
        unit_b INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS resolve_aliases_by_source ON resolve_aliases(source_id);
    CREATE TABLE IF NOT EXISTS resolve_cooccur (
        type TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, yes INTEGER NOT NULL,
        PRIMARY KEY (type, a, b)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS resolve_sources (source_id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS resolve_clusters (
        entity_id INTEGER PRIMARY KEY, shape TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS resolve_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS entity_links_by_mention ON entity_links(mention_b);
    CREATE TABLE IF NOT EXISTS relation_parts (
        source_id TEXT NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, type TEXT NOT NULL,
        weight INTEGER NOT NULL, evidence TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS relation_parts_by_source ON relation_parts(source_id);
    CREATE INDEX IF NOT EXISTS relation_parts_by_pair ON relation_parts(a, b, type, source_id);
    CREATE TABLE IF NOT EXISTS geocode_parts (
        source_id TEXT NOT NULL, entity_id INTEGER NOT NULL, name TEXT NOT NULL,
        n INTEGER NOT NULL, hit INTEGER NOT NULL, latitude REAL, longitude REAL,
        confidence REAL, reason TEXT
    );
    CREATE INDEX IF NOT EXISTS geocode_parts_by_source ON geocode_parts(source_id);
    CREATE INDEX IF NOT EXISTS geocode_parts_by_entity
        ON geocode_parts(entity_id, hit DESC, n DESC, source_id);
    """,
    # 15: an explicit order for the two tables whose rows were listed in rowid order, so
    # that a PostgreSQL base (which has no rowid, and whose physical order is not the order
    # written once rows were deleted) lists them alike: entity_links gets an id (the rowid
    # it had, so the order is unchanged; the resolver numbers new links max + 1 on both
    # stores), relation_evidence each row's position in its relation's evidence.
    """
    CREATE TABLE entity_links_numbered (
        id         INTEGER PRIMARY KEY,          -- the order the resolver wrote them in
        entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        mention_a  INTEGER NOT NULL,
        mention_b  INTEGER NOT NULL,
        rule       TEXT NOT NULL,
        score      REAL NOT NULL,
        source_id  TEXT,
        start      INTEGER,
        "end"      INTEGER
    );
    INSERT INTO entity_links_numbered
        (id, entity_id, mention_a, mention_b, rule, score, source_id, start, "end")
        SELECT rowid, entity_id, mention_a, mention_b, rule, score, source_id, start, "end"
        FROM entity_links;
    DROP TABLE entity_links;
    ALTER TABLE entity_links_numbered RENAME TO entity_links;
    CREATE INDEX entity_links_by_entity ON entity_links(entity_id);
    CREATE INDEX entity_links_by_mention ON entity_links(mention_b);
    CREATE TABLE relation_evidence_numbered (
        relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,            -- 0.. in the relation's evidence
        source_id   TEXT NOT NULL,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        PRIMARY KEY (relation_id, position)
    ) WITHOUT ROWID;
    INSERT INTO relation_evidence_numbered (relation_id, position, source_id, start, "end")
        SELECT relation_id, row_number() OVER (PARTITION BY relation_id ORDER BY rowid) - 1,
            source_id, start, "end"
        FROM relation_evidence;
    DROP TABLE relation_evidence;
    ALTER TABLE relation_evidence_numbered RENAME TO relation_evidence;
    """,
]

# The longest span, in days, of each bounded level of migration 13 (level 4: any longer, or
# a bound julianday() cannot read). Frozen with that migration: a change needs a new one.
EVENT_SPAN_LEVELS: tuple[int, ...] = (31, 366, 1096, 3653)
OPEN_SPAN_LEVEL = len(EVENT_SPAN_LEVELS)

SCHEMA_VERSION = len(MIGRATIONS)
