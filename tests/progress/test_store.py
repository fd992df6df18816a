"""The comfort log on disk: private, migrated on open, safe with two writers, and never
touching a file it cannot trust."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from softpace.errors import LogEntryError, LogStoreError
from softpace.progress import Kind
from softpace.progress.entries import next_day_entry, practice_entry
from softpace.progress.store import MIGRATIONS, SCHEMA_VERSION, ComfortStore, log_path

DAY = date(2026, 3, 1)


def _practice(plan, on=DAY, during=1, **extra):
    return practice_entry(plan, on=on, stage="external-mapping", during=during, **extra)


def test_a_new_log_is_private_and_at_the_current_schema(tmp_path: Path, plan) -> None:
    path = log_path(tmp_path / "home")
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_existing_log_with_loose_permissions_is_made_private(tmp_path: Path, plan) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan))
    os.chmod(path, 0o644)
    with ComfortStore.open(path) as store:
        assert len(store.load().practices) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_round_trip_of_practices_ratings_symptoms_flags_and_evaluations(
    tmp_path: Path, plan
) -> None:
    with ComfortStore.open(tmp_path / "log.sqlite3") as store:
        store.add_practice(_practice(plan, dilator="2", note="felt safe", symptoms=["clench"]))
        store.add_practice(_practice(plan, during=2))
        before = store.add_next_day(
            next_day_entry(plan, on=date(2026, 3, 2), rating=1, red_flags=["bleeding"])
        )
        store.add_observations(date(2026, 3, 3), ["soreness"], [])
        store.add_evaluation(date(2026, 3, 4), "all clear")
        log = store.load()
    assert [p.next_day for p in before] == [None, None]
    assert [(p.during, p.next_day, p.next_day_on) for p in log.practices] == [
        (1, 1, date(2026, 3, 2)),
        (2, 1, date(2026, 3, 2)),
    ]
    assert log.practices[0].dilator == "2" and log.practices[0].note == "felt safe"
    kinds = [(o.kind, o.slug, o.practice_id) for o in log.observations]
    assert kinds == [
        (Kind.SYMPTOM, "clench", 1),
        (Kind.RED_FLAG, "bleeding", 2),
        (Kind.SYMPTOM, "soreness", None),
    ]
    assert log.evaluations[0].note == "all clear"


@pytest.mark.parametrize(
    ("rated_on", "message"),
    [
        (date(2026, 3, 4), "no practice before 2026-03-04"),
        # the first install found this one confusing: the practice is there, but today
        (date(2026, 3, 5), r"rate it tomorrow: your 2026-03-05 practice .* on 2026-03-06"),
    ],
    ids=["before-any-practice", "same-day-as-the-practice"],
)
def test_a_rating_with_no_practice_before_it_writes_nothing(
    tmp_path: Path, plan, rated_on: date, message: str
) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan, on=date(2026, 3, 5)))
        with pytest.raises(LogEntryError, match=message):
            store.add_next_day(next_day_entry(plan, on=rated_on, rating=1, symptoms=["fear"]))
        log = store.load()
    assert log.practices[0].next_day is None and log.observations == ()


def test_a_missing_log_reads_as_empty_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "none" / "log.sqlite3"
    with ComfortStore.open(path, create=False) as store:
        assert store.load().practices == ()
    assert not path.exists() and not path.parent.exists()


def _open_fails(path: Path, error: type[Exception], match: str | None = None, **kw) -> None:
    with pytest.raises(error, match=match), ComfortStore.open(path, **kw):
        pass


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
        for p in folder.iterdir()
    }


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all " * 200, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "damaged-header"],
)
def test_a_corrupt_log_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    before = _snapshot(tmp_path)
    _open_fails(path, LogStoreError, match="left exactly as it was")
    assert _snapshot(tmp_path) == before


def test_a_log_with_a_damaged_page_is_refused_and_left_untouched(tmp_path: Path, plan) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        for n in range(300):
            store.add_practice(_practice(plan, note=f"note {n} " * 20))
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\x00\x07" * 100  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    before = _snapshot(tmp_path)
    _open_fails(path, LogStoreError)
    assert _snapshot(tmp_path) == before


def test_a_log_from_a_newer_softpace_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE practice (id INTEGER PRIMARY KEY, future TEXT)")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _snapshot(tmp_path)
    _open_fails(path, LogStoreError, match="newer softpace")
    assert _snapshot(tmp_path) == before


def test_another_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE photos (id INTEGER)")
    db.close()
    before = _snapshot(tmp_path)
    _open_fails(path, LogStoreError, match="not a softpace comfort log")
    assert _snapshot(tmp_path) == before


def test_migrations_bring_an_old_log_up_to_date_and_keep_its_rows(tmp_path: Path, plan) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan))
    later = (*MIGRATIONS, ("ALTER TABLE practice ADD COLUMN mood TEXT",))
    with ComfortStore.open(path, migrations=later) as store:
        assert len(store.load().practices) == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(later)
        columns = [row[1] for row in db.execute("PRAGMA table_info(practice)")]
    db.close()
    assert "mood" in columns


def test_a_failing_migration_leaves_the_log_at_its_old_version(tmp_path: Path, plan) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan))
    broken = (*MIGRATIONS, ("ALTER TABLE practice ADD COLUMN a TEXT", "NOT VALID SQL"))
    _open_fails(path, LogStoreError, match="was not changed", migrations=broken)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [row[1] for row in db.execute("PRAGMA table_info(practice)")]
    db.close()
    assert "a" not in columns


_WRITER = """
import sys, time
from datetime import date
from pathlib import Path
from softpace.plan import load_plan
from softpace.progress.entries import practice_entry
from softpace.progress.store import ComfortStore

