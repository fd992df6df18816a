"""User-input checks for the comfort log: dates, ratings and names (with hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from softpace.errors import LogEntryError, UnknownStageError
from softpace.progress.entries import (
    EARLIEST_DAY,
    MAX_NOTE_CHARS,
    check_names,
    clean_dilator,
    clean_note,
    parse_day,
    practice_entry,
)

TODAY = date(2026, 11, 24)


@given(st.dates(min_value=EARLIEST_DAY, max_value=TODAY))
def test_any_past_day_round_trips(day: date) -> None:
    assert parse_day(day.isoformat(), TODAY) == day


@given(st.dates(min_value=TODAY + timedelta(days=1)))
def test_a_future_day_is_refused_with_today_named(day: date) -> None:
    with pytest.raises(LogEntryError, match="is in the future .*today is 2026-11-24"):
        parse_day(day.isoformat(), TODAY)


@given(st.dates(max_value=EARLIEST_DAY - timedelta(days=1)))
def test_a_day_before_2000_is_refused_with_the_bound_named(day: date) -> None:
    """0001-01-01 gave an OverflowError in the rules; any day before 2000 is a typo."""
    with pytest.raises(LogEntryError, match="before 2000-01-01, the earliest day"):
        parse_day(day.isoformat(), TODAY, "--as-of")


@given(st.text(max_size=20))
def test_any_text_gives_a_date_or_a_clear_error(text: str) -> None:
    try:
        day = parse_day(text, TODAY)
    except LogEntryError as exc:
        assert "YYYY-MM-DD" in str(exc) or "future" in str(exc)
    else:
        assert EARLIEST_DAY <= day <= TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("Yesterday", TODAY - timedelta(days=1)),
        (" 2026-02-28 ", date(2026, 2, 28)),
    ],
)
def test_words_and_spaces(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "24/11/2026", "2026-1-5", ""])
def test_impossible_or_misformatted_dates(text: str) -> None:
    with pytest.raises(LogEntryError, match="YYYY-MM-DD"):
        parse_day(text, TODAY)


@given(st.integers())
def test_ratings_outside_0_to_10_are_refused(plan, value: int) -> None:
    if 0 <= value <= 10:
        assert (
            practice_entry(plan, on=TODAY, stage="entrance-contact", during=value).during == value
        )
    else:
        with pytest.raises(LogEntryError, match="0 .* to 10"):
            practice_entry(plan, on=TODAY, stage="entrance-contact", during=value)


def test_an_unknown_stage_lists_the_stages(plan) -> None:
    with pytest.raises(UnknownStageError, match="external-mapping"):
        practice_entry(plan, on=TODAY, stage="deep-end", during=1)


@given(st.lists(st.sampled_from(["burning", "clench", "fear", "soreness", "movement-hurts"])))
def test_known_symptoms_are_kept_once_in_order(plan, names: list[str]) -> None:
    assert check_names(names, plan.troubleshooting, "--symptom") == tuple(dict.fromkeys(names))


@given(
    st.text(min_size=1, max_size=15).filter(
        lambda t: (
            t.strip().lower() not in {"burning", "clench", "fear", "soreness", "movement-hurts"}
        )
    )
)
def test_an_unknown_symptom_lists_the_valid_names(plan, name: str) -> None:
    with pytest.raises(LogEntryError, match="choose from: burning, clench"):
        check_names([name], plan.troubleshooting, "--symptom")


def test_red_flag_names_come_from_the_plan(plan) -> None:
    assert check_names(["Bleeding", "bulge"], plan.red_flags, "--red-flag") == ("bleeding", "bulge")
    with pytest.raises(LogEntryError, match="unknown --red-flag 'clench'"):
        check_names(["clench"], plan.red_flags, "--red-flag")


def test_notes_and_dilator_sizes(plan) -> None:
    assert clean_note("  felt safe  ") == "felt safe"
    assert clean_dilator(" 19mm ") == "19mm"
    assert clean_note("x" * MAX_NOTE_CHARS) == "x" * MAX_NOTE_CHARS
    with pytest.raises(LogEntryError, match="2,001 characters long; keep it to 2,000 or fewer"):
        clean_note("x" * 2001)
    for bad in ("", "   ", "x" * 41, "a\nb"):
        with pytest.raises(LogEntryError, match="--dilator"):
            clean_dilator(bad)


@pytest.mark.parametrize("note", ["felt \udcff safe", "\ud800", "a\udc80b"])
def test_a_note_with_a_lone_surrogate_is_refused_clearly(note: str) -> None:
    """What a non-UTF-8 terminal hands Python; SQLite raised UnicodeEncodeError on it."""
    with pytest.raises(LogEntryError, match="--note holds characters that are not valid text"):
        clean_note(note)


def test_a_note_keeps_new_lines_but_not_control_characters() -> None:
    assert clean_note("line one\nline two\tend") == "line one\nline two\tend"
    with pytest.raises(LogEntryError, match="control characters"):
        clean_note("bell\x07")


@given(st.text(max_size=60))
def test_any_note_is_kept_as_utf8_text_or_refused_clearly(note: str) -> None:
    try:
        text = clean_note(note)
    except LogEntryError as exc:
        assert "--note" in str(exc)
    else:
        assert text.encode("utf-8").decode("utf-8") == text and len(text) <= MAX_NOTE_CHARS
