"""The comfort log on disk: one SQLite file in the data home, private to its owner.

- WAL journal and a busy timeout, so two `softpace log` at the same moment both save;
- a schema version (PRAGMA user_version) with migrations applied on open, in one
  transaction;
- a file that is not a softpace log, is damaged, or was written by a newer softpace is
  refused with a clear message and left exactly as it was (nothing is written to it);
- every write is one transaction: a practice and what was noticed with it land together.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from softpace.errors import LogEntryError, LogStoreError
from softpace.progress.entries import NextDayEntry, PracticeEntry
from softpace.progress.model import ComfortLog, Evaluation, Kind, Observation, Practice

LOG_NAME = "comfort-log.sqlite3"
BUSY_TIMEOUT_MS = 15_000

# Each migration brings the schema from version i to i + 1 (statements run in order).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE practice (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            practiced_on TEXT NOT NULL,
            stage TEXT NOT NULL,
            during INTEGER NOT NULL CHECK (during BETWEEN 0 AND 10),
            next_day INTEGER CHECK (next_day BETWEEN 0 AND 10),
            next_day_on TEXT,
            dilator TEXT,
            note TEXT NOT NULL DEFAULT '',
            logged_at TEXT NOT NULL
        )""",
        "CREATE INDEX practice_by_day ON practice (practiced_on)",
        """CREATE TABLE observation (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            observed_on TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('symptom', 'red-flag')),
            slug TEXT NOT NULL,
            practice_id INTEGER REFERENCES practice (id),
            logged_at TEXT NOT NULL
        )""",
        """CREATE TABLE evaluation (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            evaluated_on TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            logged_at TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def log_path(data_home: Path) -> Path:
    return data_home / LOG_NAME


class ComfortStore:
    """An open comfort log. Use `with ComfortStore.open(path) as store:`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    # -- opening ----------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        migrations: Sequence[Sequence[str]] = MIGRATIONS,
    ) -> Iterator[ComfortStore]:
        """Open (and if needed create or migrate) the log at `path`.

        With create=False a missing file gives an empty, read-only view instead.
        """
        exists = path.exists()
        if not exists and not create:
            yield cls(_empty_connection(migrations), path)
            return
        if not exists:
            _create_private(path)
        version = _check(path, len(migrations))
        connection = _connect(path)
        try:
            if version < len(migrations) or not exists:
                _retry_locked(lambda: connection.execute("PRAGMA journal_mode=WAL"))
                _migrate(connection, migrations)
            _make_private(path)
            yield cls(connection, path)
        finally:
            connection.close()

    # -- reading ----------------------------------------------------------
    def load(self) -> ComfortLog:
        db = self._db
        practices = tuple(
            _practice(row)
            for row in db.execute(
                f"SELECT {_PRACTICE_COLUMNS} FROM practice ORDER BY practiced_on, id"
            )
        )
        observations = tuple(
            Observation(
                id=row[0],
                on=date.fromisoformat(row[1]),
                kind=Kind(row[2]),
                slug=row[3],
                practice_id=row[4],
                logged_at=datetime.fromisoformat(row[5]),
            )
            for row in db.execute(
                "SELECT id, observed_on, kind, slug, practice_id, logged_at "
                "FROM observation ORDER BY observed_on, id"
            )
        )
        evaluations = tuple(
            Evaluation(
                id=row[0],
                on=date.fromisoformat(row[1]),
                note=row[2],
                logged_at=datetime.fromisoformat(row[3]),
            )
            for row in db.execute(
                "SELECT id, evaluated_on, note, logged_at FROM evaluation ORDER BY evaluated_on, id"
            )
        )
        return ComfortLog(practices, observations, evaluations)

    # -- writing ----------------------------------------------------------
    def add_practice(self, entry: PracticeEntry, now: datetime | None = None) -> Practice:
        stamp = _stamp(now)
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO practice (practiced_on, stage, during, dilator, note, logged_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry.on.isoformat(), entry.stage, entry.during, entry.dilator, entry.note, stamp),
            )
            practice_id = int(cursor.lastrowid or 0)
            self._observe(db, entry.on, entry.symptoms, entry.red_flags, practice_id, stamp)
        return Practice(
            id=practice_id,
            on=entry.on,
            stage=entry.stage,
            during=entry.during,
            dilator=entry.dilator,
            note=entry.note,
        )

    def add_next_day(
        self, entry: NextDayEntry, now: datetime | None = None
    ) -> tuple[Practice, ...]:
        """Rate the latest practice day before `entry.on` (every practice of that day).

        Returns the practices as they were before the rating (so callers can say what
        changed). Raises LogEntryError when there is no practice before that day.
        """
        stamp = _stamp(now)
        with self._write() as db:
            row = db.execute(
                "SELECT MAX(practiced_on) FROM practice WHERE practiced_on < ?",
                (entry.on.isoformat(),),
            ).fetchone()
            if row is None or row[0] is None:
                raise LogEntryError(
                    f"there is no practice before {entry.on.isoformat()} to rate; log the "
                    "practice first with `softpace log --during N --date YYYY-MM-DD`"
                )
            day = row[0]
            before = tuple(
                _practice(row)
                for row in db.execute(
                    f"SELECT {_PRACTICE_COLUMNS} FROM practice WHERE practiced_on = ? ORDER BY id",
                    (day,),
                )
            )
            db.execute(
                "UPDATE practice SET next_day = ?, next_day_on = ? WHERE practiced_on = ?",
                (entry.rating, entry.on.isoformat(), day),
            )
            self._observe(db, entry.on, entry.symptoms, entry.red_flags, before[-1].id, stamp)
        return before

    def add_observations(
        self,
        on: date,
        symptoms: Sequence[str],
        red_flags: Sequence[str],
        now: datetime | None = None,
    ) -> None:
        """Symptoms or red flags noticed on a day without a practice to go with them."""
        stamp = _stamp(now)
        with self._write() as db:
            self._observe(db, on, symptoms, red_flags, None, stamp)

    def add_evaluation(self, on: date, note: str = "", now: datetime | None = None) -> Evaluation:
        stamp = _stamp(now)
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO evaluation (evaluated_on, note, logged_at) VALUES (?, ?, ?)",
                (on.isoformat(), note, stamp),
            )
        return Evaluation(
            id=int(cursor.lastrowid or 0), on=on, note=note, logged_at=datetime.fromisoformat(stamp)
        )

    # -- correcting (the web check-in) ------------------------------------------
    def correct_practice(self, practice_id: int, entry: PracticeEntry) -> Practice:
        """Replace a practice's day, stage, rating, dilator and note, and the symptoms and
        red flags logged with it; its next-day rating (and what came with it) stays."""
        with self._write() as db:
            old = db.execute(
                "SELECT practiced_on FROM practice WHERE id = ?", (practice_id,)
            ).fetchone()
            if old is None:
                raise LogEntryError(f"there is no practice #{practice_id} in the log")
            db.execute(
                "UPDATE practice SET practiced_on = ?, stage = ?, during = ?, dilator = ?, "
                "note = ? WHERE id = ?",
                (
                    entry.on.isoformat(),
                    entry.stage,
                    entry.during,
                    entry.dilator,
                    entry.note,
                    practice_id,
                ),
            )
            db.execute(
                "DELETE FROM observation WHERE practice_id = ? AND observed_on = ?",
                (practice_id, old[0]),
            )
            self._observe(db, entry.on, entry.symptoms, entry.red_flags, practice_id, _stamp(None))
            row = db.execute(
                f"SELECT {_PRACTICE_COLUMNS} FROM practice WHERE id = ?", (practice_id,)
            ).fetchone()
        return _practice(row)

    def delete_entry(self, table: str, entry_id: int) -> None:
        """Delete one practice (with what was logged with it), observation or evaluation."""
        if table not in ("practice", "observation", "evaluation"):
            raise LogEntryError(f"unknown kind of entry {table!r}")
        with self._write() as db:
            if table == "practice":
                db.execute("DELETE FROM observation WHERE practice_id = ?", (entry_id,))
            if db.execute(f"DELETE FROM {table} WHERE id = ?", (entry_id,)).rowcount == 0:
                raise LogEntryError(f"there is no {table} #{entry_id} in the log")

    @staticmethod
    def _observe(
        db: sqlite3.Connection,
        on: date,
        symptoms: Sequence[str],
        red_flags: Sequence[str],
        practice_id: int | None,
        stamp: str,
    ) -> None:
        rows = [(Kind.SYMPTOM, s) for s in symptoms] + [(Kind.RED_FLAG, f) for f in red_flags]
        db.executemany(
            "INSERT INTO observation (observed_on, kind, slug, practice_id, logged_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(on.isoformat(), kind.value, slug, practice_id, stamp) for kind, slug in rows],
        )

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: waits its turn behind another writer, then commits."""
        db = self._db
        try:
            _retry_locked(lambda: db.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise _store_error(self.path, exc) from exc


# -- helpers ----------------------------------------------------------------
_PRACTICE_COLUMNS = "id, practiced_on, stage, during, next_day, next_day_on, dilator, note"


def _practice(row: tuple[Any, ...]) -> Practice:
    """A Practice from a row of _PRACTICE_COLUMNS."""
    return Practice(
        id=row[0],
        on=date.fromisoformat(row[1]),
        stage=row[2],
        during=row[3],
        next_day=row[4],
        next_day_on=date.fromisoformat(row[5]) if row[5] else None,
        dilator=row[6],
        note=row[7],
    )


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _create_private(path: Path) -> None:
    """Create the data folder (owner-only) and an empty file with mode 0600 before SQLite."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise LogStoreError(
            f"cannot create the comfort log {path} ({exc.strerror}); pass --home with a "
            "folder you can write to"
        ) from exc


