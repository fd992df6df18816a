"""Opening the comfort log's SQLite file safely: create, check, migrate, or read only.

- A new log is built beside its final name and linked into place whole, so a file at the
  log's path is always one softpace finished: an empty file or any other file found there
  is refused (it may be a log truncated by a full disk or a sync tool; taking it over as
  a new log would lose a red-flag pause);
- every check reads through a read-only connection, and a file that fails one is left
  exactly as it was;
- reading (`open_for_reading`) never writes: no schema, no mode change; an older schema
  is brought up to date in memory; a folder that is read-only (a mounted backup, a locked
  folder) is read as it is, or refused in one line that says the folder is read-only;
- SQLite's own errors are sorted: only a damaged or foreign file is called damaged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from softpace.errors import LogStoreError, OutputError
from softpace.paths import private_dir

BUSY_TIMEOUT_MS = 15_000
STALE_NEW_LOG_S = 3600  # a half-made new log this old was left by a killed softpace
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_NO_ACCESS = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}


def create_log(path: Path, migrations: Sequence[Sequence[str]]) -> None:
    """Make a new, fully migrated WAL-mode log at `path` (owner-only, in an owner-only
    folder), unless another process makes one first; either way a log is there after."""
    require_writable(path)
    try:
        private_dir(path.parent, option="--home", what="data folder")
    except OutputError as exc:
        raise LogStoreError(str(exc)) from exc
    _sweep_stale_new_logs(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    except OSError as exc:
        raise LogStoreError(_cannot_write(path, exc.strerror or str(exc))) from exc
    os.close(fd)  # mkstemp made it 0600
    temp = Path(name)
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")  # kept in the file's header
            migrate(connection, migrations)
        finally:
            connection.close()  # the last close folds the WAL into the file
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        _link_into_place(temp, path)
    except sqlite3.Error as exc:
        raise LogStoreError(_cannot_write(path, str(exc))) from exc
    except OSError as exc:
        raise LogStoreError(_cannot_write(path, exc.strerror or str(exc))) from exc
    finally:
        for leftover in (temp, *side_files(temp)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _sweep_stale_new_logs(path: Path) -> None:
    """Remove new logs a killed softpace left half-made (never a recent one: another
    process may be making it right now). They hold a schema, never an entry."""
    cutoff = time.time() - STALE_NEW_LOG_S
    for leftover in path.parent.glob(f".{path.name}.*.new*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _link_into_place(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)  # fails if a log appeared meanwhile: never replace one
    except FileExistsError:
        return  # another softpace created it a moment ago; use theirs
    except OSError:
        # A file system without hard links: rename, unless a log appeared meanwhile.
        if not path.exists():
            os.rename(temp, path)


def check(path: Path, known: int) -> int:
    """The file's schema version, after checking it is a healthy log this softpace can read.

    Raises LogStoreError (the file left as it was) for an empty or foreign file, a damaged
    one, one from a newer softpace, or one in a read-only folder that cannot be read safely.
    """
    with refused_leaves_no_trace(path):
        connection = connect_reader(path)
        try:
            return check_version(connection, path, known)
        finally:
            connection.close()


@contextlib.contextmanager
def refused_leaves_no_trace(path: Path) -> Iterator[None]:
    """When the file is refused, remove the -wal/-shm files SQLite made while reading it, so
    its folder is as it was; never a journal with something in it (another process's)."""
    wal, shm = side_files(path)
    existed = {file for file in (wal, shm) if file.exists()}
    try:
        yield
    except LogStoreError:
        with contextlib.suppress(OSError):
            if wal not in existed and wal.exists() and wal.stat().st_size == 0:
                wal.unlink()
            if shm not in existed and not wal.exists():
                shm.unlink()
        raise


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing log (see the module docstring)."""
    if not path.is_file():
        raise LogStoreError(
            f"{path} is not a file, so it cannot be the comfort log; move it aside, or pass "
            "--home with another folder"
        )
    if path.stat().st_size == 0:
        raise LogStoreError(
            f"the comfort log {path} is empty (0 bytes). softpace never leaves an empty log, "
            "so it may have been cut short (a full disk, a sync or backup tool); it was left "
            "as it is. Restore it from a backup; if you have never logged anything, delete it."
        )
    connection = _connect(f"file:{path}?mode=ro", path)
    try:
        # One read transaction: the version and the tables come from the same snapshot.
        connection.execute("BEGIN")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("COMMIT")
        return connection
    except sqlite3.Error as exc:
        connection.close()
        if not _read_only_folder(path, exc):
            raise classify(path, exc) from exc
    # A read-only folder: SQLite cannot make its shared-memory file there. With no
    # unsaved journal beside the log, the file alone is the whole log: read it as it is.
    wal = side_files(path)[0]
    if wal.exists() and wal.stat().st_size > 0:
        raise LogStoreError(
            f"the folder {path.parent} is read-only and the comfort log has changes still in "
            f"its journal ({wal.name}), which softpace can only read from a writable folder; "
            "nothing was changed. Copy the folder somewhere you can write and pass --home "
            "with the copy."
        )
    return _connect(f"file:{path}?mode=ro&immutable=1", path)


def _read_only_folder(path: Path, exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in _NO_ACCESS and not os.access(path.parent, os.W_OK)


def check_version(connection: sqlite3.Connection, path: Path, known: int) -> int:
    try:
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
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise classify(path, exc) from exc
    if verdict != "ok" or (version >= 1 and "practice" not in tables):
        raise LogStoreError(
            f"the comfort log {path} failed its integrity check ({verdict}). It was left "
            "exactly as it was: move it aside (keep a copy) or restore it from a backup."
        )
    if version == 0:
        # softpace only ever puts a finished, versioned log at this path.
        raise LogStoreError(
            f"{path} is not a softpace comfort log (an SQLite file with "
            f"{len(tables)} table(s) and no softpace schema); it was left as it was. "
            "Move it aside, or pass --home with another folder."
        )
    return version


def classify(path: Path, exc: sqlite3.Error) -> LogStoreError:
    """One clear line for an SQLite error: damaged, read-only, or could not be used."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in _CORRUPT:
        return LogStoreError(
            f"the comfort log {path} is damaged or is not a softpace log ({exc}). It was left "
            "exactly as it was: move it aside (keep a copy) and softpace starts a new log, "
            "or restore it from a backup."
        )
    if code in _NO_ACCESS or not os.access(path.parent, os.W_OK):
        if not os.access(path.parent, os.W_OK):
            return LogStoreError(
                f"the folder {path.parent} is read-only, so the comfort log cannot be "
                f"changed there ({exc}); nothing was saved. Make the folder writable, or "
                "pass --home with a folder you can write to."
            )
        return LogStoreError(
            f"cannot open the comfort log {path} ({exc}); nothing was changed. Check that "
            "the file and its folder are yours (and readable and writable by you)."
        )
    return LogStoreError(
        f"cannot use the comfort log {path} ({exc}); nothing was saved. Try again, or check "
        "that the folder is yours and writable."
    )


def connect_writer(path: Path) -> sqlite3.Connection:
    require_writable(path)
    return _connect(f"file:{path}?mode=rw", path)


def connect_quiet_reader(path: Path) -> sqlite3.Connection | None:
    """A read-write connection that refuses to write (query_only), for reading a checked
    log in a writable folder: unlike a read-only one, its close removes the -wal and -shm
    files reading made, so the folder is left as it was. None if the folder is read-only."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    connection = _connect(f"file:{path}?mode=rw", path)
    connection.execute("PRAGMA query_only = 1")
    return connection


def require_writable(path: Path) -> None:
    """Raise one clear line when the log or its folder cannot be written (nothing saved)."""
    folder = path.parent if path.parent.exists() else _existing_parent(path)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        where = folder if not os.access(folder, os.W_OK) else path
        raise LogStoreError(
            f"{'the folder' if where == folder else 'the comfort log'} {where} is read-only, "
            "so nothing can be saved there; nothing was changed. Make it writable, or pass "
            "--home with a folder you can write to."
        )


def _existing_parent(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _connect(uri: str, path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(
            uri,
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,  # wait for a writer rather than misread a lock
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise classify(path, exc) from exc
    return connection


def in_memory_copy(
    connection: sqlite3.Connection, migrations: Sequence[Sequence[str]]
) -> sqlite3.Connection:
    """The log copied into memory and migrated there (reading an older log writes nothing)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    connection.backup(memory)
    migrate(memory, migrations)
    return memory


def empty_log(migrations: Sequence[Sequence[str]]) -> sqlite3.Connection:
    memory = sqlite3.connect(":memory:", isolation_level=None)
    migrate(memory, migrations)
    return memory


def make_private(path: Path) -> None:
    """Owner read/write only, for the log and SQLite's WAL and shared-memory files."""
    for file in (path, *side_files(path)):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(file.stat().st_mode) != 0o600:
                os.chmod(file, 0o600)


def side_files(path: Path) -> tuple[Path, Path]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def migrate(connection: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> None:
    """Apply every missing migration in one transaction (another process may race us)."""
    retry_locked(lambda: connection.execute("BEGIN IMMEDIATE"))
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


def retry_locked(step: Callable[[], object], attempts: int = 50) -> None:
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


def _cannot_write(path: Path, why: str) -> str:
    return (
        f"cannot create the comfort log {path} ({why}); nothing was saved. Pass --home with "
        "a folder you can write to."
    )
