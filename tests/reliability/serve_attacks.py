"""Issue 24: the served page attacked for real, shared by tests/unit/test_serve_hostile.py and `make reliability`.

A real `backroll serve` on a free loopback port (its own process group, always killed), raw HTTP requests
(http.client, with the Host and Origin a hostile page would send) and real websockets (aiohttp's client),
and the app processes it starts read from /proc (their COLUMNS and ROWS).

`serve_attacks()` is the reliability row: each hostile request or tab is one try; it held when it was refused
(DNS rebinding), bounded (size) or told why (tabs), and the names the server was started for still work.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from tests.processes import free_port, stop_group, wait_listening

REPO = Path(__file__).resolve().parents[2]
START = 60.0  # seconds for the server or an app to start on a loaded machine
FRAME_LIMIT = 1_000_000  # bytes: the biggest frame a bounded tab may send (2500 x 2500 unbounded: 6.7 MB)
FOREIGN_HOSTS = (
    "evil.example:{port}",  # the rebinding page's own name
    "127.0.0.1.evil.example:{port}",
    "localhost.evil.example:{port}",
    "evil.example",
    "127.0.0.1:{port}0",  # another port
    "127.0.0.1:{port}:1",
    "localhost.:{port}",
    "",
)
UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}
T = TypeVar("T")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("BACKROLL_HOME", "TEXTUAL_DRIVER")}


def backroll(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(home), *args],
        cwd=REPO, capture_output=True, text=True, env=_env(), stdin=subprocess.DEVNULL, timeout=timeout,
    )  # fmt: skip


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class Served:
    """`backroll serve --port P ...` in its own process group; `with` waits until it listens, then kills it all."""

    def __init__(self, home: Path, *args: str) -> None:
        self.home = home
        self.port = free_port()
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Served:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--home", str(self.home), "serve", "--port", str(self.port), *self.args],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
            start_new_session=True,
        )  # fmt: skip
        if not wait_listening(self.process, self.port, START):
            self.__exit__()
            raise AssertionError("backroll serve did not start listening")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            stop_group(self.process, wait=10)  # the server and the apps it started

    def status(self, path: str, host: str, *, upgrade: bool = False, origin: str | None = None) -> int:
        """The status of a raw GET with this Host header (and Origin); a websocket upgrade when `upgrade`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=START)
        try:
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", host)
            for name, value in ({**UPGRADE} if upgrade else {}).items():
                connection.putheader(name, value)
            if origin is not None:
                connection.putheader("Origin", origin)
            connection.endheaders()
            return connection.getresponse().status
        finally:
            connection.close()

    def apps(self) -> list[dict[str, str]]:
        """The environment of each app process this server runs (`_serve-app` in its own argv)."""
        assert self.process is not None
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                group = int(stat.rpartition(")")[2].split()[2])
                argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                if group != self.process.pid or b"_serve-app" not in argv:
                    continue
                pairs = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            except (OSError, ValueError, IndexError):
                continue
            found.append(dict(p.decode("utf-8", "replace").partition("=")[::2] for p in pairs if b"=" in p))
        return found


async def _first_frame(ws: Any) -> int:
    """Wait for the app's first frame; its size (0 when the socket closed first)."""
    import aiohttp

    deadline = time.monotonic() + START
    while time.monotonic() < deadline:
        message = await ws.receive(timeout=START)
        if message.type == aiohttp.WSMsgType.BINARY:
            return len(message.data)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return 0
    return 0


async def _frames_for(ws: Any, seconds: float) -> list[int]:
    import aiohttp

    sizes: list[int] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await ws.receive(timeout=left)
        except TimeoutError:
            break
        if message.type == aiohttp.WSMsgType.BINARY:
            sizes.append(len(message.data))
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break
    return sizes


def _origin(port: int) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{port}"}


@dataclass
class HugeTab:
    opened: bool = False
    sizes: list[tuple[int, int]] = field(default_factory=list)
    biggest_frame: int = 0
    biggest_after_resize: int = 0


async def huge_tab(port: int, width: int, height: int, served: Served | None = None) -> HugeTab:
    """A tab that asks for width x height, then resizes to twice that: what the app got and sent."""
    import aiohttp

    result = HugeTab()
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{port}/ws?width={width}&height={height}"
        async with session.ws_connect(url, headers=_origin(port), max_msg_size=64 << 20) as ws:
            first = await _first_frame(ws)
            result.opened = first > 0
            result.biggest_frame = max([first, *await _frames_for(ws, 3.0)])
            if served is not None:
                result.sizes = [(int(e.get("COLUMNS", 0)), int(e.get("ROWS", 0))) for e in served.apps()]
            await ws.send_str(json.dumps(["resize", {"width": width * 2, "height": height * 2}]))
            result.biggest_after_resize = max([0, *await _frames_for(ws, 3.0)])
    return result


