"""Sentence starts from the layout, set before the parser runs.

Plain-text captures put titles, datelines, captions and diary headings on
lines of their own, with no full stop; left to itself the parser runs them
into the next sentence. A new sentence starts after a blank line, and after a
line break when the line before is short (a heading) or ends a sentence —
but not when the next line starts in lower case (a hard-wrapped sentence).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_SHORT_LINE = 60  # characters
_ENDS = (".", "!", "?", ":", "»", "”", '"')


@Language.component("historiograph_line_sentences", assigns=["token.is_sent_start"])
def line_sentences(doc: Doc) -> Doc:
    text = doc.text
    for token in doc[1:]:
        previous = doc[token.i - 1]
        gap = previous.text if previous.is_space else previous.whitespace_
        if "\n" not in gap or token.is_space:
            continue
        if "\n\n" in gap.replace(" ", "").replace("\t", ""):
            token.is_sent_start = True
            continue
        if not token.text[:1].isupper() and not token.text[:1].isdigit():
            continue
        line_start = text.rfind("\n", 0, token.idx - len(gap)) + 1
        line = text[line_start : token.idx].strip()
        if len(line) < _SHORT_LINE or line.endswith(_ENDS):
            token.is_sent_start = True
    return doc
