"""Finding the files an ingest names: order, what is left out, overlaps, and streaming."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from historiograph.ingest.discover import Candidate, count_candidates, discover


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"text of {name}\n", encoding="utf-8")


def _found(inputs: list[str], **kwargs: object) -> list[str]:
    return [str(c.path) for c in discover(inputs, **kwargs) if c.path and not c.problem]  # type: ignore[arg-type]


def test_a_folder_is_searched_in_the_order_of_sorted_rglob(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        ["b.txt", "b/c.txt", "a/z/y.txt", "a/b.txt", "a.b/x.txt", "B.txt", "b/a/q.md", "c.txt"],
    )
    expected = [str(p) for p in sorted(tmp_path.rglob("*")) if p.is_file()]
    assert _found([str(tmp_path)]) == expected


def test_hidden_names_sidecars_and_excluded_files_are_left_out(tmp_path: Path) -> None:
    _tree(tmp_path, ["keep.txt", ".hidden.txt", ".git/config.txt", "x/.cache/y.txt"])
    (tmp_path / "keep.txt.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "kb.db").write_bytes(b"")
    found = _found([str(tmp_path)], exclude=[tmp_path / "kb.db"])
    assert found == [str(tmp_path / "keep.txt")]


def test_a_hidden_folder_named_itself_is_searched(tmp_path: Path) -> None:
    _tree(tmp_path, [".drafts/a.txt"])
    assert _found([str(tmp_path / ".drafts")]) == [str(tmp_path / ".drafts" / "a.txt")]


def test_unsupported_files_are_reported_as_skipped(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.txt", "b.xyz"])
    candidates = list(discover([str(tmp_path)]))
    assert [c.skip for c in candidates] == [False, True]
    assert candidates[1].problem == f"{tmp_path / 'b.xyz'}: unsupported file type, skipped"


def test_overlapping_inputs_yield_each_file_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/1.txt", "a/b/2.txt", "c.txt"])
    a = str(tmp_path / "a")
    inner = str(tmp_path / "a" / "b")
    one = str(tmp_path / "a" / "1.txt")
    two = str(tmp_path / "a" / "b" / "2.txt")
    assert _found([a, a]) == [one, two]
    assert _found([a, inner]) == [one, two]
    assert _found([inner, a]) == [two, one]
    assert _found([one, a]) == [one, two]
    assert _found([a, one, str(tmp_path / "**" / "*.txt")]) == [
        one,
        two,
        str(tmp_path / "c.txt"),
    ]


def test_a_file_in_a_hidden_folder_is_new_to_a_search_that_left_it_out(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.txt", ".old/b.txt"])
    assert _found([str(tmp_path), str(tmp_path / ".old")]) == [
        str(tmp_path / "a.txt"),
        str(tmp_path / ".old" / "b.txt"),
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_to_a_file_found_anyway_is_not_a_second_source(tmp_path: Path) -> None:
    _tree(tmp_path, ["corpus/z.txt", "elsewhere/w.txt"])
    corpus = tmp_path / "corpus"
    (corpus / "a-link.txt").symlink_to(corpus / "z.txt")
    (corpus / "b-link.txt").symlink_to(tmp_path / "elsewhere" / "w.txt")
    (corpus / "c-link.txt").symlink_to(tmp_path / "elsewhere" / "w.txt")
    (corpus / "folder-link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    # The file reached by its own path is recorded there; a link to a file outside the
    # folder stands for it, once; links to folders are not followed.
    assert _found([str(corpus)]) == [str(corpus / "b-link.txt"), str(corpus / "z.txt")]


def test_inputs_that_name_nothing_are_problems(tmp_path: Path) -> None:
    candidates = list(discover([str(tmp_path / "missing.txt"), str(tmp_path / "*.none")]))
    assert candidates == [
        Candidate(None, f"{tmp_path / 'missing.txt'}: no such file or directory"),
        Candidate(None, f"{tmp_path / '*.none'}: no files match this pattern"),
    ]


def test_a_folder_that_cannot_be_read_is_a_problem_and_the_search_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["a/1.txt", "b/2.txt", "c.txt"])
    locked = tmp_path / "b"
    scandir = os.scandir

    def refuse(path: Path) -> object:  # as chmod 0 would, also when the tests run as root
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    candidates = list(discover([str(tmp_path)]))
    assert [c.path for c in candidates if c.path] == [tmp_path / "a" / "1.txt", tmp_path / "c.txt"]
    assert [c.problem for c in candidates if c.path is None] == [
        f"{locked}: folder not searched (Permission denied)"
    ]


def test_a_search_streams_one_listing_at_a_time(tmp_path: Path) -> None:
    # A file written into a later folder after the first file was yielded is still
    # found: the later folder was not listed up front.
    _tree(tmp_path, ["a/1.txt", "z/2.txt"])
    found = discover([str(tmp_path)])
    first = next(found)
    (tmp_path / "z" / "3.txt").write_text("late\n", encoding="utf-8")
    rest = [c.path for c in found]
    assert first.path == tmp_path / "a" / "1.txt"
    assert rest == [tmp_path / "z" / "2.txt", tmp_path / "z" / "3.txt"]


def test_count_candidates_counts_what_discover_yields(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.txt", "b/c.md", "d.bin"])
    inputs = [str(tmp_path), str(tmp_path / "missing")]
    assert count_candidates(inputs) == len(list(discover(inputs))) == 4
