"""The web side of `backroll serve` (tracker/cli/serve.py): textual-serve's server with Backroll's page.

It lives with the UI because it serves the app to a browser; it imports
textual-serve (aiohttp), never Textual itself, so the serving process stays
light: each browser tab's app runs in its own `backroll _serve-app` process.

What it guards (README, Security notes, "The served page"):
- Host: every request must name this server as it was started (127.0.0.1:P, localhost:P, [::1]:P, the --host
  value), else 403. A web page whose name is made to resolve to 127.0.0.1 (DNS rebinding) sends its own name.
- Origin: the websocket answers only the page it served (same host), so another site cannot drive it.
- Size: a tab's columns and rows are held within MAX_COLUMNS x MAX_ROWS, at the start and on every resize.
- Tabs: at most `tabs` apps at once (each tab is a process; `serve --tabs`); one more is told why, in the page, and closed.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler
    from textual_serve.server import Server

PAGE_FOLDER = Path(__file__).parent / "web"
COOKIE = "backroll-token"
MIN_COLUMNS, MIN_ROWS = 20, 8
MAX_COLUMNS, MAX_ROWS = 400, 150  # a 4K screen at a small font; 2500 x 2500 made a 6.7 MB frame
TAB_WAIT = (
    3.0  # seconds a tab waits for a free place (a reload opens the new socket before the old one closes)
)

__all__ = ["COOKIE", "MAX_COLUMNS", "MAX_ROWS", "PAGE_FOLDER", "allowed_hosts", "clamp", "host_allowed", "make_server",
           "refusal_caption", "split_host"]  # fmt: skip


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, str] | None:
    """A Host header as (name, port), lowercased, the port "80" when left out; None when it is not a host."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value.partition("]")
        name += bracket
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    else:
        name, _, port = value.partition(":")
        if ":" in port:
            return None
    if not name or not (port or "80").isdigit() or not port.isascii():
        return None
    return name, str(int(port or "80"))


def allowed_hosts(host: str, port: int, hostname: str | None = None) -> frozenset[tuple[str, str]]:
    """The (name, port) a request's Host may name: the loopback names and the --host value, on this port.

    Listening on every address (0.0.0.0, ::), also this computer's name (`hostname`), as the printed link
    says; host_allowed then takes any IP address too, which no DNS rebinding can send (it needs a name).
    """
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host else host)
    elif hostname:
        names.add(hostname)
    return frozenset((name.lower(), str(port)) for name in names)


def host_allowed(value: str, allowed: frozenset[tuple[str, str]], port: int, any_address: bool) -> bool:
    """Whether a request's Host header names this server (see allowed_hosts)."""
    found = split_host(value)
    if found is None:
        return False
    if found in allowed:
        return True
    return any_address and found[1] == str(port) and _is_ip(found[0])


def clamp(value: object, low: int, high: int, default: int) -> int:
    """A terminal dimension from the page (text or number), held within [low, high]; `default` if unreadable."""
    number = default
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value):
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip()[:6])
    return max(low, min(high, number))


def refusal_caption(text: str) -> str:
    """`text` as a message the page shows in its caption line, which a screen reader announces (the terminal is
    a canvas it cannot read): the page takes cue messages as open_url with the cue scheme (tracker/ui/sound.py)."""
    from urllib.parse import quote

    from tracker.ui.sound import WEB_CUE_SCHEME

    url = WEB_CUE_SCHEME + quote(json.dumps({"caption": text}, separators=(",", ":")))
    return json.dumps(["open_url", {"url": url, "new_tab": False}])


