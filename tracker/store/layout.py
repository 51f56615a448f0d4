"""Schema 1 -> 2: from the single-machine names to this device's names (see devices.py), reversibly.

Called by migrations.migrate under the writer lock, between the two writes
of meta.json that make a migration redo itself in full when killed half way.
Steps, each safe to run again:

1. a backup of the schema-1 files, `backups/before-schema-2/` (made in a
   `.partial-` folder and renamed, so it is whole or absent; never pruned):
   every `data/*.json`, `settings.json`, and meta.json as schema 1 said it.
   Going back = copying those files back into place (and removing the
   `*.<device>.json` files) for a Backroll that reads schema 1.
2. each `sessions-YYYY-MM.json` copied to `sessions-YYYY-MM.<device>.json`,
   then removed; the same for `usual-pain.json`.
3. the person's settings in settings.json (rest days, tighter sides...)
   become this device's first settings event, dated by the file's mtime, so
   the other devices take them unless they changed them later.
"""

from __future__ import annotations

import os
from datetime import UTC

from tracker.files import WriteBytes, fsync_dir
from tracker.model import Settings
from tracker.paths import PRIVATE_DIR, Locations, ensure_private_dir
from tracker.store.devices import load_device
from tracker.store.events import PERSON_FIELDS, Event, events_document, now_stamp
from tracker.store.storage import Unreadable, atomic_write, dumps, read_json

__all__ = ["BACKUP_NAME", "to_device_layout"]

BACKUP_NAME = "before-schema-2"


def to_device_layout(loc: Locations, write_bytes: WriteBytes) -> None:
    device = load_device(loc, write_bytes)
    _backup(loc, write_bytes)
    data = loc.data
    for entry in sorted(os.listdir(data)):
        if not (entry.startswith("sessions-") or entry == "usual-pain.json") or entry.count(".") != 1:
            continue
        if not entry.endswith(".json") or not (data / entry).is_file() or (data / entry).is_symlink():
            continue
        stem = entry[: -len(".json")]
        with open(data / entry, "rb") as f:
            payload = f.read()
        atomic_write(data / f"{stem}.{device}.json", payload, write_bytes)
        os.unlink(data / entry)
    fsync_dir(data)
    _settings_event(loc, device, write_bytes)


def _backup(loc: Locations, write_bytes: WriteBytes) -> None:
    import shutil  # only for this one-time move: shutil imports bz2 and lzma

    target = loc.backups / BACKUP_NAME
    if target.exists():
        return
    ensure_private_dir(loc.backups)
    partial = loc.backups / f".partial-{BACKUP_NAME}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=PRIVATE_DIR)
    sources = [p for p in sorted(loc.data.glob("*.json")) if p.is_file() and not p.is_symlink()]
    if loc.settings.is_file():
        sources.append(loc.settings)
    for src in sources:
        if src.name == "meta.json":
            payload = dumps({"format": "backroll.store", "schema": 1})
        else:
            payload = src.read_bytes()
        atomic_write(partial / src.name, payload, write_bytes)
    os.replace(partial, target)
    fsync_dir(loc.backups)


def _settings_event(loc: Locations, device: str, write_bytes: WriteBytes) -> None:
    if list(loc.data.glob(f"events-*.{device}.json")):
        return
    try:
        raw, _ = read_json(loc.settings, follow=True)
    except (FileNotFoundError, Unreadable):
        return  # no settings yet, or a damaged file that the store reports when it reads it
    saved = raw.get("settings") if isinstance(raw, dict) else None
    if not isinstance(saved, dict):
        return
    body = {name: saved[name] for name in PERSON_FIELDS if name in saved}
    try:
        Settings.from_dict(body)
    except (KeyError, ValueError, TypeError, AttributeError):
        return  # not valid: the store reports settings.json when it reads it
    if not body:
        return
    from datetime import datetime

    moment = datetime.fromtimestamp(loc.settings.stat().st_mtime, UTC)
    event = Event(now_stamp(moment), device, 1, "settings", "", body)
    atomic_write(
        loc.data / f"events-{event.at[:7]}.{device}.json", events_document(device, [event]), write_bytes
    )
