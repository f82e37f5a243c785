"""A read-only base: ingest says so on one line, exits 1, and changes nothing.

Root writes through file modes, and these tests may run as root, so each way of making
the base read-only is used where it really stops writes:

- ``PRAGMA query_only`` on the CLI's own connection: always;
- a 0444 file, and a writable file in a 0555 folder: as an ordinary user; under root, in a
  child process run as an unprivileged user through a user namespace (``unshare
  --map-user``), where file modes bind again; skipped if neither is possible;
- a read-only bind mount in a private mount namespace: EROFS, which binds root too;
  skipped where namespaces or mounts are not allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fault_tools import one_line_naming

from historiograph.store import opening as store_opening
from historiograph.store.database import Store
from historiograph.store.search import search
from support import SAMPLE_FILES, CliResult

_NEW = "Enver Hoxha was assigned to the leadership of this branch in 1941.\n"


def _base_with_one_source(folder: Path, cli: Callable[..., CliResult]) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    db = folder / "kb.db"
    assert cli("ingest", str(SAMPLE_FILES[0]), "--db", str(db), "--no-nlp", "-q").code == 0
    new = folder.parent / "new.txt"
    new.write_text(_NEW, encoding="utf-8")
    return db, new


def _unchanged(db: Path, before: bytes) -> None:
    """Nothing written, and what is there still answers."""
    assert db.read_bytes() == before
    copy = db.parent.parent / "check.db"  # opened writable, away from the read-only place
    shutil.copyfile(db, copy)
    with Store(copy, create=False) as store:
        assert store.check_integrity() == []
        assert [Path(row.path).name for row in store.sources()] == [SAMPLE_FILES[0].name]
        assert search(store, "Partisans")


def _check_failure(code: int, err: str, db: Path) -> None:
    assert code == 1, (code, err)
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    one_line_naming(errors[0], str(db))
    assert any(word in errors[0] for word in ("readonly", "read-only", "cannot", "unable")), err


class _QueryOnlyStore(Store):
    """The CLI's store, opened as if the base could be read but not written."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        super().__init__(path, create=create)
        self.conn.execute("PRAGMA query_only = ON")


def test_a_query_only_base_is_one_error_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    db, new = _base_with_one_source(tmp_path / "base", cli)
    before = db.read_bytes()
    monkeypatch.setattr(store_opening, "Store", _QueryOnlyStore)
    result = cli("ingest", str(new), "--db", str(db), "--no-nlp")
    _check_failure(result.code, result.err, db)
    assert "0 added" in result.out
    monkeypatch.undo()
    _unchanged(db, before)


def _as_unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process that file modes bind (skips the test if none can be had)."""
    command = [sys.executable, "-m", "historiograph.cli.main", *args]
    if os.geteuid() != 0:
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root, whose writes file modes do not stop, and no unshare(1)")
    # Root's files appear owned by uid 1000, which has no capabilities: the owner's mode
    # bits apply (and the interpreter under /root stays readable).
    wrapped = [unshare, "--user", "--map-user=1000", "--map-group=1000", *command]
    probe = subprocess.run([*wrapped[:4], "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and no user namespace to drop it ({probe.stderr.strip()})")
    return subprocess.run(wrapped, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("where", ["file 0444", "folder 0555"])
def test_a_base_that_file_modes_make_read_only_is_one_error_line_and_exit_1(
    tmp_path: Path, cli: Callable[..., CliResult], where: str
) -> None:
    db, new = _base_with_one_source(tmp_path / "base", cli)
    before = db.read_bytes()
    locked = db if where == "file 0444" else db.parent
    locked.chmod(0o444 if locked == db else 0o555)
    try:
        child = _as_unprivileged(["ingest", str(new), "--db", str(db), "--no-nlp"])
        _check_failure(child.returncode, child.stderr, db)
    finally:
        locked.chmod(0o644 if locked == db else 0o755)
    _unchanged(db, before)


_RO_MOUNT_SCRIPT = """
mount --bind "$BASE" "$BASE" && mount -o remount,bind,ro "$BASE" || exit 77
exec "$PY" -m historiograph.cli.main ingest "$NEW" --db "$BASE/kb.db" --no-nlp
"""


def test_a_base_on_a_read_only_mount_is_one_error_line_and_exit_1(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux and unshare(1) for a private read-only mount")
    db, new = _base_with_one_source(tmp_path / "base", cli)
    before = db.read_bytes()
    namespace = [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-r", "-m"]
    env = {**os.environ, "BASE": str(db.parent), "NEW": str(new), "PY": sys.executable}
    child = subprocess.run(
        [*namespace, "sh", "-c", _RO_MOUNT_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if child.returncode == 77 or "unshare:" in child.stderr:
        pytest.skip(f"cannot make a private read-only mount here ({child.stderr.strip()[:200]})")
    _check_failure(child.returncode, child.stderr, db)
    _unchanged(db, before)
