"""Shared fixtures: the sample corpus, fresh stores, a CLI runner, tiny PDFs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from historiograph.cli.main import main
from historiograph.store.database import Store
from support import SAMPLE_DIR, CliResult


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kb.db") as opened:
        yield opened


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the CLI in-process and capture what it prints."""

    def run(*args: str) -> CliResult:
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's --help, --version and usage errors
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
