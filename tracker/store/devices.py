"""Which machine this is, and which files in the shared data folder belong to which machine.

The data folder (`<home>/data`) may be carried between machines by a sync
engine (Syncthing, Nextcloud, Dropbox, a git repository). Two machines must
then never write the same file, or the engine keeps one version and sets the
other aside as a conflict copy. So each machine gets a device id, made once
and kept in `<home>/device.json` (outside the data folder: it is this
machine's, never synced), and writes only files named after it::

    data/sessions-2026-12.<device>.json   the sessions this machine logged in December 2026
    data/events-2026-12.<device>.json      its edits, deletes and changes of the person's settings that month
    data/usual-pain.<device>.json          the usual-pain records it added
    data/pain-records.<device>.json        the pain scores given on it without practising

Readers take the union of every device's files. A file without a device
(`sessions-2026-12.json`, the single-machine layout of schema 1) is read like
another device's file and never written.

device.json maps each machine it was opened on (host name and machine-id)
to that machine's id: a home copied to another machine (or synced whole,
against the README's advice) then gets a new id on that machine instead of
two machines sharing one, which would make them write the same files again.
A new id is harmless: the old files stay in the union.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from tracker.files import WriteBytes, write_all
from tracker.paths import Locations
from tracker.store.storage import Unreadable, atomic_write, dumps, read_json

__all__ = [
    "DEVICE_FILE",
    "DEVICE_PATTERN",
    "STIGNORE",
    "device_path",
    "load_device",
    "new_device_id",
    "write_stignore",
]

DEVICE_FILE = "device.json"
DEVICE_FORMAT = "backroll.device"
DEVICE_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"
_DEVICE_RE = re.compile(rf"^{DEVICE_PATTERN}$")

STIGNORE = """// Written by Backroll: files that belong to this machine only, never to be synced.
// (Syncthing reads this file; it is not synced itself. Edit it freely: Backroll never rewrites it.)
(?d).*.tmp
(?d)summary-cache.json
(?d)merge-journal.json
"""


def device_path(loc: Locations) -> Path:
    return loc.home / DEVICE_FILE


def _host() -> str:
    try:
        # The host name as socket.gethostname() gives it on POSIX, without importing socket (every `status`).
        return os.uname().nodename or "host"
    except (OSError, AttributeError):
        return "host"


def machine_key() -> str:
    """What tells this machine from another: the host name and, where there is one, a digest of
    /etc/machine-id (two machines may share a name such as "raspberrypi"; an install's id is its own)."""
    host = _host()
    try:
        with open("/etc/machine-id", "rb") as f:
            raw = f.read(64).strip()
    except OSError:
        return host
    return f"{host}:{hashlib.sha256(raw).hexdigest()[:12]}" if raw else host


def new_device_id(host: str | None = None) -> str:
    """A readable, unique id: the host name's first letters and six random hex digits ("laptop-3fa21c")."""
    slug = re.sub(r"[^a-z0-9]+", "-", (host or _host()).lower()).strip("-")[:24].strip("-") or "device"
    return f"{slug}-{secrets.token_hex(3)}"


def load_device(loc: Locations, write_bytes: WriteBytes = write_all, *, create: bool = True) -> str:
    """This machine's device id: read from <home>/device.json, made (and saved) when missing.

    device.json maps each machine (machine_key) to its id, so a home opened by two machines (copied,
    or on a network share) gives each its own id, the same one every time. A file that cannot be
    read is replaced (the files of an old id stay in the shared folder and keep being read). With
    create=False (a read-only history) a missing id is made up for this process only.
    """
    path = device_path(loc)
    key = machine_key()
    machines: dict[str, str] = {}
    try:
        data, _ = read_json(path, follow=True)
        if (
            isinstance(data, dict)
            and data.get("format") == DEVICE_FORMAT
            and isinstance(data.get("machines"), dict)
        ):
            machines = {
                k: v for k, v in data["machines"].items() if isinstance(v, str) and _DEVICE_RE.match(v)
            }
    except (FileNotFoundError, Unreadable, OSError):
        pass
    found = machines.get(key)
    if found is not None:
        return found
    device = new_device_id(_host())
    if create:
        machines[key] = device
        atomic_write(path, dumps({"format": DEVICE_FORMAT, "id": device, "machines": machines}), write_bytes)
    return device


def write_stignore(data: Path) -> None:
    """Write data/.stignore (Syncthing's ignore file) unless one exists: this machine's temp files,
    status cache and import journal stay off the other machines. Best effort: a failure changes nothing."""
    path = data / ".stignore"
    if path.exists():
        return
    try:
        atomic_write(path, STIGNORE.encode("utf-8"))
    except Exception:
        pass
