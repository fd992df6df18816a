"""Opening the log file: an empty or foreign file is refused (a red-flag pause is never
lost to a 'new' log), reading never writes, and a read-only home reads or says so."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from softpace.cli import cli
from softpace.errors import LogStoreError
from softpace.progress.entries import practice_entry
from softpace.progress.store import LOG_NAME, MIGRATIONS, SCHEMA_VERSION, ComfortStore

DAY = date(2026, 3, 1)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
        for p in sorted(folder.iterdir())
    }


def _refused(path: Path, match: str, create: bool = True) -> None:
    with pytest.raises(LogStoreError, match=match), ComfortStore.open(path, create=create):
        pass


def _run(home: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--home", str(home), *args])


# -- an empty or foreign file -----------------------------------------------------------
@pytest.mark.parametrize("create", [True, False], ids=["to-write", "to-read"])
def test_an_empty_file_is_refused_and_left_empty(tmp_path: Path, create: bool) -> None:
    path = tmp_path / LOG_NAME
    path.touch()
    before = _snapshot(tmp_path)
    _refused(path, r"is empty \(0 bytes\).*Restore it from a backup", create=create)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [("status",), ("history",), ("log", "--during", "1"), ("log", "--red-flag", "bleeding")],
)
def test_commands_refuse_an_empty_log_in_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    """`status` used to turn an empty file into a new log: a red flag logged in the file
    before it was cut short would be forgotten, and sessions would start again."""
    home = tmp_path / "home"
    home.mkdir()
    (home / LOG_NAME).touch()
    before = _snapshot(home)
    result = _run(home, *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: the comfort log") and "0 bytes" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert _snapshot(home) == before


def test_an_sqlite_file_without_a_softpace_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")  # a valid, empty database: no tables at all
    db.close()
    assert path.stat().st_size > 0
    before = _snapshot(tmp_path)
    for create in (True, False):
        _refused(path, "not a softpace comfort log", create=create)
    assert _snapshot(tmp_path) == before


def test_a_folder_at_the_log_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / LOG_NAME).mkdir()
    _refused(tmp_path / LOG_NAME, "is not a file")


def test_a_new_log_appears_whole_and_leaves_no_temporary_files(tmp_path: Path, plan) -> None:
    path = tmp_path / "home" / LOG_NAME
    with ComfortStore.open(path) as store:
        store.add_practice(practice_entry(plan, on=DAY, stage="external-mapping", during=1))
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(LOG_NAME)) == []


def test_new_logs_left_half_made_by_a_killed_softpace_are_swept(tmp_path: Path) -> None:
    stale = tmp_path / f".{LOG_NAME}.abc123.new"
    recent = tmp_path / f".{LOG_NAME}.def456.new"
    for leftover in (stale, recent):
        leftover.write_bytes(b"")
    os.utime(stale, (0, time.time() - 2 * 3600))
    with ComfortStore.open(tmp_path / LOG_NAME):
        pass
    assert not stale.exists() and recent.exists()


# -- reading writes nothing -------------------------------------------------------------
def _old_log(path: Path) -> None:
    """A log at schema 1 (before the plan's scale was kept), with one practice."""
    with ComfortStore.open(path, migrations=MIGRATIONS[:1]):
        pass
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO practice (practiced_on, stage, during, note, logged_at) "
            "VALUES ('2026-03-01', 'external-mapping', 1, 'old', '2026-03-01T20:00:00+00:00')"
        )
    db.close()


def test_reading_an_older_log_writes_no_schema(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    _old_log(path)
    before = _snapshot(tmp_path)
    with ComfortStore.open(path, create=False) as store:
        assert [p.note for p in store.load().practices] == ["old"]
    assert _snapshot(tmp_path) == before
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_writing_migrates_an_older_log_and_keeps_its_rows_and_ids(tmp_path: Path, plan) -> None:
    path = tmp_path / LOG_NAME
    _old_log(path)
    with ComfortStore.open(path) as store:
        new = store.add_practice(practice_entry(plan, on=DAY, stage="external-mapping", during=2))
        practices = store.load().practices
    assert [(p.id, p.during, p.note) for p in practices] == [(1, 1, "old"), (2, 2, "")]
    assert new.id == 2
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT scale_max FROM practice ORDER BY id").fetchall() == [(10,), (10,)]
    db.close()


# -- a read-only home -------------------------------------------------------------------
_KILLED_WRITER = """
import os, sys
from datetime import date
from pathlib import Path
from softpace.plan import load_plan
from softpace.progress.entries import practice_entry
from softpace.progress.store import ComfortStore

plan = load_plan()
opened = ComfortStore.open(Path(sys.argv[1]))  # kept: its exit would close the log
store = opened.__enter__()
store.add_practice(practice_entry(
    plan, on=date(2026, 3, 2), stage="external-mapping", during=2, note="in the journal"
))
os._exit(0)  # like a kill: the journal (-wal) is never folded back into the file
"""


@pytest.fixture
def shared_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    yield home
    if home.exists():
        os.chmod(home, 0o700)  # so pytest can clean up


def _logged_home(home: Path, plan, *, journal: str) -> None:
    with ComfortStore.open(home / LOG_NAME) as store:
        store.add_practice(practice_entry(plan, on=DAY, stage="external-mapping", during=1))
    if journal != "none":
        subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(home / LOG_NAME)], check=True)
        assert (home / f"{LOG_NAME}-wal").stat().st_size > 0
    if journal == "wal-only":
        (home / f"{LOG_NAME}-shm").unlink()


_READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'


@functools.cache
def _read_only_mounts_fail() -> str:
    """Why a read-only bind mount cannot be made here ("" when it can): asked once a run."""
    if shutil.which("unshare") is None:
        return "running as root, and no `unshare` to mount the home read-only"
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(
            ["unshare", "-m", "sh", "-c", _READ_ONLY_MOUNT, folder, "sh", "-c",
             'touch "$0/probe"', folder],
            capture_output=True, text=True,
        )  # fmt: skip
    if "Read-only file system" not in probe.stderr:
        return f"cannot make a read-only mount here (as root): {probe.stderr.strip()}"
    return ""


def _run_read_only(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """softpace in a real process on a home it cannot write: chmod 0500, and as root (who
    ignores permissions) also a read-only bind mount of the home in a private mount
    namespace (`unshare -m`), as with a mounted backup: even root gets EROFS there."""
    command = [sys.executable, "-m", "softpace", "--home", str(home), *args]
    env = dict(os.environ, MPLCONFIGDIR=str(home.parent / "mpl"))
    env.pop("SOFTPACE_HOME", None)
    if os.geteuid() == 0:
        why_not = _read_only_mounts_fail()
        if why_not:
            pytest.skip(why_not)
        command = ["unshare", "-m", "sh", "-c", _READ_ONLY_MOUNT, str(home), *command]
    os.chmod(home, 0o500)
    try:
        return subprocess.run(command, capture_output=True, text=True, env=env)
    finally:
        os.chmod(home, 0o700)


# Each case runs softpace (and a killed writer) as processes of their own: the quick loop
# keeps one of each kind, the full suite all of them.
@pytest.mark.parametrize(
    ("command", "journal"),
    [
        ("status", "none"),
        ("history", "wal-and-shm"),
        pytest.param("history", "none", marks=pytest.mark.slow),
        pytest.param("status", "wal-and-shm", marks=pytest.mark.slow),
    ],
)
def test_reading_a_read_only_home_works_and_changes_nothing(
    shared_home: Path, plan, journal: str, command: str
) -> None:
    """It gave an OSError traceback or called the healthy log 'damaged... move it aside'."""
    _logged_home(shared_home, plan, journal=journal)
    before = _snapshot(shared_home)
    result = _run_read_only(shared_home, command, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr
    if command == "history":
        notes = [p["note"] for p in __import__("json").loads(result.stdout)["practices"]]
        assert notes == ([""] if journal == "none" else ["", "in the journal"])
    assert _snapshot(shared_home) == before


def test_a_journal_that_cannot_be_read_in_a_read_only_home_is_said_in_one_line(
    shared_home: Path, plan
) -> None:
    """Reading the file alone would miss what is in its journal (perhaps a red flag)."""
    _logged_home(shared_home, plan, journal="wal-only")
    before = _snapshot(shared_home)
    result = _run_read_only(shared_home, "status")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the folder") and "is read-only" in result.stderr
    assert result.stderr.count("\n") == 1 and "damaged" not in result.stderr
    assert _snapshot(shared_home) == before


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--red-flag", "bleeding"),
        pytest.param(("log", "--during", "1"), marks=pytest.mark.slow),
        pytest.param(("log", "--after", "1"), marks=pytest.mark.slow),
    ],
)
def test_writing_in_a_read_only_home_says_the_folder_is_read_only(
    shared_home: Path, plan, args: tuple[str, ...]
) -> None:
    _logged_home(shared_home, plan, journal="none")
    before = _snapshot(shared_home)
    result = _run_read_only(shared_home, *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "is read-only" in result.stderr and "damaged" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert _snapshot(shared_home) == before
