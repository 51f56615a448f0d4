"""`backroll serve`: the app in a browser, through textual-serve (the optional extra `backroll[web]`).

textual-serve starts the command it is given once per browser tab, with
Textual's web driver, and relays the screen and the keys over a websocket.
That command is `backroll _serve-app` (hidden from --help): the app as
`backroll` opens it, less the check for a terminal, with its cues sent to
the page, which plays the tones (Web Audio) and speaks (the browser's
speech synthesis) on the phone or laptop by the mat, and shows each change
as a line a screen reader announces.

Health data and no login: it binds 127.0.0.1 unless told otherwise. Any
other --host prints a warning and needs --i-understand-no-login, or
--token, which makes a random token that the URL must carry (the page then
keeps it in a same-site cookie for the websocket). Whatever the host, the
websocket only answers pages served from the same address (the Origin
header), so another web site open in the same browser cannot drive it.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

from tracker.cli.common import OK, Io, Refused, _home, check_home

PAGE_FOLDER = Path(__file__).parent / "web"
COOKIE = "backroll-token"
DEFAULT_PORT = 8421
NO_LOGIN_WARNING = (
    "warning: backroll serve on {host} offers your practice and pain history to anyone who can reach "
    "this computer on the network. There is no login."
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(home: Path) -> str:
    """The shell command textual-serve runs for each browser tab."""
    return shlex.join([sys.executable, "-m", "tracker", "--home", str(home), "_serve-app"])


def cmd_serve(args: argparse.Namespace, io: Io) -> int:
    try:
        from textual_serve.server import Server  # noqa: F401 - present only with the extra
    except ImportError:
        raise Refused("backroll serve needs the web extra: pip install 'backroll[web]'.") from None
    host = args.host
    if not 0 < args.port < 65536:
        raise Refused(f"--port must be from 1 to 65535, not {args.port}.")
    token = secrets.token_urlsafe(24) if args.token else None
    if not is_loopback(host):
        io.warn(NO_LOGIN_WARNING.format(host=host))
        if token is None and not args.i_understand_no_login:
            raise Refused(
                f"refusing to serve on {host} without a way in that only you have: add --token (the printed link "
                "carries a secret), or --i-understand-no-login."
            )
    home = _home(args)
    check_home(home)
    server = make_server(home, host, args.port, token, io)
    server.serve()
    return OK


def make_server(home: Path, host: str, port: int, token: str | None, io: Io) -> Any:
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    if host in ("0.0.0.0", "::", ""):  # every address: the link names this computer, which the phone can reach
        import socket

        shown_host = socket.gethostname()
    else:
        shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")

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
            io.print(f"Backroll in your browser: {url}")
            io.print("Ctrl+C stops it. Cues play in the browser that opens the page.")
            io.out.flush()

    return BackrollServer(
        app_command(home), host=host, port=port, title="Backroll", public_url=url.rstrip("/"),
        templates_path=PAGE_FOLDER,
    )  # fmt: skip


def cmd_serve_app(args: argparse.Namespace, io: Io) -> int:
    """The app for one browser tab (run by textual-serve, with Textual's web driver): no terminal check."""
    from tracker.cli.app import open_app
    from tracker.cli.common import _service

    if "TEXTUAL_DRIVER" not in os.environ:
        raise Refused("_serve-app is run by `backroll serve`; to open the app, run `backroll`.")
    with _service(args, io) as service:
        return open_app(service, io, web=True)
