"""The argparse parser of `backroll`: every command and option, and the help text (the CLI contract)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence

from tracker import __version__
from tracker.cli.completion import DIRECTORY, FILE, ROUTINE_IDS, complete_with
from tracker.paths import ENV_HOME

# `backroll serve`'s defaults, part of the contract (tracker/cli/serve.py runs it): each tab served is an
# app process of its own (tracker/ui/web_server.py), so their number is bounded.
DEFAULT_PORT = 8421
DEFAULT_TABS, MAX_TABS = 3, 8

DESCRIPTION = """\
A full-screen terminal companion for a daily yoga-for-back-pain practice.

  backroll                         open the app
  backroll demo                    open the app on a generated sample history (temp home)
  backroll status [--json] [--today DATE]
  backroll log ROUTINE [--date DATETIME] [--lifts N] [--count N] [--hold N]
               [--pain-before N] [--pain-after N] [--stable yes|no|unsure]
               [--felt easy|right|hard] [--hurt] [--note TEXT]
  backroll export [--format json|csv] [--steps] [-o FILE] [--since DATE] [--until DATE] [--schema]
  backroll import FILE [--dry-run]
  backroll routines [ID] [--json]
  backroll check FILE              validate a user's routine file
  backroll usual-pain N [--date D] [--note TEXT]
                                   record your usual pain after seeing a professional
  backroll pain N [--date D] [--note TEXT] | --list [--json]
                                   how your back is today, without practising (0-10)
  backroll session ROUTINE [--plain]   run a routine; --plain: one line per change, for screen readers
  backroll serve [--port P] [--host H] [--token] [--tabs N]   the app in a browser (the [web] extra)
  backroll report [--weeks N | --since DATE --until DATE] [-o FILE] [--format html|md|pdf]
                                   a printable practice report for a trainer or doctor
  backroll calendar [-o FILE] [--time HH:MM] [--minutes N] [--preview]
                                   a daily practice reminder for your calendar (.ics)
  backroll completion bash|zsh|fish   print a shell completion script
"""

EPILOG = f"""\
The data home is --home DIR, else ${ENV_HOME}, else the per-user data folder.
Dates are YYYY-MM-DD, or today, yesterday, -3d (three days ago); --date also
takes a time ("2025-03-01 07:30", "yesterday 07:30"), read in the local time
zone unless it carries an offset.

exit codes:
  0  ok
  1  bad input or refused (one sentence on stderr; nothing written)
  2  usage error
  3  the data cannot be opened (corrupt or locked by another Backroll)

Backroll gives no diagnosis. If it hurts, stop; if pain keeps coming back,
see a personal trainer or a doctor.
"""


# --------------------------------------------------------------------------- parser


class _Commands(dict[str, argparse.ArgumentParser]):
    """The commands by name. Looking one up finds every command; listing them (the "choose from ..." of a
    usage error such as `backroll stauts`) leaves out the internal ones whose names start with "_" (`_serve-app`)."""

    def __iter__(self) -> Iterator[str]:
        return (name for name in super().__iter__() if not name.startswith("_"))


class _Unbuilt:
    """Stands for a subcommand's parser that this run will not use: every call on it does nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


