"""The practice history on disk: TinyDB month shards on an atomic storage, one writer at a time.

See core.py for the layout and the concurrency design, storage.py for the
atomic file writes, lock.py for the writer lock, backups.py for the daily
backups and migrations.py for schema versions.
"""

from tracker.store.core import MergeReport, Store
from tracker.store.errors import StoreCorrupt, StoreError, StoreLocked, StoreWriteError
from tracker.store.migrations import CURRENT_SCHEMA
from tracker.store.storage import AtomicJSONStorage

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
