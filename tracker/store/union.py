"""Files of every device, read as one: the union the readers take (see devices.py for the names).

`DeviceFiles` keeps the parsed content of every `<prefix>.json` and
`<prefix>.<device>.json` in the data folder, re-reading only the files whose
stat token changed. This machine's own file is written only by this machine
(atomically), so when it cannot be read it is damage: StoreCorrupt, as
before. Another device's file arrives through a sync engine and may be half
there (truncated, still being written, a link the engine has not resolved),
or be hostile (a link, a pipe, nested 5000 deep: every file is read through
tracker.untrusted, never followed nor waited on): it is skipped with a note
in `skipped`, the version read before (if any) is kept, it is never written
over nor moved, and it is read again when its token changes. Only this
device's own file stops the store when it cannot be read.

The names sync engines give their conflict copies (`original_name`,
`find_conflicts`) live here too: which files of the data folder belong to the
union and which are copies to merge (conflicts.py) is one question of naming.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from tracker.files import WriteBytes
from tracker.store.devices import DEVICE_PATTERN
from tracker.store.errors import StoreCorrupt
from tracker.store.storage import Token, Unreadable, atomic_write, read_json, token_of
from tracker.untrusted import kind_of

T = TypeVar("T")

__all__ = [
    "ARRIVING",
    "DeviceFiles",
    "find_conflicts",
    "half_synced_reason",
    "original_name",
    "refused_reason",
    "skip_note",
]


ARRIVING = (
    "skipped for now"  # how a note on a file still arriving begins (synccheck tells them from refusals)
)


def half_synced_reason(reason: str) -> str:
    return f"{ARRIVING}, probably still arriving from the other device ({reason}); read again next time"


def refused_reason(reason: str) -> str:
    return f"not read: {reason}; left where it is, untouched, and read again once it changes"


def skip_note(exc: Unreadable) -> str:
    """Why another device's file was left out: refused by a defence (tracker.untrusted), or still arriving."""
    return refused_reason(exc.reason) if exc.suspicious else half_synced_reason(exc.reason)


