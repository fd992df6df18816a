"""`softpace export` and `softpace serve` end to end, each with a temporary --home."""

from __future__ import annotations

import os
import signal
import socket
import urllib.parse
import urllib.request
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from softpace.cli import EXIT_PAUSED, cli
from tests.conftest import RENDERED_STAGES, start_serve


@pytest.fixture
def run(tmp_path: Path):
    home = tmp_path / "home"

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)

    return invoke


def test_export_then_export_again_copies_nothing(run, rendered, tmp_path):
    dest = tmp_path / "phone"
    first = run("export", str(dest), "--from", str(rendered))
    assert first.exit_code == 0, first.output
    assert "Exported 2 session(s)" in first.output and "7 file(s) written" in first.output
    assert "wrote entrance-contact.mp3" in first.output
    again = run("export", str(dest), "--from", str(rendered))
    assert again.exit_code == 0
    assert "0 file(s) written, 7 unchanged" in again.output


def test_export_discreet_zip(run, rendered, tmp_path):
    zip_path = tmp_path / "sessions.zip"
    result = run("export", "--zip", str(zip_path), "--discreet", "--from", str(rendered))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"practice-{n}{ext}" for n in (1, 2) for ext in (".mp3", ".lrc", ".vtt")]
            + ["playlist.m3u8"]
        )


def test_export_today_only_takes_the_stage_the_log_decides(run, rendered, tmp_path):
    dest = tmp_path / "phone"
    result = run("export", str(dest), "--today-only", "--from", str(rendered))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in dest.iterdir()) == [
        f"{RENDERED_STAGES[0]}{ext}" for ext in (".lrc", ".mp3", ".vtt")
    ] + ["playlist.m3u8"]


def test_export_today_only_after_a_red_flag_exports_nothing(run, rendered, tmp_path):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert run("log", "--red-flag", "bleeding", "--date", yesterday).exit_code == 0
    dest = tmp_path / "phone"
    result = run("export", str(dest), "--today-only", "--from", str(rendered))
    assert result.exit_code == EXIT_PAUSED
    assert "paused" in result.output and not dest.exists()


def test_export_today_only_when_today_is_not_rendered(run, rendered, tmp_path):
    for path in rendered.glob("external-mapping.*"):
        path.unlink()
    result = run("export", str(tmp_path / "phone"), "--today-only", "--from", str(rendered))
    assert result.exit_code == 1
    assert "(external-mapping) is not rendered" in result.output
    assert "softpace today" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a folder DEST, or --zip FILE"),
        (("somewhere", "--zip", "x.zip"), "not both"),
    ],
)
def test_export_usage_errors(run, args, message):
    result = run("export", *args)
    assert result.exit_code == 2 and message in result.output


def test_export_with_nothing_rendered_says_which_command_to_run(run, tmp_path):
    result = run("export", str(tmp_path / "phone"), "--from", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "no rendered sessions" in result.output and "softpace today" in result.output
    assert not (tmp_path / "phone").exists()


def test_export_into_a_folder_that_cannot_be_made(run, rendered, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    result = run("export", str(blocker / "phone"), "--from", str(rendered))
    assert result.exit_code == 1
    assert "cannot create the export folder" in result.output and "DIR" in result.output
    assert blocker.read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_export_into_a_read_only_folder(run, rendered, tmp_path):  # pragma: no cover
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    result = run("export", str(folder), "--from", str(rendered))
    assert result.exit_code == 1 and "cannot write to the export folder" in result.output


# -- serve -----------------------------------------------------------------------------------


def test_serve_prints_a_private_url_and_a_qr_code_and_stops_on_ctrl_c(rendered, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    process, url = start_serve(tmp_path / "home", rendered, tmpdir=tmpdir)
    try:
        with urllib.request.urlopen(url, timeout=5) as page:
            assert page.status == 200
            assert "Days 1-3: circuit and external mapping" in page.read().decode()
        assert [p.name.startswith("softpace-share-") for p in tmpdir.iterdir()] == [True]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Sharing stopped (Ctrl-C)." in out
    assert "▀" in out or "█" in out  # the QR code
    assert list(tmpdir.iterdir()) == []  # the shared copies are gone
    assert "Traceback" not in err


def test_serve_listens_on_the_network_address_only(rendered, tmp_path):
    from softpace.export.server import lan_address

    address = lan_address()
    if address is None:
        pytest.skip("this machine has no network address")
    process, url = start_serve(tmp_path / "home", rendered, host=())
    try:
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname == address
        with urllib.request.urlopen(url, timeout=5) as page:
            assert page.status == 200
        with pytest.raises(OSError):  # not on every interface: loopback is not listening
            socket.create_connection(("127.0.0.1", parts.port), timeout=2).close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


def test_serve_with_nothing_rendered_says_which_command_to_run(run, tmp_path):
    result = run("serve", "--from", str(tmp_path / "empty"), "--host", "127.0.0.1")
    assert result.exit_code == 1
    assert "no rendered sessions" in result.output and "softpace render --all" in result.output


def test_serve_on_a_port_in_use_says_what_to_do(run, rendered, tmp_path):
    from softpace.export.server import bind

    taken = bind("127.0.0.1", 0)
    port = str(taken.getsockname()[1])
    try:
        result = run("serve", "--from", str(rendered), "--host", "127.0.0.1", "--port", port)
    finally:
        taken.close()
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output
