"""What a good history file looks like, and the error for one that is not.

Each `parse_*` takes a file's parsed JSON and returns its records or raises
Unreadable with the reason; the Store, the status summary and the backups
(finding the newest good copy) all validate through these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tracker.model import Session, Settings
from tracker.paths import Locations
from tracker.store import backups as backup_mod
from tracker.store.errors import StoreCorrupt
from tracker.store.migrations import CURRENT_SCHEMA, SESSIONS_TABLE, check_meta, legacy_path
from tracker.store.storage import Unreadable
from tracker.store.usual import parse_usual_pain

SETTINGS_SCHEMA = 1


def parse_shard(path: Path, data: object) -> dict[str, tuple[int, Session]]:
    """session id -> (TinyDB doc id, Session); raises Unreadable on any wrong shape.

    A session id found twice in one file keeps its later document (the higher doc id). Only a restore
    before issue 24 wrote that (a second copy of a deleted session, with the edit event that brings it
    back, which is what the history shows); refusing the file locked the store for good. The earlier
    copy goes the next time that session is removed from the file (Shards.remove).
    """
    if not isinstance(data, dict):
        raise Unreadable(
            path, f"it should be a TinyDB database (a JSON object of tables), found {type(data).__name__}"
        )
    for name, table in data.items():
        if not isinstance(table, dict):
            raise Unreadable(path, f"its table {name!r} is not a JSON object")
    if SESSIONS_TABLE not in data:
        raise Unreadable(path, f"it has no {SESSIONS_TABLE!r} table")
    docs: dict[str, tuple[int, Session]] = {}
    for key, doc in data[SESSIONS_TABLE].items():
        try:
            doc_id = int(key)
        except ValueError:
            raise Unreadable(path, f"document key {key!r} is not a number") from None
        if not isinstance(doc, dict):
            raise Unreadable(path, f"document {key} is not a JSON object")
        try:
            session = Session.from_dict(doc)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Unreadable(
                path, f"document {key} is not a valid session ({type(exc).__name__}: {exc})"
            ) from None
        known = docs.get(session.id)
        if known is not None and known[0] > doc_id:
            continue  # the same id twice in one file: what a restore made before issue 24 (see below)
        docs[session.id] = (doc_id, session)
    return docs


def parse_meta(path: Path, data: object) -> dict[str, Any]:
    meta = check_meta(path, data)
    if meta["schema"] > CURRENT_SCHEMA:
        raise Unreadable(path, newer_version(meta["schema"]))
    if meta["schema"] < CURRENT_SCHEMA or meta.get("migrating_from") is not None:
        raise Unreadable(
            path, f"it says schema {meta['schema']} but the folder holds schema {CURRENT_SCHEMA} files"
        )
    return meta


def parse_settings(path: Path, data: object) -> Settings:
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        raise Unreadable(path, "it should be a JSON object with a 'settings' object")
    schema = data.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise Unreadable(path, "it has no valid schema version")
    if schema > SETTINGS_SCHEMA:
        raise Unreadable(path, newer_version(schema))
    try:
        return Settings.from_dict(data["settings"])
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise Unreadable(path, f"its settings are not valid ({type(exc).__name__}: {exc})") from None


def newer_version(schema: int) -> str:
    return f"it was written by a newer version of Backroll (schema {schema}; this version reads up to {CURRENT_SCHEMA}), upgrade Backroll to read it"


def corrupt_error(locations: Locations, exc: Unreadable) -> StoreCorrupt:
    """StoreCorrupt for a file that cannot be read: the file, the problem, and the newest good backup of it."""
    path = exc.path
    validators: Mapping[str, Callable[[Path, object], object]] = {
        "meta.json": parse_meta,
        "settings.json": parse_settings,
        "usual-pain.json": parse_usual_pain,
    }
    validate = validators.get(path.name, parse_shard)
    if path.name.startswith("pain-records"):
        from tracker.store.painrecords import parse_pain_records

        validate = parse_pain_records
    backup = None
    if path != legacy_path(locations):
        backup = backup_mod.newest_good_copy(locations.backups, path.name, validate)
    message = (
        f"The history file {path} cannot be read: {exc.reason}. Backroll has left it untouched and will not "
        "save anything until it is fixed"
    )
    if backup is not None:
        message += f"; the newest good backup of it is {backup}."
    else:
        message += "; there is no good backup of it."
    return StoreCorrupt(message, path=path, backup=backup, reason=exc.reason)
