"""One place for every location Backroll reads or writes.

The data home is, in order: the `--home` option, the `BACKROLL_HOME`
environment variable, then the per-user data folder from platformdirs.
Folders are created on first use with mode 0700: health data stays private.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

ENV_HOME = "BACKROLL_HOME"
ENV_CACHE = "BACKROLL_CACHE"  # the per-user cache folder (derived files only); empty: no cache
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def default_home() -> Path:
    from platformdirs import user_data_path

    return user_data_path("backroll", appauthor=False)


def resolve_home(option: str | os.PathLike[str] | None = None) -> Path:
    """The data home chosen by the option, else the environment, else the platform default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return default_home()


def cache_dir() -> Path | None:
    """The per-user cache folder (the library's cache, kept answers): $BACKROLL_CACHE, else the platform's;
    None when BACKROLL_CACHE is set empty (no cache)."""
    named = os.environ.get(ENV_CACHE)
    if named is not None:
        return Path(named).expanduser() if named else None
    from platformdirs import user_cache_path

    return user_cache_path("backroll", appauthor=False)


def builtin_content_dir() -> Path:
    """The shipped content: inside the wheel as tracker/_content, in a checkout as ./content."""
    packaged = Path(__file__).with_name("_content")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "content"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR:
        os.chmod(path, PRIVATE_DIR)
    return path


def is_wider_than_private(path: Path) -> bool:
    """True when group or others may read, write or enter `path`."""
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


class Locations(NamedTuple):
    """The files and folders under one data home. (A NamedTuple, not a dataclass: `backroll status` replays
    a kept answer through this module, and `dataclasses` alone costs it ~7 ms to import.)"""

    home: Path

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def routines(self) -> Path:
        return self.home / "routines"

    @property
    def lock(self) -> Path:
        return self.home / "backroll.lock"

    @property
    def settings(self) -> Path:
        return self.home / "settings.json"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def in_progress(self) -> Path:
        """Checkpoints of running sessions (tracker/checkpoint.py)."""
        return self.home / "in-progress"
