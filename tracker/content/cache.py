"""A derived cache of the validated library, so a command does not parse and check every TOML file each time.

Reading and validating the whole library (the built-in poses, routines and
programs plus `<home>/routines`) costs about as much as starting Python;
`status` and `routines` run many times a week. `load_library_cached` keeps
the validated `Library` as a pickle in the per-user cache folder (0700, the
file 0600 through the atomic writer), under a key made of:

- the stat (mtime, ctime, size, inode) of every content file the loader
  reads: the built-in `*.toml`, the sources table and each `*.toml` of the
  user's routines folder, and the list of those files;
- the stat of the code that reads and shapes them (tracker/content,
  tracker/model), the package version and the Python version.

The key is computed before the files are read, so a file changed while the
library loads leaves a key that no longer matches: the next run reads again.

It is never the only copy of anything: the TOML files are. Any problem with
the cache (missing, unreadable, damaged, another key, owned by someone
else or readable by others, a pickle this Python cannot load) means the
files are read as before and the cache written again; a cache that cannot
be written is skipped without a word.

`BACKROLL_CACHE` names another folder for it (the tests use one per run);
set to an empty string, the cache is off.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from tracker.content.library import Library, frozen
from tracker.paths import ENV_CACHE, cache_dir

V = TypeVar("V")

__all__ = ["ENV_CACHE", "cache_dir", "cache_path", "load_library_cached"]

CACHE_FORMAT = 1  # bump when what is pickled changes shape
_MAX_BYTES = 32 * 1024 * 1024  # far above any real library; a bigger file is not ours
_PACKAGE = Path(__file__).resolve().parent.parent  # tracker/
_CODE_DIRS = (_PACKAGE / "content", _PACKAGE / "model")
_BUILTIN_DIRS = ("poses", "routines", "programs")  # as the loader reads them
_SOURCES = "sources.toml"


def cache_path(user_dir: Path | None, content_dir: Path) -> Path | None:
    """One cache file per (content folder, routines folder): two homes do not overwrite each other's."""
    folder = cache_dir()
    if folder is None:
        return None
    which = hashlib.sha256(f"{content_dir}\0{user_dir}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return folder / f"library-{which}.pickle"


def _stamp(path: str) -> tuple[str | int | None, ...]:
    try:
        st = os.stat(path)
    except OSError as error:
        return (path, "missing", error.errno)
    return (path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)


def _files(folder: Path, suffix: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.path for e in entries if e.name.endswith(suffix))
    except OSError:
        return []


def _key(user_dir: Path | None, content_dir: Path) -> str:
    from tracker import __version__

    parts: list[object] = [CACHE_FORMAT, __version__, sys.version, str(content_dir), str(user_dir)]
    for folder in _CODE_DIRS:
        parts.extend(_stamp(p) for p in _files(folder, ".py"))
    for sub in _BUILTIN_DIRS:
        parts.extend(_stamp(p) for p in _files(content_dir / sub, ".toml"))
    parts.append(_stamp(str(content_dir / _SOURCES)))
    if user_dir is not None:
        parts.append(_stamp(str(user_dir)))
        parts.extend(_stamp(p) for p in _files(user_dir, ".toml"))
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _read(path: Path, key: str) -> Library | None:
    """The cached library under `key`; None for anything but a private, well-formed file of this key."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (
            not stat.S_ISREG(st.st_mode)
            or st.st_uid != os.getuid()
            or st.st_mode & 0o077
            or st.st_size > _MAX_BYTES
        ):
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(_MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        from _pickle import loads  # the C unpickler alone: pickle.py costs more to import than the read

        found = loads(data)
        stored_key, poses, routines, programs, errors, sources = found
        if stored_key != key:
            return None
        library = Library(frozen(poses), frozen(routines), frozen(programs), tuple(errors), frozen(sources))
    except Exception:
        return None
    return library


def _proxy(mapping: dict[str, V]) -> Mapping[str, V]:
    """A read-only mapping again (the model keeps some as MappingProxyType, which pickle cannot name)."""
    return MappingProxyType(mapping)


def _dumps(payload: object) -> bytes:
    import pickle

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {MappingProxyType: lambda proxy: (_proxy, (dict(proxy),))}
    pickler.dump(payload)
    return buffer.getvalue()


def _write(path: Path, key: str, library: Library) -> None:
    from tracker.files import write_atomic
    from tracker.paths import ensure_private_dir

    payload = (
        key,
        dict(library.poses),
        dict(library.routines),
        dict(library.programs),
        tuple(library.errors),
        dict(library.sources),
    )
    try:
        data = _dumps(payload)
        ensure_private_dir(path.parent)
        write_atomic(path, data, durable=False)
    except Exception:
        pass


def load_library_cached(user_dir: Path | None = None, *, content_dir: Path | None = None) -> Library:
    """`tracker.content.load_library`, answered from the cache when no file it reads has changed."""
    from tracker.paths import builtin_content_dir

    root = content_dir if content_dir is not None else builtin_content_dir()
    path = cache_path(user_dir, root)
    key = _key(user_dir, root) if path is not None else ""
    if path is not None:
        cached = _read(path, key)
        if cached is not None:
            return cached
    from tracker.content.loader import load_library

    library = load_library(user_dir, content_dir=root)
    if path is not None:
        _write(path, key, library)
    return library
