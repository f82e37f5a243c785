"""How names are compared: without case, diacritics or extra spaces."""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    """``Vërlaci``, ``VERLACI`` and ``Verlaci`` share the key ``verlaci``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())
