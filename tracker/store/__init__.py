"""The practice history on disk: TinyDB month shards on an atomic storage, one writer at a time.

See core.py for the layout and the concurrency design, storage.py for the
atomic file writes, lock.py for the writer lock, backups.py for the daily
backups, migrations.py for schema versions and summary.py for the quick
read-only view `backroll status` uses.

Only the errors are imported eagerly: `from tracker.store import StoreError`
(the CLI's exit codes) must not pay for TinyDB and the store before a
command needs them; everything else loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.store.errors import StoreCorrupt, StoreError, StoreLocked, StoreWriteError

if TYPE_CHECKING:
    from tracker.store.core import MergeReport, Store
    from tracker.store.migrations import CURRENT_SCHEMA
    from tracker.store.storage import AtomicJSONStorage

_LAZY = {
    "MergeReport": "tracker.store.core",
    "Store": "tracker.store.core",
    "CURRENT_SCHEMA": "tracker.store.migrations",
    "AtomicJSONStorage": "tracker.store.storage",
}

__all__ = [
    "CURRENT_SCHEMA",
    "AtomicJSONStorage",
    "MergeReport",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreWriteError",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
