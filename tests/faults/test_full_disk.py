"""A full disk: ingest says so on one line, exits 1, and keeps what was stored before.

Three ways to fill it, from always available to most real:

- SQLite's ``PRAGMA max_page_count`` caps the base on the connection the Store holds
  (no privileges, any platform): SQLITE_FULL exactly as a full disk gives it;
- ``RLIMIT_FSIZE`` in a child process: the kernel refuses writes past a size (EFBIG), to
  the base, its WAL and temporary files alike (Linux/POSIX, no privileges);
- a small tmpfs mounted in a private mount namespace (``unshare``), with TMPDIR on it too:
  the real ENOSPC; skipped where namespaces or mounts are not allowed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fault_tools import one_line_naming

from historiograph.build import ingest_paths
from historiograph.settings import Settings
from historiograph.store import opening as store_opening
from historiograph.store.database import Store
from historiograph.store.search import search
from support import SAMPLE_FILES, CliResult

NO_NLP = Settings(nlp=False)


def _big_text(path: Path, words: int = 30_000) -> Path:
    """~200 kB of distinct made-up words: far more index than a few spare pages hold, and
    no English, so language identification loads its model (a temporary file) too."""
    rng = random.Random(7)
    vocabulary = [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10)))
        for _ in range(5_000)
    ]
    paragraphs = [
        " ".join(rng.choice(vocabulary) for _ in range(60)) + "." for _ in range(words // 60)
    ]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


def _stored_state(db: Path) -> tuple[list[str], dict[str, int]]:
    with Store(db, create=False) as store:
        assert store.check_integrity() == []
        return [row.id for row in store.sources()], store.counts()


def _still_searchable(db: Path) -> None:
    with Store(db, create=False) as store:
        assert store.check_integrity() == []
        hits = search(store, "Partisans")
        assert hits and {Path(hit.path).name for hit in hits} <= {p.name for p in SAMPLE_FILES}


def _cap(store: Store, spare_pages: int) -> None:
    pages = int(store.conn.execute("PRAGMA page_count").fetchone()[0])
    store.conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_a_full_base_stops_the_ingest_and_keeps_what_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    big = _big_text(tmp_path / "big.txt")
    with Store(db) as store:
        assert (
            len(ingest_paths([str(p) for p in SAMPLE_FILES[:2]], store, settings=NO_NLP).added) == 2
        )
    before = _stored_state(db)
    with Store(db) as store:
        _cap(store, spare_pages=8)
        report = ingest_paths([str(big), str(SAMPLE_FILES[2])], store, settings=NO_NLP)
        assert not report.ok and not report.added
        assert report.stopped is not None
        one_line_naming(report.stopped, str(db))
        assert "full" in report.stopped, report.stopped
    # The batch went in whole or not at all: nothing of it, everything from before.
    assert _stored_state(db) == before
    _still_searchable(db)
    # Room again: the same ingest completes.
    with Store(db) as store:
        report = ingest_paths([str(big), str(SAMPLE_FILES[2])], store, settings=NO_NLP)
        assert report.ok and len(report.added) == 2, report
        assert store.check_integrity() == []


class _CappedStore(Store):
    """The CLI's store, on a 'disk' with a few pages to spare."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        super().__init__(path, create=create)
        _cap(self, spare_pages=8)


def _cli_on_a_full_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> tuple[Path, Path, CliResult]:
    db = tmp_path / "kb.db"
    assert cli("ingest", str(SAMPLE_FILES[0]), "--db", str(db), "--no-nlp", "-q").code == 0
    big = _big_text(tmp_path / "big.txt")
    monkeypatch.setattr(store_opening, "Store", _CappedStore)
    return db, big, cli("ingest", str(big), "--db", str(db), "--no-nlp")


def test_the_cli_on_a_full_base_prints_one_error_line_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    db, _, result = _cli_on_a_full_base(tmp_path, monkeypatch, cli)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.err
    one_line_naming(errors[0], str(db))
    assert "database or disk is full" in errors[0]
    assert "Traceback" not in result.err
    assert "0 added" in result.out
    assert len(_stored_state(db)[0]) == 1
    _still_searchable(db)


