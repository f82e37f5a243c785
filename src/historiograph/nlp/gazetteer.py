"""A shipped, extensible gazetteer of names with their types, as a spaCy component.

The shipped list (``data/gazetteer.tsv``) holds general knowledge of modern
European history — states and their historical names, regions, capitals,
international bodies, armies and agencies, political movements, and widely
known figures — not the names of any one corpus. Users add their own lists
(same format: ``name<TAB>type``) through the component's ``extra_paths``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from historiograph.errors import HistoriographError
from historiograph.model import ENTITY_TYPES
from historiograph.nlp.entity_labels import (
    LOCAL_RULES,
    adjectival,
    hyphenated,
    prefixed,
    register_extensions,
    relabel,
)
from historiograph.nlp.names import name_key


def parse_gazetteer(text: str, origin: str) -> list[tuple[str, str]]:
    """``(name, type)`` pairs from a TSV gazetteer; '#' starts a comment."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in raw.split("\t")]
        if len(parts) < 2 or parts[1] not in ENTITY_TYPES:
            raise HistoriographError(
                f"{origin}:{number}: expected 'name<TAB>type' with type one of "
                f"{', '.join(ENTITY_TYPES)}"
            )
        entries.append((parts[0], parts[1]))
    return entries


@lru_cache(maxsize=1)
def shipped_entries() -> tuple[tuple[str, str], ...]:
    text = resources.files("historiograph").joinpath("data/gazetteer.tsv").read_text("utf-8")
    return tuple(parse_gazetteer(text, "gazetteer.tsv"))


@lru_cache(maxsize=1)
def shipped_group_words() -> frozenset[str]:
    """Keys of the one-word names of peoples and movements in the shipped list."""
    return frozenset(
        name_key(name) for name, kind in shipped_entries() if kind == "group" and " " not in name
    )


def nationality_word(text: str) -> bool:
    """ "Soviet", "British", "German": the word for a people, used before a name."""
    key = name_key(text)
    words = shipped_group_words()
    return key + "s" in words or (key in words and not key.endswith("s"))


def load_entries(extra_paths: Iterable[str] = ()) -> list[tuple[str, str]]:
    entries = list(shipped_entries())
    for path in extra_paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise HistoriographError(f"{path}: cannot read gazetteer ({e.strerror})") from e
        entries.extend(parse_gazetteer(text, path))
    return entries


@Language.factory(
    "historiograph_gazetteer",
    assigns=["doc.ents"],
    default_config={"extra_paths": []},
)
def make_gazetteer(nlp: Language, name: str, extra_paths: Sequence[str]) -> Gazetteer:
    return Gazetteer(nlp, load_entries(extra_paths))


class Gazetteer:
    """Label every gazetteer name in a doc; a match beats an overlapping model guess."""

    def __init__(self, nlp: Language, entries: Sequence[tuple[str, str]]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.types: dict[str, str] = {}
        by_type: dict[str, list[Doc]] = {}
        for name, kind in entries:
            self.types[name] = kind
            by_type.setdefault(kind, []).append(nlp.make_doc(name))
        for kind, docs in by_type.items():
            self.matcher.add(kind, docs)

    def __call__(self, doc: Doc) -> Doc:
        register_extensions()
        found = []
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            span = doc[start:end]
            if label == "group" and (adjectival(span) or hyphenated(span)):
                continue  # "Chetnik forces", "German-Partisan talks": adjectives, not the group
            if prefixed(span):
                continue  # "all-Balkans", "pro-German"
            found.append(Span(doc, start, end, label=label))
        # A people's name right before another name describes it: "the British
        # Special Operations Executive", "Soviet Red Army".
        starts = {s.start for s in found} | {e.start for e in doc.ents}
        found = [s for s in found if not (s.label_ == "group" and s.end in starts)]
        # Local evidence ("the Korça and Shkodra Groups") outweighs the list.
        local = {(e.start, e.end) for e in doc.ents if e._.hg_rule in LOCAL_RULES}
        # Relabel only the spans kept: span extensions are stored by offsets, so
        # a discarded copy would overwrite the evidence of the entity it shadows.
        kept = [relabel(s, s.label_, "gazetteer") for s in found if (s.start, s.end) not in local]
        if kept:
            doc.ents = merge_entities(doc.ents, kept)
        return doc


def _only_adjectives_before(longer: Span, name: Span) -> bool:
    """ "Soviet Red Army", "the British Special Operations Executive" around a listed
    name: a describing adjective or nationality, not part of the name."""
    if name.end != longer.end or name.start == longer.start:
        return False
    return all(
        token.tag_ == "JJ" or nationality_word(token.text)
        for token in longer.doc[longer.start : name.start]
    )


def merge_entities(current: Iterable[Span], preferred: Iterable[Span]) -> list[Span]:
    """``current`` entities with ``preferred`` ones laid over them.

    A preferred span replaces any entity it overlaps, unless that entity is
    strictly longer and contains it ("Communist Party of Albania" keeps its
    whole span when the gazetteer knows "Albania").
    """
    chosen = filter_spans(list(preferred))
    kept = []
    for ent in current:
        overlapping = [s for s in chosen if s.start < ent.end and ent.start < s.end]
        if not overlapping:
            kept.append(ent)
        elif all(
            ent.start <= s.start
            and s.end <= ent.end
            and len(ent) > len(s)
            and not _only_adjectives_before(ent, s)
            for s in overlapping
        ):
            kept.append(ent)
            chosen = [s for s in chosen if s not in overlapping]
    return sorted([*kept, *chosen], key=lambda s: s.start)
