"""`backroll serve` and the app's offer of plain mode, through real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import free_port, stop_group, wait_listening
from tracker.cli.completion import SHELLS, completion_script
from tracker.cli.parser import _parser
from tracker.cli.serve import is_loopback

ROOT = Path(__file__).resolve().parents[2]


def run(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("BACKROLL_HOME", "TEXTUAL_DRIVER")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(home), *args],
        cwd=ROOT, capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=timeout,
    )  # fmt: skip


def test_another_host_is_refused_without_a_token_or_the_explicit_flag(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "serve", "--host", "0.0.0.0", "--port", "8999")
    assert result.returncode == 1
    assert "no login" in result.stderr and "health" not in result.stdout
    assert "--token" in result.stderr and "--i-understand-no-login" in result.stderr
    assert not (tmp_path / "home").exists()  # refused before anything is written


def test_loopback_is_the_default_and_is_recognised() -> None:
    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and is_loopback(args.host)
    assert is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


def test_with_a_token_the_page_and_the_websocket_need_it_and_other_sites_are_refused(tmp_path: Path) -> None:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--home", str(tmp_path / "home"), "serve", "--port", str(port), "--token"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=environ, start_new_session=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Backroll in your browser: http://127.0.0.1:{port}/?token="), line
        token = line.strip().rsplit("token=", 1)[1]
        assert len(token) >= 24
        assert wait_listening(process, port, 20), "serve did not listen"
        assert _get(port, "/") == 403
        assert _get(port, "/?token=wrong") == 403
        assert _get(port, f"/?token={token}") == 200
        upgrade = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        assert (
            _get(
                port,
                "/ws",
                {**upgrade, "Cookie": f"backroll-token={token}", "Origin": "http://elsewhere.example"},
            )
            == 403
        )
        assert _get(port, "/ws", {**upgrade, "Origin": f"http://127.0.0.1:{port}"}) == 403  # no token
    finally:
        stop_group(process, 10)


def test_the_internal_app_command_is_neither_offered_nor_runnable_by_hand(tmp_path: Path) -> None:
    for shell in SHELLS:
        assert "serve-app" not in completion_script(shell, _parser(for_completion=True)), shell
    assert "_serve-app" not in _parser().format_help()
    result = run(tmp_path / "home", "_serve-app")
    assert result.returncode == 1 and "backroll serve" in result.stderr
    typo = run(tmp_path / "home", "stauts")  # a usage error lists the commands a person may type
    assert typo.returncode == 2 and "invalid choice: 'stauts'" in typo.stderr and "'status'" in typo.stderr
    assert "_serve-app" not in typo.stderr and "'sync-check'" in typo.stderr


@pytest.mark.parametrize("term", ["dumb"])
def test_a_terminal_that_cannot_show_the_app_is_offered_plain_mode(tmp_path: Path, term: str) -> None:
    result = run(tmp_path / "home", env={"TERM": term})
    assert result.returncode == 1
    assert "backroll session ROUTINE --plain" in result.stderr


@pytest.mark.parametrize("module", ["tracker.cli.plain", "tracker.cli.serve"])
def test_plain_mode_and_the_server_load_no_textual(module: str) -> None:
    code = f"import importlib, sys; importlib.import_module({module!r}); print([m for m in sys.modules if m.split('.')[0] == 'textual'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