def _make_private(path: Path) -> None:
    """Owner read/write only, for the log and SQLite's WAL and shared-memory files."""
    for file in (path, *_side_files(path)):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(file.stat().st_mode) != 0o600:
                os.chmod(file, 0o600)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(
            f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise _store_error(path, exc) from exc
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def _empty_connection(migrations: Sequence[Sequence[str]]) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    for migration in migrations:
        for statement in migration:
            connection.execute(statement)
    return connection


def _check(path: Path, known: int) -> int:
    """The file's schema version, after checking it is a healthy log this softpace can read.

    Reads through a read-only connection: a file that fails a check is left as it was.
    """
    side_files = _side_files(path)
    existed = {file for file in side_files if file.exists()}
    try:
        connection = sqlite3.connect(
            f"file:{path}?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,  # wait for a writer rather than misread a lock
        )
    except sqlite3.Error as exc:
        raise _store_error(path, exc) from exc
    try:
        return _check_version(connection, path, known)
    except LogStoreError:
        connection.close()
        # Reading a WAL-mode file makes SQLite create its -wal and -shm files; remove
        # the ones this check made, so a refused file's folder is as it was.
        for file in side_files:
            if file not in existed:
                with contextlib.suppress(FileNotFoundError):
                    file.unlink()
        raise
    finally:
        connection.close()


def _side_files(path: Path) -> tuple[Path, Path]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def _check_version(connection: sqlite3.Connection, path: Path, known: int) -> int:
    try:
        # One read transaction: the version and the tables come from the same snapshot,
        # even while another process is creating or migrating the log.
        connection.execute("BEGIN")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version > known:
            raise LogStoreError(
                f"the comfort log {path} was written by a newer softpace (schema {version}; "
                f"this version knows up to {known}); upgrade softpace to read it. The file "
                "was not changed."
            )
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.DatabaseError as exc:
        raise LogStoreError(
            f"the comfort log {path} is damaged or is not a softpace log ({exc}). It was left "
            "exactly as it was: move it aside (keep a copy) and softpace starts a new log, "
            "or restore it from a backup."
        ) from exc
    if verdict != "ok" or (version >= 1 and "practice" not in tables):
        raise LogStoreError(
            f"the comfort log {path} failed its integrity check ({verdict}). It was left "
            "exactly as it was: move it aside (keep a copy) or restore it from a backup."
        )
    if version == 0 and tables:
        raise LogStoreError(
            f"{path} is an SQLite file but not a softpace comfort log; it was left as it was. "
            "Move it aside, or pass --home with another folder."
        )
    return version


def _migrate(connection: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> None:
    """Apply every missing migration in one transaction (another process may race us)."""
    _retry_locked(lambda: connection.execute("BEGIN IMMEDIATE"))
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        for target, migration in enumerate(migrations[version:], start=version + 1):
            for statement in migration:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {target}")
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        connection.execute("ROLLBACK")
        raise LogStoreError(
            f"could not update the comfort log's format ({exc}); the log was not changed. "
            "Please report this, with the softpace version."
        ) from exc
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _retry_locked(step: Callable[[], object], attempts: int = 50) -> None:
    """Run `step`, retrying briefly while another process holds a lock SQLite won't wait on."""
    for attempt in range(attempts):
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            transient = "locked" in str(exc) or "busy" in str(exc)
            if not transient or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _store_error(path: Path, exc: sqlite3.Error) -> LogStoreError:
    return LogStoreError(
        f"cannot use the comfort log {path} ({exc}); nothing was saved. Try again, or check "
        "that the folder is yours and writable."
    )
