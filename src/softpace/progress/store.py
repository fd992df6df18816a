"""The comfort log on disk: one SQLite file in the data home, private to its owner.

- WAL journal and a busy timeout, so two `softpace log` at the same moment both save;
- a schema version (PRAGMA user_version) with migrations applied on open, in one
  transaction; reading never writes (an older log is migrated in memory to be read);
- a file that is not a softpace log (an empty one too), is damaged, or was written by a
  newer softpace is refused with a clear message and left exactly as it was (see
  `logfile`, which opens the file);
- every write is one transaction: a practice and what was noticed with it land together;
- ratings are checked against the scale of the plan they were given on (kept per practice).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from softpace.errors import LogEntryError, LogStoreError
from softpace.progress import logfile
from softpace.progress.entries import NextDayEntry, PracticeEntry
from softpace.progress.model import ComfortLog, Evaluation, Kind, Observation, Practice

LOG_NAME = "comfort-log.sqlite3"

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
    (
        # 2: the rating scale comes from the plan (not always 0-10): each practice keeps
        # the top of the scale it was rated on, and the checks use it.
        """CREATE TABLE practice_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            practiced_on TEXT NOT NULL,
            stage TEXT NOT NULL,
            scale_max INTEGER NOT NULL DEFAULT 10,
            during INTEGER NOT NULL,
            next_day INTEGER,
            next_day_on TEXT,
            dilator TEXT,
            note TEXT NOT NULL DEFAULT '',
            logged_at TEXT NOT NULL,
            CHECK (scale_max >= 1),
            CHECK (during BETWEEN 0 AND scale_max),
            CHECK (next_day BETWEEN 0 AND scale_max)
        )""",
        "INSERT INTO practice_v2 (id, practiced_on, stage, scale_max, during, next_day, "
        "next_day_on, dilator, note, logged_at) SELECT id, practiced_on, stage, 10, during, "
        "next_day, next_day_on, dilator, note, logged_at FROM practice",
        "DROP TABLE practice",
        "ALTER TABLE practice_v2 RENAME TO practice",
        "CREATE INDEX practice_by_day ON practice (practiced_on)",
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
        """Open the log at `path` to write (creating or migrating it if needed).

        With create=False the log is only read and nothing is written: a missing file reads
        as empty, an older one is migrated in memory, a read-only folder is read as it is.
        """
        if not create:
            with cls._open_for_reading(path, migrations) as store:
                yield store
            return
        if not path.exists():
            logfile.create_log(path, migrations)
        version = logfile.check(path, len(migrations))
        connection = logfile.connect_writer(path)
        try:
            if version < len(migrations):
                logfile.migrate(connection, migrations)
            with contextlib.suppress(OSError):  # a folder we cannot chmod in is still usable
                logfile.make_private(path)
            yield cls(connection, path)
        finally:
            connection.close()

    @classmethod
    @contextlib.contextmanager
    def _open_for_reading(
        cls, path: Path, migrations: Sequence[Sequence[str]]
    ) -> Iterator[ComfortStore]:
        if not path.exists():
            connection = logfile.empty_log(migrations)
        else:
            with logfile.refused_leaves_no_trace(path):
                checker = logfile.connect_reader(path)
                try:
                    version = logfile.check_version(checker, path, len(migrations))
                    reader = logfile.connect_quiet_reader(path) or checker
                except BaseException:
                    checker.close()
                    raise
                if reader is not checker:
                    checker.close()  # the quiet reader's close tidies the -wal and -shm
            if version < len(migrations):
                try:
                    connection = logfile.in_memory_copy(reader, migrations)
                finally:
                    reader.close()
            else:
                connection = reader
        try:
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
                "INSERT INTO practice (practiced_on, stage, scale_max, during, dilator, note, "
                "logged_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*_practice_values(entry), stamp),
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
        changed). Raises LogEntryError when there is no practice before that day (saying
        so plainly when the only practice is on that very day), or when that practice was
        rated on another scale than the entry's.
        """
        stamp = _stamp(now)
        with self._write() as db:
            row = db.execute(
                "SELECT MAX(practiced_on) FROM practice WHERE practiced_on < ?",
                (entry.on.isoformat(),),
            ).fetchone()
            if row is None or row[0] is None:
                raise LogEntryError(_nothing_to_rate(db, entry.on))
            day = row[0]
            scales = {
                r[0]
                for r in db.execute("SELECT scale_max FROM practice WHERE practiced_on = ?", (day,))
            }
            if scales != {entry.scale_max}:
                raise LogEntryError(
                    f"your {day} practice was rated on a scale of 0 to "
                    f"{'/'.join(map(str, sorted(scales)))}, but this plan's scale is 0 to "
                    f"{entry.scale_max}; rate it with the plan it was practised with (--plan)"
                )
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
                "UPDATE practice SET practiced_on = ?, stage = ?, scale_max = ?, during = ?, "
                "dilator = ?, note = ? WHERE id = ?",
                (*_practice_values(entry), practice_id),
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
            logfile.retry_locked(lambda: db.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        try:
            yield db
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise _store_error(self.path, exc) from exc
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


def _nothing_to_rate(db: sqlite3.Connection, on: date) -> str:
    same_day = db.execute(
        "SELECT COUNT(*) FROM practice WHERE practiced_on = ?", (on.isoformat(),)
    ).fetchone()[0]
    if same_day:
        tomorrow = on + timedelta(days=1)
        return (
            f"rate it tomorrow: your {on.isoformat()} practice is rated the next day, once you "
            f"know how it settled (`softpace log --after N` on {tomorrow.isoformat()} or "
            "later). Nothing was saved; for how it felt during the practice, use --during"
        )
    return (
        f"there is no practice before {on.isoformat()} to rate; log the practice first with "
        "`softpace log --during N --date YYYY-MM-DD`"
    )


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _store_error(path: Path, exc: sqlite3.Error) -> LogStoreError:
    return logfile.classify(path, exc)


def _practice_values(entry: PracticeEntry) -> tuple[str, str, int, int, str | None, str]:
    """A practice's columns in the order INSERT and UPDATE name them."""
    return (
        entry.on.isoformat(),
        entry.stage,
        entry.scale_max,
        entry.during,
        entry.dilator,
        entry.note,
    )