def command_word(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names, when nothing before it needs the whole parser (help, version, an
    option other than --home); else None."""
    words = iter(argv)
    for word in words:
        if word == "--home":
            next(words, None)
        elif not word.startswith("--home="):
            return None if word.startswith("-") else word
    return None


def _parser(only: str | None = None, *, for_completion: bool = False) -> argparse.ArgumentParser:
    """The whole parser; with `only` (a command named on the command line), that command's own parser
    and no other: building all of them is a measurable part of a command's start-up. `for_completion`
    gives each command its one-line help as description (a shell's menu shows the description's first
    line, and the long ones break mid-sentence)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: --home may come before or after the subcommand without one overwriting the other.
    complete_with(common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help=f"data folder (default: ${ENV_HOME}, else the per-user data folder)"), DIRECTORY)  # fmt: skip

    parser = argparse.ArgumentParser(
        prog="backroll",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub._name_parser_map = sub.choices = _Commands()  # the one map argparse keeps both in

    def add(name: str, help: str, description: str = "") -> argparse.ArgumentParser | _Unbuilt:
        if only is not None and name != only:
            return _Unbuilt()
        description = help if for_completion else description or help
        return sub.add_parser(name, parents=[common], help=help, description=description,
                              formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip

    demo = add("demo", "open the app on a generated six-week sample history in a temporary home")
    demo.add_argument(
        "--no-app", action="store_true", help="only create and fill the demo home; print its path and keep it"
    )
    demo.add_argument("--keep", action="store_true", help="keep the demo home after the app closes")
    demo.add_argument("--days", type=int, default=42, help=argparse.SUPPRESS)

    status = add("status", "streaks, the next prescription and the advice with its reasons")
    status.add_argument("--json", action="store_true", help="print one JSON object (see the README)")
    status.add_argument(
        "--today", metavar="DATE", help="compute as of DATE (YYYY-MM-DD); later sessions are ignored"
    )

    log = add(
        "log",
        "record a session done without the app",
        "Record a session done without the app. For the bridge program, --lifts, --count and\n"
        "--hold default to the prescription the advice gives for that day.",
    )
    complete_with(
        log.add_argument("routine", metavar="ROUTINE", help="routine id (see `backroll routines`)"),
        ROUTINE_IDS,
    )
    log.add_argument(
        "--date", metavar="DATETIME", help="when it started (default: now); naive times are local"
    )
    log.add_argument("--lifts", type=int, metavar="N", help="bridge: lifts done")
    log.add_argument("--count", type=int, metavar="N", help="bridge: counts to raise and to lower")
    log.add_argument("--hold", type=int, metavar="N", help="bridge: counts held at the top (0 = none)")
    log.add_argument("--pain-before", type=int, metavar="N", help="pain before, 0-10")
    log.add_argument("--pain-after", type=int, metavar="N", help="pain after, 0-10")
    log.add_argument("--stable", choices=("yes", "no", "unsure"), help="legs and back felt stable")
    log.add_argument("--felt", choices=("easy", "right", "hard"), help="how it felt")
    log.add_argument("--hurt", action="store_true", help="stopped because it hurt (still a practice day)")
    log.add_argument("--note", metavar="TEXT", default="", help="a note")

    export = add("export", "write the history as JSON (default) or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    export.add_argument("--steps", action="store_true", help="CSV: one row per step instead of per session")
    complete_with(
        export.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (private, atomic) instead of stdout"
        ),
        FILE,
    )
    export.add_argument("--since", metavar="DATE", help="only practice days on or after DATE")
    export.add_argument("--until", metavar="DATE", help="only practice days on or before DATE")
    export.add_argument("--schema", action="store_true", help="print the JSON Schema of the export and exit")

    imp = add("import", "merge a JSON export into the history (by session id; never overwrites)")
    complete_with(imp.add_argument("file", metavar="FILE", help="a file written by `backroll export`"), FILE)
    imp.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")

    routines = add(
        "routines",
        "list the routines with their length at the current settings; with ID, its before-you-start card",
    )
    complete_with(routines.add_argument("id", metavar="ID", nargs="?",
                                        help="a routine id: what to have at hand, the time, the cautions, the room"), ROUTINE_IDS)  # fmt: skip
    routines.add_argument("--json", action="store_true", help="print a JSON list (with ID: the card as JSON)")

    poses = add("poses", "every pose with its figure; with ID, the pose drawn at each keyframe")
    poses.add_argument(
        "id", metavar="ID", nargs="?", help="a pose id: its figure drawn in text, keyframe by keyframe"
    )
    poses.add_argument(
        "--json", action="store_true", help="print the figures' joint coordinates as JSON (see the README)"
    )

    check = add("check", "validate a user's routine file (exit 0 valid, 1 invalid)")
    complete_with(check.add_argument("file", metavar="FILE", help="a routine TOML file"), FILE)

    usual = add(
        "usual-pain",
        "record your usual pain (0-10) after a trainer or doctor has looked at your practice",
        "Record your usual pain (0-10), as agreed with a personal trainer or a doctor who has looked\n"
        "at your practice. From --date on (default today), a pain-after score at or below it does not\n"
        "count as pain for the advice; above it does, and a stop because it hurt always does.\n"
        "Without arguments beyond N it records today's value; `backroll usual-pain --list` shows them all.",
    )
    usual.add_argument("value", metavar="N", nargs="?", type=int, help="usual pain, 0-10")
    usual.add_argument("--date", metavar="DATE", help="the day it applies from (YYYY-MM-DD; default today)")
    usual.add_argument("--note", metavar="TEXT", default="", help="e.g. who you saw")
    usual.add_argument("--list", action="store_true", help="list the records instead")

    pain = add(
        "pain",
        "record how your back is today (0-10), without practising",
        "Record a pain score (0-10) for today (or --date), without practising. The first pain score\n"
        "of a day (this, or the pain before of its first session) is how the back answered the day\n"
        "before: at least response_rise points above that day's pain before, and above your usual\n"
        "pain, and the advice holds (or undoes a new increase). It is never a practice day.\n"
        "`backroll pain --list` shows every record (--json: as JSON).",
    )
    pain.add_argument("value", metavar="N", nargs="?", type=int, help="pain now, 0-10")
    pain.add_argument("--date", metavar="DATE", help="the day it is about (default today)")
    pain.add_argument("--note", metavar="TEXT", default="", help="e.g. stiff after sitting")
    pain.add_argument("--list", action="store_true", help="list the records instead")
    pain.add_argument("--json", action="store_true", help="with --list: a JSON list")

    session = add(
        "session",
        "run a routine now; with --plain, one line per change for a screen reader or braille display",
        "Run a routine now. With --plain (or where the full-screen app cannot show: TERM=dumb, no terminal),\n"
        'each change is one line ("Back roll, lift 2 of 3: raise, 4 counts"), keys steer it (space pause,\n'
        "n skip, b back, q stop, h it hurts), then the check-in is asked as questions and the session saved.",
    )
    complete_with(
        session.add_argument("routine", metavar="ROUTINE", help="routine id (see `backroll routines`)"),
        ROUTINE_IDS,
    )
    session.add_argument(
        "--plain", action="store_true", help="one line per change, keys on stdin; no full-screen app"
    )

    serve = add(
        "serve",
        "the app in a browser, for a phone or tablet by the mat (needs the [web] extra)",
        "Serve the app to a browser (pip install 'backroll[web]'). It listens on 127.0.0.1 only, unless --host\n"
        "says otherwise: your history has no login, so another host needs --token (a secret the printed link\n"
        "carries) or --i-understand-no-login. Tones and spoken cues play in the browser.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--token", action="store_true", help="make a secret that the link must carry")
    serve.add_argument(
        "--i-understand-no-login", action="store_true", help="serve on another host without a token"
    )
    serve.add_argument(
        "--tabs", type=int, default=DEFAULT_TABS,
        help=f"browser tabs served at once, 1 to {MAX_TABS} (default {DEFAULT_TABS}; each runs its own app)",
    )  # fmt: skip
    if only in (None, "_serve-app"):
        sub.add_parser(
            "_serve-app", parents=[common]
        )  # run by `serve` for each browser tab; no help: not for people
    report = add(
        "report",
        "write a printable practice report (HTML, Markdown or PDF) to take to a trainer or doctor",
        "Write one self-contained page about your practice: practice days on a calendar, sessions a\n"
        "week, pain before and after each session, every stop because it hurt, the bridge level with\n"
        "the reason for each change, usual-pain records and notes. Its figures are those of\n"
        "`backroll status --json --today UNTIL` and `backroll export --since SINCE --until UNTIL`.\n"
        "Default: the last 12 weeks, as HTML in <home>/exports. It gives no diagnosis.",
    )
    report.add_argument("--weeks", type=int, metavar="N", help="the last N weeks up to --until (default 12)")
    report.add_argument("--since", metavar="DATE", help="first day (YYYY-MM-DD, today, yesterday, -3d)")
    report.add_argument("--until", metavar="DATE", help="last day (default today)")
    complete_with(
        report.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (private, atomic); - for stdout"
        ),
        FILE,
    )
    report.add_argument("--format", choices=("html", "md", "pdf"),
                        help="default: from FILE's extension, else html; pdf needs Chromium")  # fmt: skip

    cal = add(
        "calendar",
        "write a daily practice reminder as an .ics file for your calendar app",
        "Write an iCalendar file with one event that repeats at your practice time (Settings, or\n"
        "--time) in your time zone, on every day except your declared rest weekdays, with a reminder\n"
        "5 minutes before. Importing a newer file updates the same event instead of adding another.",
    )
    complete_with(
        cal.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE (default <home>/exports/backroll-practice.ics); - for stdout",
        ),
        FILE,
    )
    cal.add_argument(
        "--time", metavar="HH:MM", help="local time of day (default: the practice time in Settings)"
    )
    cal.add_argument(
        "--minutes",
        type=int,
        metavar="N",
        help="how long the event lasts (default: the suggested routine's length)",
    )
    cal.add_argument(
        "--preview", action="store_true", help="list the next 14 reminders instead of writing the file"
    )
    sync = add(
        "sync-check",
        "what each device put into a synced data folder, its newest change, and anything set aside",
        "For a data folder carried between machines by Syncthing, Nextcloud, Dropbox or git (see the\n"
        "README): each device's sessions, events and newest event, files still arriving, and conflict\n"
        "copies that were merged and moved aside.",
    )
    sync.add_argument("--json", action="store_true", help="print one JSON object")

    completion = add(
        "completion",
        "print a shell completion script (bash, zsh or fish)",
        "Print a completion script generated from this parser. For example:\n"
        "  bash: backroll completion bash > ~/.local/share/bash-completion/completions/backroll\n"
        "  zsh:  backroll completion zsh > ~/.zfunc/_backroll, with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc\n"
        "  fish: backroll completion fish > ~/.config/fish/completions/backroll.fish",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell")
    return parser
