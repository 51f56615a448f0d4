"""The `backroll` command: no subcommand opens the app; the subcommands script the history.

Exit codes: 0 ok; 1 bad input or refused (one plain sentence on stderr,
nothing written; `import` also when it refused some sessions and imported the
others); 2 usage; 3 the data cannot be opened (corrupt, locked, or the home is
not a folder); 4 an unexpected error (one line on stderr naming a crash
report written 0600 under <home>/crash-reports or the temp folder).

Textual is imported only inside `open_app`, so every other command starts
fast and the core stays free of the UI. One module per group of commands:
history.py (status, log, usual-pain), exchange.py (export, import),
library.py (routines, check), app.py (the app, demo); parser.py is the
contract, common.py what they share.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from tracker.cli import answers

if TYPE_CHECKING:
    import argparse

    from tracker.cli.common import Io

# What `from tracker.cli import NAME` finds in tracker.cli.common, imported on first use (PEP 562): a
# replayed answer (tracker/cli/answers.py) never imports the commands' modules.
_FROM_COMMON = frozenset({"BAD_INPUT", "CANNOT_OPEN", "OK", "USAGE", "CannotOpen", "Io", "Refused"})
_FROM_COMMON_FUNCTIONS = frozenset({"parse_day", "parse_moment"})


def cmd_session(args: argparse.Namespace, io: Io) -> int:
    from tracker.cli.app import full_screen_problem, open_app
    from tracker.cli.common import OK, _service, known_routine

    with _service(args, io) as service:
        known_routine(service, args.routine)
        problem = full_screen_problem()
        if not args.plain and problem is None:
            return open_app(service, io, start=args.routine)
        if not args.plain:
            io.warn(f"{problem}: running the session one line per change (--plain).")
        from tracker.cli.plain import run_plain

        run_plain(service, args.routine, io.out)
        return OK


def cmd_completion(args: argparse.Namespace, io: Io) -> int:
    from tracker.cli.common import OK
    from tracker.cli.completion import completion_script
    from tracker.cli.parser import _parser

    io.out.write(completion_script(args.shell, _parser(for_completion=True)))
    return OK


# command -> "module:function", imported when that command runs: `backroll` (the app) does not pay for
# the report, sync or exchange code, nor `status` for the app's.
COMMANDS: dict[str | None, str] = {
    None: "tracker.cli.app:cmd_app",
    "demo": "tracker.cli.app:cmd_demo",
    "status": "tracker.cli.history:cmd_status",
    "log": "tracker.cli.history:cmd_log",
    "export": "tracker.cli.exchange:cmd_export",
    "import": "tracker.cli.exchange:cmd_import",
    "routines": "tracker.cli.library:cmd_routines",
    "check": "tracker.cli.library:cmd_check",
    "poses": "tracker.cli.poses:cmd_poses",
    "usual-pain": "tracker.cli.history:cmd_usual_pain",
    "pain": "tracker.cli.pain:cmd_pain",
    "completion": "tracker.cli:cmd_completion",
    "session": "tracker.cli:cmd_session",
    "serve": "tracker.cli.serve:cmd_serve",
    "_serve-app": "tracker.cli.serve:cmd_serve_app",
    "report": "tracker.cli.report:cmd_report",
    "calendar": "tracker.cli.calendar:cmd_calendar",
    "sync-check": "tracker.cli.sync:cmd_sync_check",
}


def command(name: str | None) -> Callable[[argparse.Namespace, Io], int]:
    """The function behind a command (imported now)."""
    module, _, function = COMMANDS[name].partition(":")
    found: Callable[[argparse.Namespace, Io], int] = getattr(importlib.import_module(module), function)
    return found


DATE_OPTIONS = ("--date", "--today", "--since", "--until")


def _days_ago_joined(argv: list[str]) -> list[str]:
    """`--date -2d` as `--date=-2d`: argparse would take "-2d" for an option of its own."""
    joined: list[str] = []
    for word in argv:
        if joined and joined[-1] in DATE_OPTIONS and re.fullmatch(r"-\d{1,4}d", word):
            joined[-1] = f"{joined[-1]}={word}"
        else:
            joined.append(word)
    return joined


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if os.name != "posix":  # the store's one-writer lock is fcntl.flock
        print(
            "backroll: the history needs a POSIX system (Linux, macOS, a BSD); this one is not supported yet.",
            file=err,
        )
        return 1
    words = _days_ago_joined(sys.argv[1:] if argv is None else list(argv))
    try:
        if answers.replay(words, out):  # `status` or `routines` again, with nothing it reads changed
            return 0
    except BrokenPipeError:
        return _reader_left()
    from tracker.cli.common import (
        BAD_INPUT,
        CANNOT_OPEN,
        USAGE,
        CannotOpen,
        Io,
        Refused,
        check_text,
    )
    from tracker.cli.parser import _parser, command_word

    io = Io(out, err)
    named = command_word(words)
    parser = _parser(named if named in COMMANDS else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as exit:  # --help, --version (0) and usage errors (2)
        return int(exit.code or 0) if not isinstance(exit.code, str) else USAGE
    if args.command == "export" and args.steps and args.format != "csv":
        parser.print_usage(io.err)
        io.warn("backroll: error: --steps goes with --format csv")
        return USAGE

    from tracker.store import StoreCorrupt, StoreError, StoreLocked
    from tracker.zones import tz_problem

    problem = tz_problem()
    if problem is not None and args.command is not None:
        io.warn(f"warning: {problem}.")
    try:
        check_text(args)
        if args.command not in answers.ANSWERED:
            return command(args.command)(args, io)
        from tracker.paths import resolve_home

        keeper = answers.Keeper(words, resolve_home(getattr(args, "home", None)), out, err)
        code = command(args.command)(args, Io(keeper.out, keeper.err))
        keeper.keep(code)
        return code
    except Refused as refused:
        io.warn(f"backroll: {refused}")
        return BAD_INPUT
    except CannotOpen as error:
        io.warn(f"backroll: {error}")
        return CANNOT_OPEN
    except (StoreCorrupt, StoreLocked) as error:
        io.warn(f"backroll: {error}")
        return CANNOT_OPEN
    except StoreError as error:
        io.warn(f"backroll: {error}")
        return BAD_INPUT
    except BrokenPipeError:
        return _reader_left()
    except KeyboardInterrupt:
        io.warn("backroll: interrupted.")
        return 130
    except Exception as error:
        return _crashed(error, args, io)


def _reader_left() -> int:
    """`backroll export | head`: the reader left; say nothing, like other Unix tools (exit 0). Standard
    output goes to /dev/null so that Python's own flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def _crashed(error: Exception, args: argparse.Namespace, io: Io) -> int:
    from tracker.cli.crash import CRASH, one_line, write_report
    from tracker.paths import resolve_home

    try:
        home = resolve_home(getattr(args, "home", None))
    except Exception:
        home = None
    report = write_report(error, home, list(sys.argv))
    try:
        io.warn(one_line(error, report))
    except Exception:
        pass
    return CRASH


def __getattr__(name: str) -> object:
    """`open_app` (tracker.cli.app) and what tracker.cli.common holds, on first use (PEP 562): `status`
    never imports the app's command module, and a replayed answer not even the commands'."""
    if name == "open_app":
        from tracker.cli.app import open_app

        return open_app
    if name in _FROM_COMMON or name in _FROM_COMMON_FUNCTIONS:
        from tracker.cli import common

        return getattr(common, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()


__all__ = [
    "BAD_INPUT", "CANNOT_OPEN", "COMMANDS", "OK", "USAGE", "Io", "Refused", "command",
    "main", "open_app", "parse_day", "parse_moment", "run",
]  # fmt: skip
