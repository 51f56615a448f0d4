"""Answers kept: `status` and `routines` print their last answer again while nothing they read has changed.

A person types `backroll status` many times a week and the history mostly
has not moved since the last time. Working the answer out means importing
the model, the store, the rules and reading the library: most of the
command's start-up. So each answer these commands give cleanly (exit 0,
nothing on stderr) is kept, with what it was worked out from, and printed
again, byte for byte, while all of that is the same:

- who asked (kept whole and compared): the words of the command line, the
  working folder, the environment variables that choose the home, the zone
  or this cache (every ``BACKROLL_*``, ``HOME``, ``XDG_DATA_HOME``, ``TZ``)
  and the output's encoding;
- the day it answers for: the local date in the machine's zone, reckoned as
  the service reckons it (``tracker.zones.local_zone_name``);
- the stat (mode, inode, size, mtime_ns, ctime_ns; of a folder its mode
  and inode) of everything it could read: the home and every folder and
  file under it except the backups,
  exports, crash reports, the lock and the summary cache (derived, written
  by `status` itself); the built-in content; the package's code; the
  versions of Python and of Backroll.

The stat is taken before the command runs and again once it has answered;
the answer is kept only when the two are the same, so nothing written
meanwhile (by this process or another) can be folded into it. Every store
write replaces a file (a new inode) and an edit in place changes ctime, so
the same stat means the same bytes. A home with anything under
``in-progress/`` keeps no answer: what status says about a running session
depends on another process's lock, not on a file.

The answers live in the per-user cache folder (``tracker.paths.cache_dir``:
0700, each file 0600, one per command line, the oldest dropped past
``KEEP``); a file that is missing, unreadable, damaged, of another format,
owned by someone else or readable by others means the command runs as
before. It is never the only copy of anything: the history is.

This module is the first thing `backroll` runs, so it imports only the
standard library and tracker.paths / tracker.zones.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from tracker.paths import builtin_content_dir, cache_dir

__all__ = ["ANSWERED", "KEEP", "Keeper", "replay"]

ANSWERED = frozenset({"status", "routines"})  # read-only commands whose whole answer the stamp decides
FORMAT = 1  # bump when what is kept changes shape
KEEP = 64  # answer files kept; past it the oldest go
_MAX_BYTES = 4 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent.parent  # tracker/
# Under the home: what no answer reads (backups, exports, crash reports), the lock (opened, not read) and
# the summary cache (derived, and written by `status` itself: tracker/store/summary.py).
_NOT_READ = frozenset({"backups", "exports", "crash-reports", "backroll.lock"})
_DERIVED = frozenset({"summary-cache.json"})
_IN_PROGRESS = "in-progress"
_ENV_EXACT = ("HOME", "XDG_DATA_HOME", "TZ")


def _asked(words: Sequence[str]) -> list[object]:
    """Everything about the asking that may change the answer, besides the files and the day."""
    env = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name.startswith("BACKROLL_") or name in _ENV_EXACT
    )
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    encoding = getattr(sys.stdout, "encoding", None) or ""
    return [FORMAT, list(words), cwd, [list(pair) for pair in env], encoding]


def _path(asked: list[object]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    text = json.dumps(asked)  # ASCII: a word that is no valid text (a lone surrogate) is escaped too
    return folder / f"answer-{zlib.crc32(text.encode('ascii')):08x}.json"


def _today() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tracker.zones import local_zone_name

    zone = local_zone_name()
    return f"{datetime.now(ZoneInfo(zone)).date().isoformat()} {zone}"


class _Busy(Exception):
    """A session is in progress under the home: no answer is kept or given."""


def _line(path: str, st: os.stat_result) -> str:
    if stat.S_ISDIR(st.st_mode):  # what it holds is in the lines of its entries; its times move with the
        return f"{path}\t{st.st_mode:o} {st.st_ino}"  # summary cache's own writes
    return f"{path}\t{st.st_mode:o} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def _walk(folder: str, lines: list[str], skip: frozenset[str], *, suffix: str = "") -> None:
    """One line per folder and file under `folder`, sorted; OSError when one cannot be read."""
    with os.scandir(folder) as entries:
        found = sorted(entries, key=lambda e: e.name)
    for entry in found:
        if entry.name in skip or entry.name == "__pycache__":
            continue
        is_dir = entry.is_dir(follow_symlinks=False)
        if suffix and not is_dir and not entry.name.endswith(suffix):
            continue
        lines.append(_line(entry.path, entry.stat(follow_symlinks=False)))
        if is_dir:
            _walk(entry.path, lines, _DERIVED, suffix=suffix)


def _stamp(home: str) -> str:
    """The stat of everything the answer could come from, and the day; raises OSError or _Busy."""
    from tracker import __version__

    lines = [f"backroll {__version__}", f"python {sys.version}", f"day {_today()}"]
    try:
        lines.append(_line(home, os.stat(home)))
    except FileNotFoundError:
        lines.append(f"{home}\tmissing")  # `status` on a home never made: an empty history
    else:
        in_progress = os.path.join(home, _IN_PROGRESS)
        if os.path.isdir(in_progress) and os.listdir(in_progress):
            raise _Busy
        _walk(home, lines, _NOT_READ)
    content = str(builtin_content_dir())
    lines.append(_line(content, os.stat(content)))
    _walk(content, lines, frozenset())
    _walk(str(_PACKAGE), lines, frozenset(), suffix=".py")
    return "\n".join(lines)


def _read(path: Path) -> dict[str, object] | None:
    """The kept answer at `path`: a private, well-formed file of ours; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (
            not stat.S_ISREG(st.st_mode)
            or st.st_uid != os.getuid()
            or st.st_mode & 0o077
            or st.st_size > _MAX_BYTES
        ):
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(_MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        found = json.loads(data)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def replay(words: Sequence[str], out: TextIO) -> bool:
    """Print the answer kept for `words` and return True, when everything it came from is unchanged;
    else False (the command then runs)."""
    asked = _asked(words)
    path = _path(asked)
    if path is None:
        return False
    kept = _read(path)
    if kept is None or kept.get("asked") != asked:
        return False
    home, answer = kept.get("home"), kept.get("out")
    if not isinstance(home, str) or not isinstance(answer, str):
        return False
    try:
        if _stamp(home) != kept.get("stamp"):
            return False
    except (OSError, _Busy):
        return False
    out.write(answer)
    out.flush()
    return True


class _Tee:
    """A text stream that writes through to `stream` and keeps a copy."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


class Keeper:
    """Around one run of an answered command: the stamp before, the output, and the answer kept after."""

    def __init__(self, words: Sequence[str], home: Path, out: TextIO, err: TextIO) -> None:
        self.asked = _asked(words)
        self.home = str(home)
        self._out, self._err = _Tee(out), _Tee(err)
        # what the command prints to: through to the real streams, a copy kept
        self.out, self.err = cast("TextIO", self._out), cast("TextIO", self._err)
        try:
            self.before: str | None = _stamp(self.home)
        except (OSError, _Busy):
            self.before = None

    def keep(self, code: int) -> None:
        """Keep the answer when the command answered cleanly and nothing it reads changed meanwhile."""
        if code != 0 or self.before is None or self._err.parts:
            return
        try:
            if _stamp(self.home) != self.before:
                return
        except (OSError, _Busy):
            return
        path = _path(self.asked)
        if path is None:
            return
        kept = {"asked": self.asked, "home": self.home, "stamp": self.before, "out": "".join(self._out.parts)}
        try:
            _write(path, json.dumps(kept).encode("ascii"))
        except OSError:
            pass  # not kept: the next run works the answer out again


def _write(path: Path, data: bytes) -> None:
    from tracker.files import write_atomic
    from tracker.paths import ensure_private_dir

    if len(data) > _MAX_BYTES:
        return
    ensure_private_dir(path.parent)
    write_atomic(path, data, durable=False)  # derived: a lost answer is worked out again
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Drop the oldest answers past KEEP (each day's `--today` words make a file of their own)."""
    with os.scandir(folder) as entries:
        answers = [e for e in entries if e.name.startswith("answer-") and e.name.endswith(".json")]
    if len(answers) <= KEEP:
        return
    answers.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns)
    for entry in answers[: len(answers) - KEEP]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
