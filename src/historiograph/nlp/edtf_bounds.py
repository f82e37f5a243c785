"""The earliest and latest day an EDTF value can mean, via the ``edtf`` package."""

from __future__ import annotations

import time
from functools import lru_cache

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException


@lru_cache(maxsize=4096)
def edtf_bounds(value: str) -> tuple[str, str]:
    """ISO days bounding ``value`` (``1943`` -> ``1943-01-01``, ``1943-12-31``).

    Raises ValueError when ``value`` is not EDTF.
    """
    try:
        parsed = parse_edtf(value)
        return (
            time.strftime("%Y-%m-%d", parsed.lower_strict()),
            time.strftime("%Y-%m-%d", parsed.upper_strict()),
        )
    except EDTFParseException as e:
        raise ValueError(f"not an EDTF value: {value!r}") from e
    except Exception as e:
        # The edtf package fails on some values it parses with other errors (a TypeError
        # for "1984?/..", an open end it cannot bound); to callers it is the same thing.
        raise ValueError(f"not an EDTF value with bounds: {value!r} ({e})") from e
