"""What a parse worker needs loaded before its first file, loaded once per run.

Ingest parses in worker processes started from a forkserver (see
``historiograph.build``). The forkserver imports this module before it forks
any worker, so the imports and the OCR vocabulary (about half a second of CPU,
much of it building the spell checker's word list) are paid once and shared by
every worker, copy-on-write, instead of once per spawned worker: on a small
run that start-up was a fifth of the whole ingest's CPU time.

Importing it has that side effect on purpose; nothing else imports it.
"""

from __future__ import annotations

import logging

from historiograph.ingest.ocr import default_repairer
from historiograph.ingest.pipeline import parse_text

_log = logging.getLogger(__name__)


# English prose, long enough for language detection's function-word test: the
# statistical language identifier (0.4 s of CPU to load) is left to the first
# worker that meets a text needing it. Preloading it would delay every worker's
# start by that much, for corpora that are mostly English and never need it.
_WARM_TEXT = (
    "Preload: this text is parsed once in the forkserver so that all of the parse "
    "stages and their tables are in memory before any worker is forked from it, and "
    "the workers start warm."
)


def warm() -> None:
    """Load the OCR repairer and run one parse through every stage."""
    default_repairer()
    parse_text(_WARM_TEXT)


try:
    warm()
except Exception:  # a worker that starts cold still works: it loads on its first file
    _log.debug("parse preload failed; workers load on first use", exc_info=True)