def make_server(
    command: str, host: str, port: int, token: str | None, say: Callable[[str], None], tabs: int
) -> Server:
    """textual-serve's server running `command` for each browser tab (at most `tabs` at once), with Backroll's
    page (web/page.html), an optional token, a checked Host and a same-origin websocket; `say` prints the link."""
    import socket

    import aiohttp_jinja2
    from aiohttp import WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    any_address = host in ("0.0.0.0", "::", "")
    if any_address:  # every address: the link names this computer, which the phone can reach
        shown_host = socket.gethostname()
    else:
        shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    allowed = allowed_hosts(host, port, shown_host if any_address else None)

    @web.middleware
    async def only_this_server(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every route: a Host that is not this server's is refused (DNS rebinding sends the attacker's name)."""
        if not host_allowed(request.host, allowed, port, any_address):
            return web.Response(
                status=403,
                text="This Backroll answers only at the address it printed (the Host of this request is not it).\n",
            )
        response: web.StreamResponse = await handler(request)
        return response

    # Written against textual-serve 1.1.3 (the version pinned for the tests in pyproject.toml). It relies on
    # Server._make_app as it is there: jinja2 templates loaded from `templates_path`, "/" -> handle_index,
    # "/ws" -> handle_websocket (one `command` process per socket), textual-serve's files under "/static/".
    # handle_index and on_startup are replaced, handle_websocket is guarded then delegated. Before moving
    # the pin, read the new server.py against this; tests/browser/test_serve.py drives it in a real Chromium.
    class BackrollServer(Server):
        """textual-serve's server with Backroll's page, an optional token, a checked Host, a same-origin
        websocket, a bounded terminal size and a bounded number of tabs."""

        open_tabs = 0

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(only_this_server)
            return app

        def _token_ok(self, request: web.Request) -> bool:
            if token is None:
                return True
            given = request.query.get("token") or request.cookies.get(COOKIE, "")
            return hmac.compare_digest(given.encode(), token.encode())

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if not self._token_ok(request):
                return web.Response(
                    status=403,
                    text="This Backroll needs the link with its token (printed by `backroll serve`).\n",
                )
            font = request.query.get("fontsize", "")
            context = {
                "font_size": int(font)
                if font.isascii() and font.isdigit() and len(font) <= 2 and 6 <= int(font) <= 40
                else 0,
                "websocket_url": f"ws://{request.host}/ws",
                "static": "/static/",
            }
            response = aiohttp_jinja2.render_template("page.html", request, context)
            response.headers["Cache-Control"] = "no-store"
            response.headers["Referrer-Policy"] = "no-referrer"
            if token is not None:
                response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return response

        async def _a_place(self) -> bool:
            """Take a tab's place, waiting up to TAB_WAIT seconds for one to free (a reload closes the old tab late)."""
            loop = asyncio.get_running_loop()
            deadline = loop.time() + TAB_WAIT
            while self.open_tabs >= tabs:
                if loop.time() >= deadline:
                    return False
                await asyncio.sleep(0.1)
            self.open_tabs += 1
            return True

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"http://{request.host}":
                raise web.HTTPForbidden(text="Cross-site connection refused.\n")
            if not self._token_ok(request):
                raise web.HTTPForbidden(text="Token missing.\n")
            width = clamp(request.query.get("width", "80"), MIN_COLUMNS, MAX_COLUMNS, 80)
            height = clamp(request.query.get("height", "24"), MIN_ROWS, MAX_ROWS, 24)
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 16)
            if not await self._a_place():
                await websocket.prepare(request)
                message = (
                    f"\r\n  Backroll is already open in {tabs} browser tab{'s' if tabs != 1 else ''}, as many as it "
                    "runs at once (each tab is an app of its own).\r\n  Close one of them, then reload this page.\r\n"
                )
                await websocket.send_bytes(message.encode())
                await websocket.send_str(refusal_caption(" ".join(message.split())))
                await websocket.close(code=1013, message=b"Backroll is open in too many tabs")
                return websocket
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)

                async def close() -> None:  # the app quit: close the tab's socket
                    await websocket.close()

                app_service = AppService(
                    self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                    close=close, download_manager=self.download_manager, debug=self.debug,
                )  # fmt: skip
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                import logging

                logging.getLogger("textual-serve").exception(error)
            finally:
                self.open_tabs -= 1
                if app_service is not None:
                    await app_service.stop()
            return websocket

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
            """textual-serve's messages, with every resize held within the bounds and anything malformed ignored."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(data, dict):
                    await app_service.set_terminal_size(
                        clamp(data.get("width"), MIN_COLUMNS, MAX_COLUMNS, 80),
                        clamp(data.get("height"), MIN_ROWS, MAX_ROWS, 24),
                    )
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

        async def on_startup(self, app: web.Application) -> None:
            say(f"Backroll in your browser: {url}")
            say("Ctrl+C stops it. Cues play in the browser that opens the page.")

    return BackrollServer(
        command, host=host, port=port, title="Backroll", public_url=url.rstrip("/"),
        templates_path=PAGE_FOLDER,
    )  # fmt: skip
