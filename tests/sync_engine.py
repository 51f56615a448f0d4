"""A sync engine, simulated by copying files between the data folders of two or more homes (real Syncthing
is in tests/reliability/syncthing.py). Shared by the store's sync tests and the hostile-peer attacks.

Importable as `tests.sync_engine` (pytest's `pythonpath = ["."]`; tests/reliability/report.py puts the
repository on its path too).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

NOT_SYNCED = ("summary-cache.json", "merge-journal.json")  # each device's own, never carried


def device_id(home: Path) -> str:
    """The id this home's device writes its files under (device.json)."""
    return str(json.loads((home / "device.json").read_text())["id"])


def sync(src: Path, dst: Path) -> list[str]:
    """What a sync engine does between two homes' data folders: each file the other side does not own
    (or has an older copy of) arrives through a temp file and a rename. Returns the names copied."""
    copied = []
    mine = device_id(dst)
    for path in sorted((src / "data").iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name in NOT_SYNCED:
            continue
        if f".{mine}." in path.name:
            continue  # a device's own files are only ever written by that device
        target = dst / "data" / path.name
        if target.exists() and target.read_bytes() == path.read_bytes():
            continue
        tmp = dst / "data" / f".syncthing.{path.name}.tmp"
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
        copied.append(path.name)
    return copied


def sync_all(*homes: Path) -> None:
    """Every home's files to every other home, three rounds over."""
    for _ in range(3):
        for a in homes:
            for b in homes:
                if a != b:
                    sync(a, b)
