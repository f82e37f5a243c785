"""The search query language (store/query.py) translated to a PostgreSQL ``tsquery``.

The same tokenizer and parser as for FTS5, so a query is accepted or refused, with the same
message, on both stores; only what the parser builds differs. The result is an SQL
expression with parameters, never a tsquery string assembled from user text:

- a word or a "phrase" is ``phraseto_tsquery`` of its text (a word that the parser splits,
  like ``don't``, is a phrase of its parts, as FTS5 reads a quoted string);
- ``word*`` is ``to_tsquery`` of the quoted stem with ``:*``;
- AND, OR and NOT are ``&&``, ``||`` and ``&& !!``.

Every function gets the ``historiograph`` configuration, so query words are folded (case,
diacritics) exactly as the indexed passages were.
"""

from __future__ import annotations

from dataclasses import dataclass

from historiograph.store.postgres.schema import TS_CONFIG
from historiograph.store.query import _Parser, _tokenize


@dataclass(frozen=True, slots=True)
class TsQuery:
    """An SQL expression of type tsquery and its parameters, in order."""

    sql: str
    params: tuple[str, ...]
    # The words, phrases and prefix stems a matching passage may contain, with whether each
    # is a prefix: every operand but those NOT excludes. Hits locate their match with them.
    operands: tuple[tuple[str, bool], ...] = ()


def _prefix_literal(stem: str) -> str:
    """``stem`` as a quoted tsquery operand matching any word it begins."""
    # Inside a quoted tsquery operand a backslash escapes and a quote is doubled.
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "':*"


class _TsParser(_Parser):
    """The FTS5 parser's grammar, building tsquery SQL instead of an FTS5 expression."""

    def __init__(self, query: str) -> None:
        super().__init__(query, _tokenize(query))
        self.params: list[str] = []
        self.operands: list[tuple[str, bool]] = []
        self.negated = 0  # > 0 while parsing what a NOT excludes

    def or_expression(self) -> str:
        parts = [self.and_expression()]
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "OR":
            self.take()
            parts.append(self.and_expression())
        return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"

    def and_expression(self) -> str:
        parts = [self.not_expression()]
        while (token := self.peek()) is not None and token.kind != "close" and token.value != "OR":
            if token.kind == "op" and token.value == "AND":
                self.take()
            parts.append(self.not_expression())
        return parts[0] if len(parts) == 1 else "(" + " && ".join(parts) + ")"

    def not_expression(self) -> str:
        expression = self.primary()
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "NOT":
            self.take()
            self.negated += 1
            excluded = self.primary()
            self.negated -= 1
            expression = f"({expression} && !!{excluded})"
        return expression

    def primary(self) -> str:
        token = self.peek()
        if token is not None and token.kind in {"term", "phrase"}:
            self.take()
            self.params.append(token.value)
            if not self.negated:
                self.operands.append((token.value, False))
            return f"phraseto_tsquery('{TS_CONFIG}', %s)"
        if token is not None and token.kind == "prefix":
            self.take()
            self.params.append(_prefix_literal(token.value))
            if not self.negated:
                self.operands.append((token.value, True))
            return f"to_tsquery('{TS_CONFIG}', %s)"
        # Parentheses and every error: the FTS5 parser's own code, which recurses into
        # or_expression (ours) for a group.
        return super().primary()


def to_tsquery(query: str) -> TsQuery:
    """Translate a user query into a tsquery SQL expression; QueryError if malformed."""
    parser = _TsParser(query)
    expression = parser.parse()
    return TsQuery(expression, tuple(parser.params), tuple(parser.operands))