def test_the_full_disk_error_names_the_input_that_was_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    _, big, result = _cli_on_a_full_base(tmp_path, monkeypatch, cli)
    (line,) = [line for line in result.err.splitlines() if line.startswith("error: ")]
    one_line_naming(line, str(big))


# A child whose files may not grow past a size (the kernel answers EFBIG, as a full
# disk answers ENOSPC). Python ignores SIGXFSZ, so the write fails instead of killing it.
_LIMITED_CHILD = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from historiograph.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin", reason="RLIMIT_FSIZE: Linux/POSIX"
)
def test_a_file_size_limit_is_one_error_line_and_exit_1_in_a_real_process(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    db = tmp_path / "kb.db"
    assert cli("ingest", str(SAMPLE_FILES[0]), "--db", str(db), "--no-nlp", "-q").code == 0
    big = _big_text(tmp_path / "big.txt")
    before = _stored_state(db)
    limit = db.stat().st_size + 64 * 1024
    tmp = tmp_path / "tmp"  # the language model's temporary file falls under the limit too
    tmp.mkdir()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            _LIMITED_CHILD,
            str(limit),
            "ingest",
            str(big),
            "--db",
            str(db),
            "--no-nlp",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    # Was a traceback: py3langid's OSError (File too large) from its temporary model file.
    assert "Traceback" not in child.stderr, child.stderr
    assert child.returncode == 1, (child.returncode, child.stderr)
    errors = [line for line in child.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, child.stderr
    one_line_naming(errors[0], str(db))
    assert _stored_state(db) == before
    _still_searchable(db)


_TMPFS_SCRIPT = """
set -u
mount -t tmpfs -o size=1m tmpfs "$DISK" || exit 77
export TMPDIR="$DISK"
"$PY" -m historiograph.cli.main ingest "$FIRST" --db "$DISK/kb.db" --no-nlp -q || exit 78
"$PY" -m historiograph.cli.main ingest "$BIG" --db "$DISK/kb.db" --no-nlp >"$OUT/out" 2>"$OUT/err"
echo $? >"$OUT/code"
"$PY" - <<'CHECK' >"$OUT/check.json"
import json, os
from historiograph.store.database import Store
from historiograph.store.search import search
with Store(os.environ["DISK"] + "/kb.db", create=False) as store:
    print(json.dumps({
        "problems": store.check_integrity(),
        "sources": [row.path for row in store.sources()],
        "hits": len(search(store, "Partisans")),
    }))
CHECK
"""


def _namespace_command() -> list[str] | None:
    """A private mount namespace (and, without root, a user namespace to allow mounts)."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return None
    return [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-r", "-m"]


def test_a_full_tmpfs_is_one_error_line_and_keeps_what_was_stored(tmp_path: Path) -> None:
    command = _namespace_command()
    if command is None:
        pytest.skip("needs Linux and unshare(1) for a private tmpfs")
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    big = _big_text(tmp_path / "big.txt")
    env = {
        **os.environ,
        "DISK": str(disk),
        "OUT": str(out),
        "PY": sys.executable,
        "FIRST": str(SAMPLE_FILES[0]),
        "BIG": str(big),
    }
    run = subprocess.run(
        [*command, "sh", "-c", _TMPFS_SCRIPT], env=env, capture_output=True, text=True, timeout=180
    )
    if run.returncode != 0 and not (out / "code").exists():
        # unshare refused (no user namespaces, seccomp) or mount did (no CAP_SYS_ADMIN).
        pytest.skip(
            f"cannot mount a private tmpfs here (exit {run.returncode}: {run.stderr.strip()[:200]})"
        )
    err = (out / "err").read_text()
    assert "Traceback" not in err, err
    assert (out / "code").read_text().strip() == "1", err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    one_line_naming(errors[0], str(disk / "kb.db"))
    assert "full" in errors[0] or "disk" in errors[0], errors[0]
    check = json.loads((out / "check.json").read_text())
    assert check["problems"] == [] and len(check["sources"]) == 1 and check["hits"] > 0, check