class DeviceFiles(Generic[T]):
    """Every device's `<prefix>[.<device>].json` in `data`, parsed by `parse` (see the module docstring)."""

    def __init__(
        self,
        data: Path,
        prefix: str,
        device: str,
        parse: Callable[[Path, object], T],
        corrupt: Callable[[Unreadable], StoreCorrupt],
        *,
        monthly: bool = False,
    ) -> None:
        self.data = data
        self.prefix = prefix
        self.device = device
        self.parse = parse
        self.corrupt = corrupt
        # monthly: "<prefix>-YYYY-MM.<device>.json", so a write rewrites one month's file, not all of them
        month = r"-\d{4}-\d{2}" if monthly else ""
        self.pattern = re.compile(rf"^{re.escape(prefix)}{month}(?:\.({DEVICE_PATTERN}))?\.json$")
        self.monthly = monthly
        self.loaded: dict[str, tuple[Token, T]] = {}
        self.skipped: dict[str, str] = {}  # file name -> why it was not read this time
        self._skipped_tokens: dict[str, Token] = {}  # a skipped file is read again only once it changes

    @property
    def own_name(self) -> str:
        return self.own_file()

    def own_file(self, month: str = "") -> str:
        """This machine's file (of `month`, "YYYY-MM", when the files are monthly)."""
        return (
            f"{self.prefix}-{month}.{self.device}.json"
            if self.monthly
            else f"{self.prefix}.{self.device}.json"
        )

    def own(self, month: str = "") -> T | None:
        hit = self.loaded.get(self.own_file(month))
        return None if hit is None else hit[1]

    def values(self) -> list[tuple[str, T]]:
        return [(name, self.loaded[name][1]) for name in sorted(self.loaded)]

    def paths(self) -> list[Path]:
        return [self.data / name for name in sorted(self.loaded)]

    def scan(self) -> dict[str, os.stat_result]:
        """name -> lstat of every matching entry (a link is never followed)."""
        found: dict[str, os.stat_result] = {}
        try:
            entries = list(os.scandir(self.data))
        except FileNotFoundError:
            return found
        for entry in entries:
            if not self.pattern.match(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            found[entry.name] = st
        return found

    def sync(self) -> bool:
        """Load what changed on disk; True when anything did. Raises StoreCorrupt only for our own file."""
        changed = False
        on_disk = self.scan()
        for name in [n for n in self.loaded if n not in on_disk]:
            del self.loaded[name]
            changed = True
        for name in [n for n in self.skipped if n not in on_disk]:
            del self.skipped[name]
        for name, st in sorted(on_disk.items()):
            path = self.data / name
            if not stat.S_ISREG(st.st_mode):  # never opened: a link is not followed, a pipe not waited on
                self._unreadable(
                    Unreadable(path, f"it is {kind_of(st.st_mode)}, not a regular file", suspicious=True)
                )
                self._skipped_tokens[name] = token_of(st)
                continue
            hit = self.loaded.get(name)
            if hit is not None and hit[0] == token_of(st):
                continue
            if name in self.skipped and self._skipped_tokens.get(name) == token_of(st):
                continue  # still the same half-arrived file
            try:
                raw, token = read_json(path)
                parsed = self.parse(path, raw)
            except FileNotFoundError:
                continue
            except Unreadable as exc:
                self._unreadable(exc)
                self._skipped_tokens[name] = token_of(st)
                continue
            self.loaded[name] = (token, parsed)
            self.skipped.pop(name, None)
            changed = True
        return changed

    def _unreadable(self, exc: Unreadable) -> None:
        match = self.pattern.match(exc.path.name)
        if match is not None and match.group(1) == self.device:
            raise self.corrupt(exc)
        self.skipped[exc.path.name] = skip_note(exc)

    def write_own(self, payload: bytes, parsed: T, write_bytes: WriteBytes, month: str = "") -> None:
        """Replace this machine's file (atomically); memory follows only once the write succeeded."""
        name = self.own_file(month)
        token = atomic_write(self.data / name, payload, write_bytes)
        self.loaded[name] = (token, parsed)


# --------------------------------------------------------------------------- conflict copies' names

_PATTERNS = (
    re.compile(r"^(?P<stem>.+?)\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}(?P<ext>\.[^.]*)?$"),  # Syncthing
    re.compile(
        r"^(?P<stem>.+?) \((?:[^()]*'s )?conflicted copy[^()]*(?: \(\d+\))?\)(?P<ext>\.[^.]*)?$",
        re.IGNORECASE,
    ),  # Dropbox, Nextcloud
    re.compile(r"^(?P<stem>.+?)_conflict-[0-9-]+(?:-[^.]*)?(?P<ext>\.[^.]*)?$"),  # Nextcloud
    re.compile(r"^(?P<stem>.+?) \(Case Conflict(?: \d+)?\)(?P<ext>\.[^.]*)?$"),  # Dropbox
)
_SYNC_TEMP = re.compile(r"^(?:\.syncthing\..*\.tmp|~syncthing~.*\.tmp|.*\.partial|\.~.*|~\$.*)$")


def original_name(name: str) -> str | None:
    """The file a conflict copy is a copy of ("sessions-2026-12.json"); None when `name` is no conflict copy."""
    if _SYNC_TEMP.match(name) or name.endswith(".tmp"):
        return None  # still being written by the engine: not ours to touch yet
    for pattern in _PATTERNS:
        match = pattern.match(name)
        if match:
            return match.group("stem") + (match.group("ext") or "")
    return None


def find_conflicts(data: Path) -> list[Path]:
    """Every conflict copy in `data`: regular files, and links, pipes or devices (never opened: set aside)."""
    try:
        entries = list(os.scandir(data))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        Path(e.path)
        for e in entries
        if "onflict" in e.name and original_name(e.name) is not None and not e.is_dir(follow_symlinks=False)
    )  # every engine's pattern says "conflict" (or "Conflict"): one substring test per file before any regex
