"""The web side of `backroll serve` (tracker/cli/serve.py): textual-serve's server with Backroll's page.

It lives with the UI because it serves the app to a browser; it imports
textual-serve (aiohttp), never Textual itself, so the serving process stays
light: each browser tab's app runs in its own `backroll _serve-app` process.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any, Callable

PAGE_FOLDER = Path(__file__).parent / "web"
COOKIE = "backroll-token"

__all__ = ["COOKIE", "PAGE_FOLDER", "make_server"]


def make_server(command: str, host: str, port: int, token: str | None, say: Callable[[str], None]) -> Any:
    """textual-serve's server running `command` for each browser tab, with Backroll's page (web/page.html),
    an optional token and a same-origin websocket; `say` prints the link."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    if host in ("0.0.0.0", "::", ""):  # every address: the link names this computer, which the phone can reach
        import socket

        shown_host = socket.gethostname()
    else:
        shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")

    # Written against textual-serve 1.1.3 (the version pinned for the tests in pyproject.toml). It relies on
    # Server._make_app as it is there: jinja2 templates loaded from `templates_path`, "/" -> handle_index,
    # "/ws" -> handle_websocket (one `command` process per socket), textual-serve's files under "/static/".
    # handle_index and on_startup are replaced, handle_websocket is guarded then delegated. Before moving
    # the pin, read the new server.py against this; tests/browser/test_serve.py drives it in a real Chromium.
    class BackrollServer(Server):
        """textual-serve's server with Backroll's page, an optional token and a same-origin websocket."""

        def _token_ok(self, request: web.Request) -> bool:
            if token is None:
                return True
            given = request.query.get("token") or request.cookies.get(COOKIE, "")
            return hmac.compare_digest(given.encode(), token.encode())

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if not self._token_ok(request):
                return web.Response(status=403, text="This Backroll needs the link with its token (printed by `backroll serve`).\n")
            font = request.query.get("fontsize", "")
            context = {
                "font_size": int(font) if font.isdigit() and 6 <= int(font) <= 40 else 0,
                "websocket_url": f"ws://{request.host}/ws",
                "static": "/static/",
            }
            response = aiohttp_jinja2.render_template("page.html", request, context)
            response.headers["Cache-Control"] = "no-store"
            response.headers["Referrer-Policy"] = "no-referrer"
            if token is not None:
                response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return response

        async def handle_websocket(self, request: web.Request) -> Any:
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"http://{request.host}":
                raise web.HTTPForbidden(text="Cross-site connection refused.\n")
            if not self._token_ok(request):
                raise web.HTTPForbidden(text="Token missing.\n")
            return await super().handle_websocket(request)

        async def on_startup(self, app: web.Application) -> None:
            say(f"Backroll in your browser: {url}")
            say("Ctrl+C stops it. Cues play in the browser that opens the page.")

    return BackrollServer(
        command, host=host, port=port, title="Backroll", public_url=url.rstrip("/"),
        templates_path=PAGE_FOLDER,
    )  # fmt: skip
