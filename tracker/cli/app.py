"""`backroll` (no command) and `demo`: the full-screen app, which needs a terminal."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tracker.cli.common import (
    BAD_INPUT,
    CANNOT_OPEN,
    OK,
    Io,
    Refused,
    _plural,
    checked_home,
)

if TYPE_CHECKING:
    from tracker.service import Backroll


def cmd_demo(args: argparse.Namespace, io: Io) -> int:
    import shutil
    import tempfile

    from tracker.demo import generate_history
    from tracker.service import Backroll

    if args.days < 1 or args.days > 3660:
        raise Refused("--days must be from 1 to 3660.")
    home = Path(tempfile.mkdtemp(prefix="backroll-demo-"))  # mkdtemp makes it 0700
    try:
        with Backroll(home) as service:
            # Ends yesterday: today is left to practise, with the streak still alive.
            sessions = generate_history(args.days, end=service.today() - timedelta(days=1), zone=service.zone)
            service.store.merge(sessions)
            if args.no_app:
                io.print(str(home))
                return OK
            io.warn(f"Demo history ({_plural(len(sessions), 'session')}) in {home}")
            return open_app(service, io)
    finally:
        if not (args.no_app or args.keep):
            shutil.rmtree(home, ignore_errors=True)


def cmd_app(args: argparse.Namespace, io: Io) -> int:
    with _collector_paused():  # see open_app
        home = checked_home(args, io)  # before anything shows, as for every command
        opened: list[Backroll] = []

        def open_service() -> Backroll:
            # Made on first use, in Today's loader after the first frame: importing the service and the model
            # is no part of the first frame. The store is opened later still, by that loader (reading a long
            # history takes a while): a corrupt or locked history shows the app's readable error screen, and
            # when it never opened, the exit code is still 3 with the reason on stderr (see open_app).
            from tracker.service import Backroll

            service = Backroll(home)
            opened.append(service)
            return service

        try:
            return open_app(open_service, io)
        finally:
            for service in opened:
                service.close()


def full_screen_problem() -> str | None:
    """Why this terminal cannot show the full-screen app, or None when it can."""
    if not (_isatty(sys.stdin) and _isatty(sys.stdout)):
        return "No terminal"
    if os.environ.get("TERM", "") == "dumb":
        return "This terminal (TERM=dumb) cannot show the full-screen app"
    return None


def open_app(
    service: Backroll | Callable[[], Backroll], io: Io, *, start: str | None = None, web: bool = False
) -> int:
    """The full-screen app (web: served by `backroll serve`, whose driver needs no terminal). `service`: the
    service, or a function that opens it on first use (tracker.ui.app.BackrollApp.service)."""
    problem = None if web else full_screen_problem()
    if problem is not None:
        io.warn(
            f"backroll opens a full-screen app and needs a terminal that can show one. {problem}.\n"
            "For a session one line per change (screen readers, braille displays): backroll session ROUTINE --plain\n"
            "(routines: `backroll routines`). For scripts, see `backroll --help`."
        )
        return BAD_INPUT
    with _collector_paused() as paused:
        try:
            from tracker.ui.app import make_app
        except ImportError as error:
            io.warn(
                f"The full-screen app is not available in this installation ({error}); the other commands work, see `backroll --help`."
            )
            return BAD_INPUT
        app = make_app(service, web=web, start=start)
        app.resume_collector = paused  # the app turns it back on once Today shows its data
        app.run()
    code = getattr(app, "return_code", None)
    code = code if isinstance(code, int) else OK
    store_error = getattr(app, "store_error", None)
    opened = getattr(app, "opened_service", None)  # None: never opened, so nothing was read
    if code == OK and store_error is not None and not (opened is not None and opened.store_is_open):
        io.warn(f"backroll: {store_error}")
        return CANNOT_OPEN
    return code


_collector_was_on: list[bool] = []  # while _collector_paused holds it: whether it was on before


@contextmanager
def _collector_paused() -> Iterator[bool]:
    """No cyclic garbage collection from here until the app has shown Today's data; yields whether it was on
    before (nested: as the outermost found it).

    Start-up allocates some 50k objects that live as long as the app (Textual's and our modules, classes,
    the stylesheet, the widgets): on the way to the first frame the collector walked them again and again,
    a full collection among them (~30 ms in all, three times what the bare Textual app spends), and the first
    load's imports after it. The app freezes what exists once Today shows its data (gc.freeze: later
    collections skip it) and turns the collector back on (BackrollApp.resume_collector, at the latest 2 s
    after the start); in any case it is on again when this exits."""
    if _collector_was_on:
        yield _collector_was_on[0]
        return
    enabled = gc.isenabled()
    gc.disable()
    _collector_was_on.append(enabled)
    try:
        yield enabled
    finally:
        _collector_was_on.clear()
        if enabled:
            gc.enable()


def _isatty(stream: TextIO | None) -> bool:
    """A terminal, and still open (a stream closed or replaced by None is none)."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False
