"""`softpace export` and `softpace serve` end to end, each with a temporary --home."""

from __future__ import annotations

import os
import signal
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


def _stop(process, sig=signal.SIGINT):
    process.send_signal(sig)
    return process.communicate(timeout=20)


def test_serve_prints_a_private_url_and_a_qr_code_and_stops_on_ctrl_c(rendered, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    process, url = start_serve(tmp_path / "home", rendered, tmpdir=tmpdir)
    try:
        with urllib.request.urlopen(url, timeout=5) as page:
            assert page.status == 200
            assert "Days 1-3: circuit and external mapping" in page.read().decode()
        shares = [p for p in tmpdir.iterdir() if p.name.startswith("softpace-share-")]
        assert len(shares) == 1
    finally:
        out, err = _stop(process)
    assert process.returncode == 0, err
    assert "Sharing stopped (Ctrl-C)." in out
    assert "open on your phone" not in out.lower()  # --host 127.0.0.1: this computer only
    assert "▀" not in out and "█" not in out  # no QR code for a phone that cannot reach it
    assert not [p for p in tmpdir.iterdir() if p.name.startswith("softpace-share-")]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "sig",
    [
        signal.SIGTERM,
        # each one starts a server process (about a second); SIGINT is also the Ctrl-C test
        pytest.param(signal.SIGHUP, marks=pytest.mark.slow),
        pytest.param(signal.SIGINT, marks=pytest.mark.slow),
    ],
)
def test_serve_stopped_by_a_signal_leaves_no_temporary_copy(rendered, tmp_path, sig):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    process, url = start_serve(tmp_path / "home", rendered, tmpdir=tmpdir)
    with urllib.request.urlopen(url, timeout=5) as page:
        assert page.status == 200
    out, err = _stop(process, sig)
    assert process.returncode == 0, err
    assert "Sharing stopped (" in out and "(stopped)" not in out
    assert not [p for p in tmpdir.iterdir() if p.name.startswith("softpace-share-")]
    assert "Traceback" not in err


def test_serve_stopped_before_it_listens_still_cleans_up(rendered, tmp_path):
    """A signal that comes right after the address is printed (the old flaky moment)."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    process, _url = start_serve(tmp_path / "home", rendered, tmpdir=tmpdir)
    _out, err = _stop(process, signal.SIGTERM)
    assert process.returncode == 0, err
    assert not [p for p in tmpdir.iterdir() if p.name.startswith("softpace-share-")]


@pytest.mark.parametrize("minutes", ["nan", "inf", "-1", "0"])
def test_serve_refuses_an_idle_stop_that_is_not_a_number_of_minutes(run, rendered, minutes):
    result = run("serve", "--from", str(rendered), "--host", "127.0.0.1", "--idle-stop", minutes)
    assert result.exit_code != 0, result.output
    assert "idle" in result.output.lower() and "Traceback" not in result.output


NAMESPACE_ADDRESS = "198.51.100.7"  # TEST-NET-2, on the namespace's own loopback device

NAMESPACE_DRIVER = """
import json, os, signal, socket, subprocess, sys, urllib.parse, urllib.request
home, source = sys.argv[1], sys.argv[2]
process = subprocess.Popen(
    [sys.executable, "-m", "softpace", "--home", home, "serve", "--from", source, "--port", "0"],
    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    env=dict(os.environ, PYTHONUNBUFFERED="1"))
url = next(line.strip() for line in process.stdout if line.strip().startswith("http://"))
parts = urllib.parse.urlsplit(url)
with urllib.request.urlopen(url, timeout=5) as page:
    status = page.status
try:
    socket.create_connection(("127.0.0.1", parts.port), timeout=2).close()
    loopback = True
except OSError:
    loopback = False
process.send_signal(signal.SIGINT)
out, err = process.communicate(timeout=20)
print(json.dumps({"host": parts.hostname, "status": status, "loopback": loopback,
                  "code": process.returncode, "err": err}))
"""


def test_serve_listens_on_the_network_address_only(rendered, tmp_path):
    """In a network namespace of its own, whose only address besides 127.0.0.1 is a test
    address: no traffic ever goes to this machine's real network address."""
    import json
    import shutil
    import subprocess
    import sys

    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare is None or ip is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2) to make a network namespace")
    setup = (
        f"ip link set lo up && ip addr add {NAMESPACE_ADDRESS}/24 dev lo && "
        f"ip route add default dev lo src {NAMESPACE_ADDRESS}"
    )
    probe = subprocess.run([unshare, "-n", "sh", "-c", setup], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.strip()}")
    driver = tmp_path / "driver.py"
    driver.write_text(NAMESPACE_DRIVER)
    command = f'{setup} && exec "$0" "$@"'
    result = subprocess.run(
        [unshare, "-n", "sh", "-c", command, sys.executable, str(driver),
         str(tmp_path / "home"), str(rendered)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["host"] == NAMESPACE_ADDRESS and found["status"] == 200
    assert found["loopback"] is False  # not on every interface
    assert found["code"] == 0, found["err"]


def test_serve_with_nothing_rendered_says_which_command_to_run(run, tmp_path):
    result = run("serve", "--from", str(tmp_path / "empty"), "--host", "127.0.0.1")
    assert result.exit_code == 1
    assert "no rendered sessions" in result.output and "softpace render --all" in result.output


def test_serve_on_a_port_in_use_says_what_to_do(run, rendered, tmp_path):
    from softpace.share.lifecycle import bind

    taken = bind("127.0.0.1", 0)
    port = str(taken.getsockname()[1])
    try:
        result = run("serve", "--from", str(rendered), "--host", "127.0.0.1", "--port", port)
    finally:
        taken.close()
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output