@dataclass
class ManyTabs:
    kept: int = 0
    refused_code: int | None = None
    refused_text: str = ""
    refused_caption: str = ""  # the page's caption line, which a screen reader announces
    most_apps: int = 0
    after_one_closed: bool = False


async def too_many_tabs(served: Served, tabs: int) -> ManyTabs:
    """`tabs` tabs, then one more (told why and closed), then one closed and another opened."""
    import aiohttp

    result = ManyTabs()
    url = f"http://127.0.0.1:{served.port}/ws"
    async with aiohttp.ClientSession() as session:
        open_ = []
        try:
            for _ in range(tabs):
                ws = await session.ws_connect(url, headers=_origin(served.port))
                open_.append(ws)
                if await _first_frame(ws):
                    result.kept += 1
            result.most_apps = len(served.apps())
            extra = await session.ws_connect(url, headers=_origin(served.port))
            text = b""
            while True:
                message = await extra.receive(timeout=START)
                if message.type == aiohttp.WSMsgType.BINARY:
                    text += message.data
                    result.most_apps = max(result.most_apps, len(served.apps()))
                elif message.type == aiohttp.WSMsgType.TEXT:
                    kind, data = json.loads(message.data)
                    if kind == "open_url" and data["url"].startswith("backroll-cue:"):
                        result.refused_caption = json.loads(
                            unquote(data["url"].removeprefix("backroll-cue:"))
                        )["caption"]
                else:
                    break
            result.refused_code = extra.close_code
            result.refused_text = text.decode("utf-8", "replace")
            await extra.close()
            result.most_apps = max(result.most_apps, len(served.apps()))
            await open_.pop(0).close()
            again = await session.ws_connect(url, headers=_origin(served.port))
            open_.append(again)
            result.after_one_closed = await _first_frame(again) > 0
            result.most_apps = max(result.most_apps, len(served.apps()))
        finally:
            for ws in open_:
                await ws.close()
    return result


def serve_attacks() -> Any:
    """The reliability row: rebinding requests, an oversized tab, one tab too many, each against a real server."""
    from tracker.ui.web_server import MAX_COLUMNS, MAX_ROWS

    from .scenarios import Tally, temp_root, timed

    tally = Tally(
        "24 hostile pages (serve)",
        "DNS-rebinding Host/Origin on page+websocket, 2500x2500 tab, tabs over the cap",
    )
    with timed(tally), temp_root("br-serve-") as root, Served(root / "home", "--tabs", "2") as served:
        own = f"127.0.0.1:{served.port}"
        for host in FOREIGN_HOSTS:
            value = host.format(port=served.port)
            for path, upgrade in (("/", False), ("/ws", True), ("/static/js/textual.js", False)):
                got = served.status(path, value, upgrade=upgrade, origin=f"http://{value}")
                tally.attempt([] if got == 403 else [f"Host {value!r} {path}: {got}, not 403"])
        for host in ("127.0.0.1", "localhost", "[::1]"):
            got = served.status("/", f"{host}:{served.port}")
            tally.attempt([] if got == 200 else [f"the real name {host} got {got}"])
        got = served.status("/ws", own, upgrade=True, origin="http://evil.example")
        tally.attempt([] if got == 403 else [f"another site's websocket got {got}"])
        huge = run_async(huge_tab(served.port, 2500, 2500, served))
        problems = [] if huge.opened else ["the tab did not open"]
        if huge.sizes != [(MAX_COLUMNS, MAX_ROWS)]:
            problems.append(f"app sizes {huge.sizes}")
        if not huge.biggest_frame < FRAME_LIMIT or not huge.biggest_after_resize < FRAME_LIMIT:
            problems.append(f"frames {huge.biggest_frame} / {huge.biggest_after_resize} bytes")
        tally.attempt(problems)
        tally.notes.append(f"a 2500x2500 tab ran at {huge.sizes}, biggest frame {huge.biggest_frame} bytes")
        many = run_async(too_many_tabs(served, tabs=2))
        problems = []
        if many.kept != 2 or many.most_apps > 2 or not many.after_one_closed:
            problems.append(f"tabs {many}")
        if (
            many.refused_code != 1013
            or "already open" not in many.refused_text
            or "already open" not in many.refused_caption
        ):
            problems.append(f"the third tab was not told why: {many.refused_code} {many.refused_text!r}")
        tally.attempt(problems)
    return tally
