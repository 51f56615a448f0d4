"""Schema versions of the history folder and the path from each to the current one.

- version 0: one flat stock-TinyDB file `<home>/history.json` (table
  "_default"), sessions without `origin` and sometimes without `zone`.
- version 1: month shards `data/sessions-YYYY-MM.json` (table
  "sessions"), `data/meta.json` = {"format": "backroll.store", "schema": 1},
  settings in `<home>/settings.json`, `data/usual-pain.json`.
- version 2 (current): the data folder can be synced between machines
  (devices.py): each device writes only `sessions-YYYY-MM.<device>.json`,
  `usual-pain.<device>.json` and `events-YYYY-MM.<device>.json` (edits, deletes and the
  person's settings, events.py); readers take the union. The step from 1
  first copies every data file and settings.json into
  `backups/before-schema-2/` (to go back: put those files back in place with
  a Backroll of schema 1), then renames each file to this device's name and
  records the person's settings as this device's first settings event.

A migration first writes meta.json with "migrating_from": the old version,
then the new files, then meta.json without it. A migration killed half way
is therefore redone in full at the next open (it only ever reads the old
files, which it never changes), and nothing else writes in the meantime.
The old files are left in place untouched.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker.model import Session
from tracker.paths import Locations
from tracker.store.storage import Token, Unreadable, WriteBytes, atomic_write, dumps, read_json, token_of

CURRENT_SCHEMA = 2
FORMAT = "backroll.store"
LEGACY_FILE = "history.json"
META_FILE = "meta.json"
CACHE_NAME = "summary-cache.json"  # the status cache (summary.py): derived, never synced as history
SESSIONS_TABLE = "sessions"
SHARD_RE = re.compile(
    r"^sessions-(\d{4}-\d{2}(?:\.[a-z0-9][a-z0-9-]{0,39})?)\.json$"
)  # key: "2026-12[.<device>]"
_LEGACY_ID_NAMESPACE = "6f1c4a52-5b0e-4d3e-9d0a-bac4011000aa"  # stable ids for id-less v0 sessions (uuid5)


def shard_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shard_name(key: str) -> str:
    return f"sessions-{key}.json"


def meta_path(loc: Locations) -> Path:
    return loc.data / META_FILE


def legacy_path(loc: Locations) -> Path:
    return loc.home / LEGACY_FILE


def meta_document(schema: int = CURRENT_SCHEMA, **extra: object) -> dict[str, object]:
    return {"format": FORMAT, "schema": schema, **extra}


def check_meta(path: Path, data: object) -> dict[str, Any]:
    """Raise Unreadable unless `data` is a meta document; returns it."""
    if not isinstance(data, dict):
        raise Unreadable(path, f"it should be a JSON object, found {type(data).__name__}")
    schema = data.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 0:
        raise Unreadable(path, "it has no valid schema version")
    pending = data.get("migrating_from")
    if pending is not None and (isinstance(pending, bool) or not isinstance(pending, int)):
        raise Unreadable(path, "its migrating_from marker is not a version number")
    return data


def journal_path(loc: Locations) -> Path:
    """The redo journal of an import in progress (see Store.merge)."""
    return loc.data / "merge-journal.json"


def shard_tokens(data: Path) -> dict[str, Token]:
    """Month key -> stat token of every shard file in `data` (what changed is told by the token).

    Raises Unreadable for a month that is not a regular file (the status summary then opens the Store,
    which decides: this device's own is an error, another device's is left out with a note)."""
    found, odd = shard_entries(data)
    for key in odd:
        path = data / shard_name(key)
        raise Unreadable(path, not_regular(path), suspicious=True)
    return found


def shard_entries(data: Path) -> tuple[dict[str, Token], dict[str, os.stat_result]]:
    """(month key -> token of each regular month file, month key -> lstat of each one that is not regular)."""
    found: dict[str, Token] = {}
    odd: dict[str, os.stat_result] = {}
    with os.scandir(data) as entries:
        for entry in entries:
            match = SHARD_RE.match(entry.name)
            if match is None:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode):
                found[match.group(1)] = token_of(st)
            else:
                odd[match.group(1)] = st
    return found, odd


def shard_files(loc: Locations) -> dict[str, Path]:
    try:
        entries = list(os.scandir(loc.data))
    except FileNotFoundError:
        return {}
    found = {}
    for entry in entries:
        match = SHARD_RE.match(entry.name)
        if match and entry.is_file(follow_symlinks=False):
            found[match.group(1)] = Path(entry.path)
    return found  # a month that is not a regular file: the Store decides (this device's own: an error)


def not_regular(path: Path) -> str:
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return (
            f"it is a symbolic link (to {target}), and Backroll keeps each month in a regular file; "
            "replace the link with a copy of the file it points to"
        )
    return "it is not a regular file (a folder, a pipe or a device); move it out of the data folder"


def detect_version(loc: Locations) -> int | None:
    """The schema version of the folder, or None when there is no history yet.

    Raises Unreadable when meta.json (or the legacy file's presence) cannot be trusted.
    """
    path = meta_path(loc)
    try:
        data, _ = read_json(path)
    except FileNotFoundError:
        if shard_files(loc):
            return CURRENT_SCHEMA  # meta.json lost; only versions 1 and 2 have shards (a schema-1 name is read as is)
        if legacy_path(loc).exists():
            return 0
        return None
    meta = check_meta(path, data)
    if meta.get("migrating_from") is not None:
        return int(meta["migrating_from"])
    return int(meta["schema"])


def migrate(loc: Locations, version: int, write_bytes: WriteBytes) -> list[int]:
    """Bring the folder from `version` to CURRENT_SCHEMA; returns the steps taken.

    Call only while holding the writer lock. Raises Unreadable when an old
    file cannot be read (it is left untouched).
    """
    steps = []
    while version < CURRENT_SCHEMA:
        step = MIGRATIONS[version]
        atomic_write(meta_path(loc), dumps(meta_document(version + 1, migrating_from=version)), write_bytes)
        step(loc, write_bytes)
        atomic_write(meta_path(loc), dumps(meta_document(version + 1, migrated_from=version)), write_bytes)
        steps.append(version)
        version += 1
    return steps


def _guess_zone(started: datetime) -> str:
    """An IANA name for a fixed UTC offset, for version-0 sessions saved without one."""
    offset = started.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest:
        return "UTC"
    return f"Etc/GMT{-hours:+d}"  # POSIX sign: Etc/GMT-2 is two hours east of UTC


def upgrade_v0_session(doc: dict[str, Any]) -> dict[str, Any]:
    """One version-0 session document as a version-1 Session dict (may raise ValueError/KeyError)."""
    doc = dict(doc)
    if not doc.get("id"):
        canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False)
        import uuid  # only for schema-0 files; uuid (and platform, which it imports) cost every start ~2 ms

        doc["id"] = str(uuid.uuid5(uuid.UUID(_LEGACY_ID_NAMESPACE), canonical))
    started = datetime.fromisoformat(doc["started_at"])
    if started.tzinfo is None:
        raise ValueError("started_at has no UTC offset")
    doc.setdefault("zone", _guess_zone(started))
    doc.setdefault("local_date", started.date().isoformat())
    doc.setdefault("origin", "app")
    return Session.from_dict(doc).to_dict()


def migrate_0_to_1(loc: Locations, write_bytes: WriteBytes) -> None:
    source = legacy_path(loc)
    try:
        data, _ = read_json(source, follow=True)
    except FileNotFoundError:  # removed by the user after a failed migration: nothing to bring over
        return
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise Unreadable(source, "it is not a TinyDB database (an object of tables)")
    table = data.get("_default", {})
    months: dict[str, dict[str, Any]] = defaultdict(dict)
    seen: set[str] = set()
    for doc_id, doc in sorted(table.items(), key=lambda item: _int_or_zero(item[0])):
        if not isinstance(doc, dict):
            raise Unreadable(source, f"document {doc_id} is not an object")
        try:
            session = upgrade_v0_session(doc)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Unreadable(
                source, f"document {doc_id} is not a valid session ({type(exc).__name__}: {exc})"
            ) from None
        if session["id"] in seen:
            continue
        seen.add(session["id"])
        shard = months[shard_key(date.fromisoformat(session["local_date"]))]
        shard[str(len(shard) + 1)] = session
    for key, docs in sorted(months.items()):
        atomic_write(loc.data / shard_name(key), dumps({SESSIONS_TABLE: docs}), write_bytes)


def _int_or_zero(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def migrate_1_to_2(loc: Locations, write_bytes: WriteBytes) -> None:
    from tracker.store.layout import to_device_layout  # issue 18's step lives with the device layout

    to_device_layout(loc, write_bytes)


MIGRATIONS: dict[int, Callable[[Locations, WriteBytes], None]] = {0: migrate_0_to_1, 1: migrate_1_to_2}
