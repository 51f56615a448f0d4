"""Issue 24: `backroll serve` attacked for real: a real server on a free loopback port, raw HTTP and real websockets.

- DNS rebinding: a page on evil.example whose name re-resolves to 127.0.0.1 sends `Host: evil.example:P`
  and `Origin: http://evil.example:P`; the page and the websocket must answer 403, while the names the server
  was started for (127.0.0.1, localhost, [::1], --host) keep working.
- Size: `/ws?width=2500&height=2500` and a resize to 5000 x 5000 are held within the bounds (the app process's
  COLUMNS and ROWS, read from /proc, and the size of the frames it sends).
- Tabs: one more tab than --tabs is told why in the page and closed; there is never more than --tabs apps.

The helpers live in tests/reliability/serve_attacks.py, which `make reliability` runs as rows too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: `reliability` is a package

from reliability import serve_attacks as attacks

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the app processes from /proc")


def test_dns_rebinding_gets_403_on_the_page_and_the_websocket_and_the_real_names_still_work(
    tmp_path: Path,
) -> None:
    with attacks.Served(tmp_path / "home") as served:
        for host in attacks.FOREIGN_HOSTS:
            value = host.format(port=served.port)
            assert served.status("/", value) == 403, value
            assert served.status("/ws", value, upgrade=True, origin=f"http://{value}") == 403, value
            assert served.status("/static/js/textual.js", value) == 403, value
        for host in ("127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"):
            assert served.status("/", host.format(port=served.port)) == 200, host
        own = f"127.0.0.1:{served.port}"
        for font in ("%C2%B2", "9" * 5000, "-1", "12"):  # "²" and 5000 digits made int() fail: a server error
            assert served.status(f"/?fontsize={font}", own) == 200, font
        assert (
            served.status("/ws", own, upgrade=True, origin=f"http://{own}") == 101
        )  # the page's own websocket
        assert served.status("/ws", own, upgrade=True, origin="http://evil.example") == 403  # another site


def test_a_tab_asking_for_2500_by_2500_gets_a_bounded_app_and_bounded_frames(tmp_path: Path) -> None:
    from tracker.ui.web_server import MAX_COLUMNS, MAX_ROWS

    with attacks.Served(tmp_path / "home") as served:
        result = attacks.run_async(attacks.huge_tab(served.port, 2500, 2500, served))
        assert result.opened, result
        assert result.sizes == [(MAX_COLUMNS, MAX_ROWS)], result  # the app process's COLUMNS and ROWS
        assert 0 < result.biggest_frame < attacks.FRAME_LIMIT, result  # unbounded, 2500 x 2500 was 6.7 MB
        assert result.biggest_after_resize < attacks.FRAME_LIMIT, result


def test_one_tab_more_than_allowed_is_told_why_and_closed_and_a_place_frees_when_a_tab_closes(
    tmp_path: Path,
) -> None:
    with attacks.Served(tmp_path / "home", "--tabs", "2") as served:
        result = attacks.run_async(attacks.too_many_tabs(served, tabs=2))
    assert result.kept == 2, result
    assert result.refused_code == 1013, result
    assert "already open in 2 browser tabs" in result.refused_text and "Close one" in result.refused_text, (
        result
    )
    assert "already open in 2 browser tabs" in result.refused_caption, (
        result
    )  # said where a screen reader hears it
    assert result.most_apps <= 2, result
    assert result.after_one_closed, result  # a place freed: the next tab opens


def test_tabs_out_of_range_are_refused_before_anything_starts(tmp_path: Path) -> None:
    for value in ("0", "9"):
        result = attacks.backroll(tmp_path / "home", "serve", "--tabs", value, "--port", "1")
        assert result.returncode == 1 and "--tabs must be from 1 to 8" in result.stderr, result.stderr
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("host", "value", "ok"),
    [
        ("127.0.0.1", "127.0.0.1:8421", True),
        ("127.0.0.1", "LocalHost:8421", True),
        ("127.0.0.1", "[::1]:8421", True),
        ("127.0.0.1", "evil.example:8421", False),
        ("127.0.0.1", "192.168.1.20:8421", False),  # not what it was started for
        ("127.0.0.1", "127.0.0.1", False),  # port 80
        ("127.0.0.1", "127.0.0.1:8421 ", True),
        ("127.0.0.1", "127.0.0.1:٨٤٢١", False),
        ("::1", "[::1]:8421", True),
        ("::1", "::1:8421", False),
        ("192.168.1.20", "192.168.1.20:8421", True),
        ("192.168.1.20", "evil.example:8421", False),
        ("0.0.0.0", "10.0.0.7:8421", True),  # every address: any IP (a rebinding needs a name)
        ("0.0.0.0", "[fe80::1]:8421", True),
        ("0.0.0.0", "mybox:8421", True),  # the name the printed link carries
        ("0.0.0.0", "evil.example:8421", False),
        ("0.0.0.0", "10.0.0.7:9999", False),
    ],
)
def test_the_host_names_a_server_answers(host: str, value: str, ok: bool) -> None:
    from tracker.ui.web_server import allowed_hosts, host_allowed

    every = host in ("0.0.0.0", "::")
    assert host_allowed(value, allowed_hosts(host, 8421, "mybox" if every else None), 8421, every) is ok


def test_sizes_from_the_page_are_held_within_the_bounds() -> None:
    from tracker.ui.web_server import MAX_COLUMNS, MAX_ROWS, MIN_COLUMNS, clamp

    assert clamp("2500", MIN_COLUMNS, MAX_COLUMNS, 80) == MAX_COLUMNS
    assert clamp(10**9, MIN_COLUMNS, MAX_COLUMNS, 80) == MAX_COLUMNS
    assert clamp("-5", MIN_COLUMNS, MAX_COLUMNS, 80) == 80  # unreadable: the default
    assert clamp(float("inf"), 8, MAX_ROWS, 24) == 24
    assert clamp(True, 8, MAX_ROWS, 24) == 24
    assert clamp("9" * 5000, 8, MAX_ROWS, 24) == MAX_ROWS
    assert clamp(120, MIN_COLUMNS, MAX_COLUMNS, 80) == 120
