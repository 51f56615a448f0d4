"""What every command shares: exit codes, the Refused error, output, the service, dates and plurals."""

from __future__ import annotations

import argparse
import errno
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tracker.inert import inert
from tracker.paths import is_wider_than_private, resolve_home

if TYPE_CHECKING:
    from tracker.service import Backroll

OK, BAD_INPUT, USAGE, CANNOT_OPEN = 0, 1, 2, 3


class Refused(Exception):
    """Bad input or a refusal: exit 1 with this one sentence on stderr."""


class CannotOpen(Exception):
    """The data home cannot be opened (a file where the folder should be...): exit 3 with this sentence."""


@dataclass
class Io:
    """Where a command prints. Every line is made inert (tracker.inert): a name, a cue, a file name or a
    link's target that came from a file is shown, never obeyed by the terminal."""

    out: TextIO
    err: TextIO

    def print(self, text: str = "") -> None:
        print(inert(text), file=self.out)

    def warn(self, text: str) -> None:
        print(inert(text), file=self.err)


# --------------------------------------------------------------------------- helpers


def _home(args: argparse.Namespace) -> Path:
    return resolve_home(getattr(args, "home", None))


def _warn_wide_home(home: Path, io: Io) -> None:
    try:
        if home.is_dir() and is_wider_than_private(home):
            mode = home.stat().st_mode & 0o777
            io.warn(
                f"warning: {home} can be read by other users (mode {mode:o}); `chmod 700 {home}` keeps your health data private."
            )
    except OSError:
        pass


def check_home(home: Path) -> None:
    """CannotOpen when the home, or the nearest part of its path that exists, is not a folder."""
    probe = home
    while True:
        try:
            st = probe.stat()
        except (FileNotFoundError, NotADirectoryError):
            if probe.parent == probe:
                return
            probe = probe.parent
            continue
        except OSError as error:
            raise CannotOpen(f"Cannot open the data home {home}: {error.strerror or error}.") from None
        if not stat.S_ISDIR(st.st_mode):
            where = "it is" if probe == home else f"{probe} is"
            raise CannotOpen(
                f"Cannot open the data home {home}: {where} a file, not a folder; choose a folder with --home or BACKROLL_HOME."
            )
        return


def _service(args: argparse.Namespace, io: Io, *, reading: bool = False) -> Backroll:
    """The service for a command; `reading` for one that saves nothing: on a home where nothing is saved
    yet it answers an empty history and makes no folder, no lock and no device id (Backroll.saved)."""
    from tracker.service import Backroll

    return Backroll(checked_home(args, io), reading=reading)


def checked_home(args: argparse.Namespace, io: Io) -> Path:
    """The data home a command names, checked (CannotOpen when it cannot be one) and warned about when
    others can read it: what every command does before it opens the service."""
    home = _home(args)
    check_home(home)
    _warn_wide_home(home, io)
    return home


def known_routine(service: Backroll, routine_id: str) -> str:
    """`routine_id`, or Refused naming the known ones: the one sentence `log`, `session` and `routines ID` give."""
    ids = service.routine_ids()
    if routine_id not in ids:
        raise Refused(f"There is no routine {routine_id!r}; known routines: {', '.join(ids)}.")
    return routine_id


def writable_target(output: str) -> Path:
    """The file an `-o FILE` names, refused before anything is read or written when it cannot be one:
    a folder, or a file whose folder does not exist or is not a folder."""
    path = Path(output).expanduser()
    if path.is_dir():
        raise Refused(f"{output} is a folder; give a file name.")
    folder = path.parent
    if not folder.is_dir():
        why = "does not exist" if not folder.exists() else "is not a folder"
        raise Refused(f"{output} cannot be written: its folder {folder} {why}.")
    return path


