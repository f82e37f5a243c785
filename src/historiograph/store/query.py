"""The search query language, parsed into a safe FTS5 expression.

Users write plain words, "phrases in quotes", ``AND``/``OR``/``NOT`` (upper
case, as in FTS5), ``word*`` for a prefix and parentheses for grouping.
Adjacent terms mean AND. Every term reaches FTS5 quoted, so nothing a user
types can inject FTS5 syntax (column filters, NEAR, ^) by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from historiograph.errors import QueryError

_TOKEN = re.compile(
    r'\s*(?:(?P<phrase>"[^"]*")|(?P<open>\()|(?P<close>\))|(?P<word>[^\s"()]+)|(?P<quote>"))'
)
_OPERATORS = {"AND", "OR", "NOT"}
_WORDLIKE = re.compile(r"\w")
# Parentheses nest at most this deep: the parser recurses per level (Python's stack ends
# near 250 levels) and FTS5 refuses deeper expressions anyway.
MAX_DEPTH = 32
# Words, phrases and prefixes per query: FTS5's cost grows with the square of their
# number (800 took a second on the four-text sample, 20,000 ten minutes), and a web
# request must not be able to hold the store that long.
MAX_TERMS = 64


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # term | prefix | phrase | op | open | close
    value: str


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    query = query.rstrip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:  # pragma: no cover - regex covers all
            raise QueryError(query, "unreadable text", "use words, quotes and parentheses")
        position = match.end()
        if match.group("quote"):
            raise QueryError(
                query, "a quotation mark is not closed", 'close the phrase: "like this"'
            )
        if phrase := match.group("phrase"):
            words = phrase[1:-1].strip()
            if not _WORDLIKE.search(words):
                raise QueryError(
                    query, "empty phrase", 'put words between the quotes: "tito stalin"'
                )
            tokens.append(_Token("phrase", words))
        elif match.group("open"):
            tokens.append(_Token("open", "("))
        elif match.group("close"):
            tokens.append(_Token("close", ")"))
        else:
            tokens.append(_word_token(query, match.group("word")))
    tokens = [t for t in tokens if t.kind != "skip"]
    if sum(t.kind in {"term", "prefix", "phrase"} for t in tokens) > MAX_TERMS:
        raise QueryError(
            query, f"more than {MAX_TERMS} words or phrases", "search for fewer words at a time"
        )
    return tokens


def _word_token(query: str, word: str) -> _Token:
    if word in _OPERATORS:
        return _Token("op", word)
    if "*" in word.rstrip("*") or word.startswith("*"):
        raise QueryError(query, f"misplaced * in {word!r}", "a * may only end a word: partis*")
    if word.endswith("*"):
        stem = word.rstrip("*")
        if not _WORDLIKE.search(stem):
            raise QueryError(query, f"nothing before * in {word!r}", "write a word stem: partis*")
        return _Token("prefix", stem)
    if not _WORDLIKE.search(word):
        return _Token("skip", word)  # bare punctuation matches nothing; ignore it
    return _Token("term", word)


class _Parser:
    def __init__(self, query: str, tokens: list[_Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def error(self, reason: str, hint: str) -> QueryError:
        return QueryError(self.query, reason, hint)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> str:
        if not self.tokens:
            raise self.error("no words to search for", 'try a word, a "phrase" or prefix*')
        expression = self.or_expression()
        if (token := self.peek()) is not None:
            if token.kind == "close":
                raise self.error("unmatched )", "remove it or add a ( before it")
            raise self.error(f"unexpected {token.value!r}", "check the operators")
        return expression

    def or_expression(self) -> str:
        parts = [self.and_expression()]
        while (token := self.peek()) is not None and token == _Token("op", "OR"):
            self.take()
            parts.append(self.and_expression())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_expression(self) -> str:
        parts = [self.not_expression()]
        while (token := self.peek()) is not None and token.kind != "close" and token.value != "OR":
            if token == _Token("op", "AND"):
                self.take()
            parts.append(self.not_expression())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_expression(self) -> str:
        expression = self.primary()
        while (token := self.peek()) is not None and token == _Token("op", "NOT"):
            self.take()
            expression = f"({expression} NOT {self.primary()})"
        return expression

    def primary(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("the query ends too early", "an operator needs a word after it")
        self.take()
        if token.kind == "term":
            return _quote(token.value)
        if token.kind == "prefix":
            return _quote(token.value) + "*"
        if token.kind == "phrase":
            return _quote(token.value)
        if token.kind == "open":
            if self.depth >= MAX_DEPTH:
                raise self.error(
                    f"parentheses nested more than {MAX_DEPTH} deep", "remove some parentheses"
                )
            self.depth += 1
            inner = self.or_expression()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise self.error("a ( is not closed", "add the matching )")
            self.take()
            return inner
        if token.kind == "close":
            raise self.error("unmatched )", "remove it or add a ( before it")
        if token.value == "NOT":
            raise self.error(
                "NOT needs a word before it", "NOT excludes from what comes before: tito NOT stalin"
            )
        raise self.error(
            f"{token.value} needs a word on each side", f"write tito {token.value} stalin"
        )


def to_fts5(query: str) -> str:
    """Translate a user query into an FTS5 MATCH expression; QueryError if malformed."""
    return _Parser(query, _tokenize(query)).parse()