path, start, label = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
plan = load_plan()
while time.time() < start:
    time.sleep(0.001)
for n in range(20):
    with ComfortStore.open(path) as store:
        store.add_practice(practice_entry(
            plan, on=date(2026, 3, 1), stage="external-mapping", during=1, note=f"{label}{n}"
        ))
"""


def test_two_writers_at_once_both_save_every_row(tmp_path: Path) -> None:
    """Two processes creating the log and writing at the same moment: nothing is lost."""
    import time

    path = tmp_path / "home" / "log.sqlite3"
    start = f"{time.time() + 1.0:.3f}"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), start, label])
        for label in ("a", "b")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    with ComfortStore.open(path) as store:
        notes = sorted(p.note for p in store.load().practices)
    assert notes == sorted(f"{label}{n}" for label in "ab" for n in range(20))


# -- the plan's scale -------------------------------------------------------------------
@pytest.fixture(scope="module")
def plan_20(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The home plan on a 0-20 scale (its limit stays 2)."""
    from softpace.plan import load_plan

    source = load_plan().source_path.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("plan") / "plan-20.toml"
    path.write_text(source.replace("scale_max = 10", "scale_max = 20"), encoding="utf-8")
    return load_plan(path)


def test_a_plan_on_a_0_to_20_scale_logs_15(tmp_path: Path, plan_20) -> None:
    """`log --during 15` with scale_max = 20 ended in an sqlite IntegrityError."""
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        practice = store.add_practice(_practice(plan_20, during=15))
        store.add_next_day(next_day_entry(plan_20, on=date(2026, 3, 2), rating=20))
        log = store.load()
    assert practice.during == 15
    assert [(p.during, p.next_day) for p in log.practices] == [(15, 20)]
    with pytest.raises(LogEntryError, match="from 0 .* to 20"):
        _practice(plan_20, during=21)


def test_the_database_checks_each_rating_against_its_own_scale(tmp_path: Path, plan) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path):
        pass
    insert = (
        "INSERT INTO practice (practiced_on, stage, scale_max, during, logged_at) "
        "VALUES ('2026-03-01', 'external-mapping', ?, ?, 'now')"
    )
    with sqlite3.connect(path) as db:
        db.execute(insert, (20, 15))
        for scale, during in ((10, 11), (20, 21), (20, -1), (0, 0)):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(insert, (scale, during))
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE practice SET next_day = 21")
    db.close()


def test_a_rating_on_another_scale_than_the_practice_is_refused_clearly(
    tmp_path: Path, plan, plan_20
) -> None:
    path = tmp_path / "log.sqlite3"
    with ComfortStore.open(path) as store:
        store.add_practice(_practice(plan, during=1))
        with pytest.raises(
            LogEntryError, match="scale of 0 to 10, but this plan's scale is 0 to 20"
        ):
            store.add_next_day(next_day_entry(plan_20, on=date(2026, 3, 2), rating=15))
        assert store.load().practices[0].next_day is None


def test_history_shows_ratings_on_the_plan_scale(plan_20) -> None:
    from softpace.progress import ComfortLog, Practice
    from softpace.progress.report import format_history

    log = ComfortLog((Practice(1, DAY, "external-mapping", 15, 12, date(2026, 3, 2)),))
    assert "during 15/20  next day 12/20" in format_history(log, plan_20)
