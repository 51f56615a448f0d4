"""Where merged conflict copies are set aside (<home>/sync-conflicts), and what is there now.

conflicts.py moves each copy here once it is merged; `backroll status` and `backroll sync-check` list
them. Kept apart from conflicts.py so that listing them needs none of the merge.
"""

from __future__ import annotations

from pathlib import Path

from tracker.paths import Locations

__all__ = ["FOLDER", "set_aside", "set_aside_folder"]

FOLDER = "sync-conflicts"


def set_aside_folder(loc: Locations) -> Path:
    return loc.home / FOLDER


def set_aside(loc: Locations) -> list[Path]:
    """Every file moved aside so far, oldest name first."""
    folder = set_aside_folder(loc)
    try:
        return sorted(p for p in folder.iterdir() if not p.is_dir() or p.is_symlink())
    except (FileNotFoundError, NotADirectoryError):
        return []
