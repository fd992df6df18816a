"""Correcting the comfort log: change or delete a practice, delete a symptom or red flag.

The log is the user's own record, so a typo (a 7 meant as 1) must be fixable, and the
stage decision then follows the corrected log (the rules replay the whole log every
time). Each change is one transaction of the store; nothing else is touched.
"""

from __future__ import annotations

from softpace.errors import LogEntryError
from softpace.progress.store import ComfortStore


def correct_practice(
    store: ComfortStore,
    practice_id: int,
    *,
    during: int,
    next_day: int | None,
    dilator: str | None,
    note: str,
) -> None:
    """Replace a practice's ratings, dilator and note (values already checked)."""
    with store._write() as db:  # the store's own transaction (one writer at a time)
        row = db.execute("SELECT next_day_on FROM practice WHERE id = ?", (practice_id,))
        found = row.fetchone()
        if found is None:
            raise LogEntryError(f"there is no practice #{practice_id} in the log")
        db.execute(
            "UPDATE practice SET during = ?, next_day = ?, dilator = ?, note = ?, "
            "next_day_on = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(next_day_on, "
            "date(practiced_on, '+1 day')) END WHERE id = ?",
            (during, next_day, dilator, note, next_day, practice_id),
        )


def delete_practice(store: ComfortStore, practice_id: int) -> None:
    """Delete a practice and what was noticed with it."""
    with store._write() as db:
        if db.execute("SELECT 1 FROM practice WHERE id = ?", (practice_id,)).fetchone() is None:
            raise LogEntryError(f"there is no practice #{practice_id} in the log")
        db.execute("DELETE FROM observation WHERE practice_id = ?", (practice_id,))
        db.execute("DELETE FROM practice WHERE id = ?", (practice_id,))


def delete_observation(store: ComfortStore, observation_id: int) -> None:
    """Delete one symptom or red flag."""
    with store._write() as db:
        cursor = db.execute("DELETE FROM observation WHERE id = ?", (observation_id,))
        if cursor.rowcount == 0:
            raise LogEntryError(f"there is no symptom or red flag #{observation_id} in the log")
