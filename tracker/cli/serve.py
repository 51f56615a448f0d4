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
header), so another web site open in the same browser cannot drive it, and
every request must name this server in its Host header (the loopback names,
the --host value), so a site whose name is made to resolve to 127.0.0.1 (DNS
rebinding) is refused too. Each tab's size is bounded, and so is the number
of tabs served at once (--tabs): each is an app process of its own.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Protocol

from tracker.cli.common import OK, Io, Refused, _home, check_home
from tracker.cli.parser import DEFAULT_TABS, MAX_TABS

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
    if importlib.util.find_spec("textual_serve") is None:  # present only with the extra
        raise Refused("backroll serve needs the web extra: pip install 'backroll[web]'.")
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
    if not 1 <= args.tabs <= MAX_TABS:
        raise Refused(f"--tabs must be from 1 to {MAX_TABS}, not {args.tabs}.")
    home = _home(args)
    check_home(home)
    server = make_server(home, host, args.port, token, io, args.tabs)
    server.serve()
    return OK


class Serving(Protocol):
    """What `serve` needs of the web server (tracker/ui/web_server.py's): run it until stopped."""

    def serve(self) -> None: ...


def make_server(
    home: Path, host: str, port: int, token: str | None, io: Io, tabs: int = DEFAULT_TABS
) -> Serving:
    """textual-serve's server for this home (tracker/ui/web_server.py: the web side lives with the UI)."""
    from tracker.ui.web_server import make_server as web_server

    def say(line: str) -> None:
        io.print(line)
        io.out.flush()

    return web_server(app_command(home), host, port, token, say, tabs)


def cmd_serve_app(args: argparse.Namespace, io: Io) -> int:
    """The app for one browser tab (run by textual-serve, with Textual's web driver): no terminal check."""
    from tracker.cli.app import open_app
    from tracker.cli.common import _service

    if "TEXTUAL_DRIVER" not in os.environ:
        raise Refused("_serve-app is run by `backroll serve`; to open the app, run `backroll`.")
    with _service(args, io) as service:
        return open_app(service, io, web=True)
