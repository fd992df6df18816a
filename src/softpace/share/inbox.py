"""The phone's idempotency keys: an entry sent twice (a retry after a lost answer, a queue
flushed from two tabs) is saved once.

Each key the phone makes is kept in a small SQLite file in the data home (private, like
the log) with when it arrived and what was answered. A key is claimed in a transaction
that commits only after the entry is in the comfort log, so a failed save can be retried
with the same key; a key already claimed gets the first answer back.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from softpace.errors import LogEntryError

INBOX_NAME = "phone-inbox.sqlite3"
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")


class Inbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def claim(self, key: str) -> Iterator[tuple[str | None, list[str]]]:
        """Yields (earlier answer or None, answer box). With None, save the entry and put
        the answer in the box; the key is kept only if the block ends without an error."""
        if not KEY_PATTERN.fullmatch(key):
            raise LogEntryError("the entry has no valid idempotency key; nothing was saved")
        with self._lock, self._connect() as db:
            row = db.execute("SELECT answer FROM keys WHERE key = ?", (key,)).fetchone()
            if row is not None:
                yield str(row[0]), []
                return
            box: list[str] = []
            yield None, box
            db.execute(
                "INSERT INTO keys (key, received_at, answer) VALUES (?, ?, ?)",
                (key, datetime.now(UTC).isoformat(timespec="seconds"), box[0] if box else ""),
            )

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS keys "
                "(key TEXT PRIMARY KEY, received_at TEXT NOT NULL, answer TEXT NOT NULL)"
            )
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()