def _warn_backup(service: Backroll, io: Io) -> None:
    """The save went through but the daily backup failed (see Store.backup_error): say so, or backups stop unnoticed."""
    error = getattr(service.store, "backup_error", None) if service.store_is_open else None
    if error is not None:
        denied = getattr(error, "errno", None) in (errno.EACCES, errno.EPERM)
        io.warn(
            f"warning: today's backup in {service.locations.backups} could not be made "
            f"({'permission was denied' if denied else error.strerror or error}); the history itself is saved. "
            "Fix that folder so backups resume."
        )


_DAYS_AGO = re.compile(r"^-(\d{1,4})d$")


def relative_day(word: str, today: date) -> date | None:
    """`today`, `yesterday` or `-Nd` (N days ago) as a date; None for anything else."""
    word = word.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    match = _DAYS_AGO.match(word)
    return today - timedelta(days=int(match.group(1))) if match else None


def parse_day(text: str, option: str, today: date | None = None) -> date:
    """YYYY-MM-DD, or today / yesterday / -Nd (relative to `today`, default the local date)."""
    day = relative_day(text, today or date.today())
    if day is None:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise Refused(
                f"{option} {text!r} is not a date; use YYYY-MM-DD, today, yesterday or -3d."
            ) from None
    return within_days(day, option, text)


def within_days(day: date, option: str, text: str) -> date:
    """`day`, or Refused when it is outside the days Backroll keeps (tracker.model.limits)."""
    from tracker.model.limits import FIRST_DAY, LAST_DAY

    if not FIRST_DAY <= day <= LAST_DAY:
        raise Refused(f"{option} {text!r} is outside the days Backroll keeps ({FIRST_DAY} to {LAST_DAY}).")
    return day


def check_text(args: argparse.Namespace) -> None:
    """Refuse a text option holding bytes that are not UTF-8 (argv arrives surrogate-escaped) or a lone surrogate."""
    for name, value in vars(args).items():
        if name in PATH_OPTIONS or not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            option = (
                name if name in ("routine", "file", "value", "command") else "--" + name.replace("_", "-")
            )
            raise Refused(
                f"{option} is not valid UTF-8 text (an odd byte or code point at character {error.start + 1}); "
                "retype it or check the terminal's encoding."
            ) from None


PATH_OPTIONS = frozenset({"home", "file", "output"})  # paths may hold any bytes the file system allows


def parse_moment(text: str, service: Backroll) -> datetime:
    """A DATETIME for `log --date`: anything dateutil reads; missing parts come from now.

    Naive times are local; a time with an offset keeps it (its local date is the practice day),
    see Backroll.stamp.
    """
    from dateutil import parser as dateparser

    now = service.now()
    first, _, rest = text.strip().partition(" ")
    day = relative_day(first, now.date())
    if day is not None:  # "yesterday", "yesterday 07:30", "-2d 18:00": that day, at now's time unless given
        default = datetime.combine(day, now.time().replace(second=0, microsecond=0))
        if not rest.strip():
            stamped: datetime = service.localize(default)
            return stamped
        text = rest
    else:
        default = now.replace(tzinfo=None, second=0, microsecond=0)
    try:
        parsed = dateparser.parse(text, default=default)
    except (ValueError, OverflowError, dateparser.ParserError):
        raise Refused(
            f"--date {text!r} is not a date and time I can read; try 2025-03-01 or '2025-03-01 07:30'."
        ) from None
    within_days(parsed.date(), "--date", text)
    try:
        moment = parsed if parsed.tzinfo is not None else service.localize(parsed)
        within_days(moment.date(), "--date", text)
        return moment
    except (ValueError, OverflowError):
        raise Refused(
            f"--date {text!r} is not a date and time I can read; try 2025-03-01 or '2025-03-01 07:30'."
        ) from None


def _in_range(value: int | None, option: str, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise Refused(f"{option} must be from {low} to {high}, not {value}.")


def _plural(n: int, word: str) -> str:
    from tracker.model import plural

    return plural(n, word)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
