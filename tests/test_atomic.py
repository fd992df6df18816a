from __future__ import annotations

import os
from pathlib import Path

import pytest

from softpace.atomic import (
    atomic_path,
    atomic_update,
    ensure_writable_dir,
    update_bytes_atomic,
    write_text_atomic,
)
from softpace.errors import OutputError


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_an_interrupted_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "session.mp3"
    target.write_bytes(b"complete old session")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temp:
        temp.write_bytes(b"half an mp3")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"complete old session"
    assert [p.name for p in tmp_path.iterdir()] == ["session.mp3"]


def test_an_interrupted_first_write_leaves_nothing(tmp_path):
    target = tmp_path / "session.mp3"
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("encoder died")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_a_clear_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(OutputError, match="cannot write to the output folder"):
        ensure_writable_dir(locked)


def test_a_file_where_the_folder_should_be(tmp_path):
    (tmp_path / "out").write_text("I am a file")
    with pytest.raises(OutputError, match="cannot create the output folder|not a folder"):
        ensure_writable_dir(tmp_path / "out" / "sub")
    with pytest.raises(OutputError):
        ensure_writable_dir(tmp_path / "out")


def test_update_leaves_a_file_with_the_same_bytes_untouched(tmp_path):
    target = tmp_path / "a.mp3"
    assert update_bytes_atomic(target, b"one") is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert update_bytes_atomic(target, b"one") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert update_bytes_atomic(target, b"two") is True  # same size, other bytes
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp3"]


def test_atomic_update_compares_what_was_written(tmp_path):
    target = tmp_path / "s.zip"
    target.write_bytes(b"zip")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    with atomic_update(target) as update:
        update.temp.write_bytes(b"zip")
    assert not update.changed and target.stat().st_mtime_ns == 1_000_000_000
    with atomic_update(target) as update:
        update.temp.write_bytes(b"new zip")
    assert update.changed and target.read_bytes() == b"new zip"
    assert [p.name for p in tmp_path.iterdir()] == ["s.zip"]


@pytest.mark.parametrize("name", ["", ".", "folder"])
def test_a_folder_as_the_target_is_a_clear_error_and_leaves_no_partial(tmp_path, monkeypatch, name):
    """`export --zip ''` ended in an OSError traceback (rename over the current folder)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError, match="is a folder; give a file name"):
        write_text_atomic(Path(name), "zip bytes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_a_failed_rename_is_a_clear_error(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left on device.*nothing was changed"):
        write_text_atomic(tmp_path / "a.txt", "x")
    assert list(tmp_path.iterdir()) == []
