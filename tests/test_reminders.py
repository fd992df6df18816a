"""The reminders calendar: RFC 5545 shape, daily rules at the chosen times, discreet words."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from softpace.cli import cli
from softpace.errors import OptionError
from softpace.reminders import parse_clock, reminders_ics

DAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, 0)


def _events(ics: bytes) -> list[dict[str, str]]:
    text = ics.decode().replace("\r\n ", "")  # unfold
    events, current = [], None
    for line in text.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line and not line.startswith(("BEGIN", "END")):
            key, _, value = line.partition(":")
            current.setdefault(key, value)
    return events


def test_two_daily_reminders_at_the_chosen_times():
    ics = reminders_ics(time(21, 15), time(7, 45), starts_on=DAY, now=NOW)
    assert ics.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and ics.endswith(
        b"END:VCALENDAR\r\n"
    )
    assert b"\n" not in ics.replace(b"\r\n", b"")  # CRLF only
    practice, checkin = _events(ics)
    assert practice["DTSTART"] == "20261130T211500" and practice["RRULE"] == "FREQ=DAILY"
    assert checkin["DTSTART"] == "20261201T074500"  # the next morning
    assert "settle" in checkin["SUMMARY"]
    assert ics.count(b"BEGIN:VALARM") == 2


def test_discreet_wording_names_nothing():
    ics = reminders_ics(time(20, 0), time(8, 0), starts_on=DAY, discreet=True, now=NOW).lower()
    assert b"softpace" not in ics and b"practice 3" not in ics
    for word in (b"pelvic", b"dilator", b"pain", b"settle"):
        assert word not in ics


@given(st.text(max_size=200))
def test_long_lines_are_folded_within_75_octets(text):
    from softpace.reminders import _fold

    for line in _fold("SUMMARY:" + text).split("\r\n "):
        assert len(line.encode()) <= 75


@pytest.mark.parametrize("text", ["24:00", "7", "07:60", "ab:cd", ""])
def test_bad_times_are_refused(text):
    with pytest.raises(OptionError, match="HH:MM"):
        parse_clock(text)


def test_reminders_command_writes_the_file(tmp_path):
    out = tmp_path / "r.ics"
    result = CliRunner().invoke(
        cli, ["--home", str(tmp_path / "home"), "reminders", "--ics", str(out),
              "--practice-at", "21:00", "--discreet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert b"DTSTART:" in out.read_bytes() and b"Evening practice" in out.read_bytes()
    bad = CliRunner().invoke(
        cli, ["--home", str(tmp_path / "home"), "reminders", "--ics", str(out),
              "--practice-at", "25:00"],
    )  # fmt: skip
    assert bad.exit_code != 0 and "HH:MM" in bad.output
