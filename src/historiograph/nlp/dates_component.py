"""Temporal expressions as a spaCy component: ``nlp.add_pipe("historiograph_dates")``.

The component runs :func:`historiograph.nlp.temporal.find_temporal_expressions`
on ``doc.text`` and stores the results as ``DATE`` spans in
``doc.spans["dates"]`` (the key is configurable), each with its EDTF value in
``span._.edtf``.  ``doc.user_data["anchor"]`` and ``doc.user_data["published"]``
(EDTF strings) are passed on, so a caller that knows where a chunk sits in a
longer narrative can give it the running date.

Expressions are found on characters, not tokens: a span is widened to whole
tokens (``alignment_mode="expand"``), so ``span.text`` can be longer than the
expression when the tokenizer glued it to a neighbour ("mid-1943" stays one
token; "1941-45" may be too), while ``span._.edtf`` is always the value of the
expression itself.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from historiograph.nlp.temporal import find_temporal_expressions

LABEL = "DATE"


def register_extensions() -> None:
    """Add ``Span._.edtf``; safe to call more than once (and beside other components)."""
    if not Span.has_extension("edtf"):
        Span.set_extension("edtf", default=None)


class DatesComponent:
    """Finds temporal expressions and stores them as labelled spans with EDTF values."""

    def __init__(self, spans_key: str = "dates") -> None:
        self.spans_key = spans_key
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        anchor = doc.user_data.get("anchor")
        published = doc.user_data.get("published")
        spans: list[Span] = []
        last_end = 0  # in tokens: expanded spans of neighbours may touch the same token
        for expression in find_temporal_expressions(
            doc.text,
            anchor=anchor if isinstance(anchor, str) else None,
            published=published if isinstance(published, str) else None,
        ):
            span = doc.char_span(
                expression.start, expression.end, label=LABEL, alignment_mode="expand"
            )
            if span is None or span.start < last_end:
                continue  # e.g. "1914/1915" tokenised as one token: keep the first
            span._.edtf = expression.edtf
            spans.append(span)
            last_end = span.end
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory(
    "historiograph_dates", assigns=["doc.spans"], default_config={"spans_key": "dates"}
)
def make_dates_component(nlp: Language, name: str, spans_key: str) -> DatesComponent:
    return DatesComponent(spans_key)
